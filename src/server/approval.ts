import type { Config } from '../config/config.js';
import type { CallApproval, ToolCall } from '../registry/tool.js';
import { describeArguments } from './argument-summary.js';

/** What the person is asked, for a channel that shows more than the message (the view's approval card). */
export interface ApprovalQuestion {
  tool: string;
  /** What the call would do, in words, e.g. "creating a 1xH100 cluster, which starts billing". */
  action: string;
  args: Record<string, unknown>;
}

/**
 * The person behind the client, as far as approval needs them; elicitation.ts adapts MCP elicitation to this,
 * and app/view-channel.ts the approval card of the MCP Apps view where the client has no elicitation.
 */
export interface HumanChannel {
  /** Whether the person can be asked at all. */
  canElicit(): boolean;
  /** How the person is asked when canElicit(): MCP elicitation, or the view's approval card (absent: elicitation). */
  readonly via?: 'elicitation' | 'view';
  /** Asks the person; resolves true only on an explicit yes. */
  ask(message: string, signal: AbortSignal, question?: ApprovalQuestion): Promise<boolean>;
}

/** What needs a yes for this call: an irreversible action, or (unless --no-confirm-creates) one that starts billing. */
function actionNeedingApproval({ irreversible, sensitive, billing }: CallApproval, config: Config): string | undefined {
  if (irreversible) return `${irreversible}, which cannot be undone`;
  if (sensitive) return sensitive;
  if (config.confirmCreates && billing) return `${billing}, which starts billing`;
  return undefined;
}

/**
 * Decides whether a call may go ahead; returns the refusal text when it may not.
 * flag: the model's confirm=true is enough. elicit: the person is asked whenever the client can ask (by
 * elicitation, or on the view's approval card), whatever the model passed. always-elicit: no person, no go.
 */
export async function approve(
  tool: string,
  { args, approval }: ToolCall,
  config: Config,
  human: HumanChannel,
  signal: AbortSignal,
): Promise<string | undefined> {
  const action = actionNeedingApproval(approval, config);
  if (!action) return undefined;
  if (config.confirmMode !== 'flag' && human.canElicit()) {
    const yes = await human.ask(`Allow ${tool}? It means ${action}.\n\n${describeArguments(args)}`, signal, {
      tool,
      action,
      args,
    });
    return yes ? undefined : `Not done: the user did not approve ${action}. Do not retry unless the user asks for it.`;
  }
  if (config.confirmMode === 'always-elicit') {
    return (
      `Not done: this server requires a person to approve ${action} through MCP elicitation, and this client does ` +
      `not support it. ` +
      'Use a client that supports elicitation, or ask the operator to start the server with --confirm flag.'
    );
  }
  if (args.confirm === true) return undefined;
  return `Not done: ${action}. Ask the user, then call ${tool} again with confirm=true.`;
}
