import type { Guardrails } from './config.js';
import { OPTIONS, type ConfirmMode, type OptionName } from './options.js';

// The operator's rules said in words, each once: the start-up log, server_status, doctor, the model's
// instructions and the refusals of the spending limits all read them here.

/** What each --confirm mode does with a call that needs approval, before any client is known. */
const APPROVAL_RULE: Record<ConfirmMode, string> = {
  flag: 'run with confirm=true, passed after the user agreed',
  elicit:
    "are put to the person where the client can ask (elicitation, or the TensorPool view's approval card), " +
    'elsewhere they need confirm=true, passed after the user agreed',
  'always-elicit':
    "are put to the person (elicitation, or the TensorPool view's approval card), and refused where the client can " +
    'do neither',
};

/** The calls a mode applies to: billing ones too, unless --no-confirm-creates. */
function approvalSubject(billing: boolean): string {
  return billing
    ? 'irreversible, sensitive and billing calls'
    : 'irreversible and sensitive calls (billing calls run unasked: --no-confirm-creates)';
}

/** The approval rule a mode sets, for a sentence whose subject is the calls it applies to ("they …"). */
export function approvalRule(mode: ConfirmMode): string {
  return APPROVAL_RULE[mode];
}

/**
 * The approval rule in force, in words: for the start-up log and doctor (no client yet) and for server_status
 * (the connected client, which answers an elicitation (true), shows the view's approval card ('view'), or neither).
 */
export function approvalInForce(mode: ConfirmMode, clientCanElicit?: boolean | 'view', billing = true): string {
  const subject = approvalSubject(billing);
  // flag: the model's confirm=true approves, whatever the client can do
  if (mode === 'flag' || clientCanElicit === undefined) return `${mode}: ${subject} ${APPROVAL_RULE[mode]}`;
  if (clientCanElicit === 'view') {
    return (
      `${mode}: this client renders MCP Apps but has no elicitation, so ${subject} wait for the person to press ` +
      `Approve on ` +
      "the TensorPool view's approval card; the model's confirm=true does not approve them"
    );
  }
  if (clientCanElicit) return `${mode}: this client supports elicitation, so the person is asked before ${subject}`;
  return mode === 'elicit'
    ? `elicit, but this client does not support elicitation: ${subject} need confirm=true after the user agreed`
    : `always-elicit, and this client does not support elicitation: ${subject} are refused`;
}

/**
 * The spending limits in words, one phrase per limit. `unset: 'omit'` leaves out the limits the operator
 * did not set (the model's instructions); 'any' says them too (doctor, server_status).
 */
export function limitsInWords(guardrails: Partial<Guardrails>, unset: 'any' | 'omit'): string[] {
  const { allowInstanceTypes, maxNodes, maxStorageGb } = guardrails;
  const phrases = [
    allowInstanceTypes ? `instance types ${allowInstanceTypes.join(', ')}` : unset === 'any' && 'any instance type',
    maxNodes !== undefined ? `at most ${maxNodes} node(s) per cluster` : unset === 'any' && 'any number of nodes',
    maxStorageGb !== undefined ? `volumes up to ${maxStorageGb} GB` : unset === 'any' && 'volumes of any size',
  ];
  return phrases.filter((phrase): phrase is string => typeof phrase === 'string');
}

/** How the operator changes an option, as a refusal names it: its flag, and its variable if it has one. */
export function howToSet(name: OptionName): string {
  const { flags, env } = OPTIONS[name];
  const flag = flags.split(' ')[0]!;
  return env ? `${flag} or ${env}` : flag;
}
