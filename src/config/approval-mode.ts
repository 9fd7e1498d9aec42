import type { ConfirmMode } from './options.js';

/**
 * The approval rule in force, in words: for the start-up log (no client yet) and for server_status
 * (the connected client, which can or cannot answer an elicitation).
 */
export function approvalInForce(mode: ConfirmMode, clientCanElicit?: boolean, billing = true): string {
  const subject = billing ? 'irreversible, sensitive and billing calls' : 'irreversible and sensitive calls (billing calls run unasked: --no-confirm-creates)';
  if (mode === 'flag') return `flag: ${subject} run with confirm=true, passed after the user agreed`;
  if (clientCanElicit === undefined) {
    return mode === 'elicit'
      ? `elicit: ${subject} are put to the person where the client supports elicitation, and need confirm=true elsewhere`
      : `always-elicit: ${subject} are put to the person, and refused where the client cannot ask`;
  }
  if (clientCanElicit) return `${mode}: this client supports elicitation, so the person is asked before ${subject}`;
  return mode === 'elicit'
    ? `elicit, but this client does not support elicitation: ${subject} need confirm=true after the user agreed`
    : `always-elicit, and this client does not support elicitation: ${subject} are refused`;
}
