import type { ConfirmMode } from './options.js';

/**
 * The approval rule in force, in words: for the start-up log (no client yet) and for server_status
 * (the connected client, which answers an elicitation (true), shows the view's approval card ('view'), or neither).
 */
export function approvalInForce(mode: ConfirmMode, clientCanElicit?: boolean | 'view', billing = true): string {
  const subject = billing
    ? 'irreversible, sensitive and billing calls'
    : 'irreversible and sensitive calls (billing calls run unasked: --no-confirm-creates)';
  if (mode === 'flag') return `flag: ${subject} run with confirm=true, passed after the user agreed`;
  if (clientCanElicit === undefined) {
    return mode === 'elicit'
      ? `elicit: ${subject} are put to the person through elicitation where the client supports it, else on the approval card of ` +
          'the TensorPool view where the client renders MCP Apps, and need confirm=true elsewhere'
      : `always-elicit: ${subject} are put to the person (elicitation, else the view's approval card), and refused where the client can do neither`;
  }
  if (clientCanElicit === 'view') {
    return (
      `${mode}: this client renders MCP Apps but has no elicitation, so ${subject} wait for the person to press Approve on ` +
      "the TensorPool view's approval card; the model's confirm=true does not approve them"
    );
  }
  if (clientCanElicit) return `${mode}: this client supports elicitation, so the person is asked before ${subject}`;
  return mode === 'elicit'
    ? `elicit, but this client does not support elicitation: ${subject} need confirm=true after the user agreed`
    : `always-elicit, and this client does not support elicitation: ${subject} are refused`;
}
