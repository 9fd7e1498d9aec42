import type { ServerSettings } from '../settings.js';
import type { ToolDefinition } from './tool.js';

export type ConfirmMode = 'flag' | 'elicit' | 'always-elicit';

/** The client as far as confirmation needs it; server.ts adapts the MCP SDK to this. */
export interface HumanChannel {
  canElicit(): boolean;
  /** Asks the human; resolves true only on an explicit yes. */
  ask(message: string, signal: AbortSignal): Promise<boolean>;
}

/** What needs a yes for this call: an irreversible action, or (with --confirm-creates) one that starts billing. */
export function actionNeedingConsent(tool: ToolDefinition, args: Record<string, unknown>, settings: ServerSettings): string | undefined {
  const irreversible = tool.confirmation?.(args as never);
  if (irreversible) return `${irreversible}, which cannot be undone`;
  if (settings.confirmCreates) {
    const billing = tool.billing?.(args as never);
    if (billing) return `${billing}, which starts billing`;
  }
  return undefined;
}

/**
 * Decides whether a call may go ahead; returns the refusal text when it may not.
 * flag: the model's confirm=true is enough. elicit: the human is asked whenever the client can be asked,
 * whatever the model passed. always-elicit: no human, no go.
 */
export async function consent(
  tool: ToolDefinition,
  args: Record<string, unknown>,
  settings: ServerSettings,
  human: HumanChannel,
  signal: AbortSignal,
): Promise<string | undefined> {
  const action = actionNeedingConsent(tool, args, settings);
  if (!action) return undefined;
  const mode = settings.confirmMode ?? 'flag';
  if (mode !== 'flag' && human.canElicit()) {
    const summary = `Allow ${tool.name}? It means ${action}.\n\n${describeArguments(args)}`;
    const yes = await human.ask(summary, signal);
    return yes ? undefined : `Not done: the user did not approve ${action}. Do not retry unless the user asks for it.`;
  }
  if (mode === 'always-elicit') {
    return (
      `Not done: this server requires a person to approve ${action} through MCP elicitation, and this client does not support it. ` +
      'Use a client that supports elicitation, or ask the operator to start the server with --confirm flag.'
    );
  }
  if (args.confirm === true) return undefined;
  return `Not done: ${action}. Ask the user, then call ${tool.name} again with confirm=true.`;
}

function describeArguments(args: Record<string, unknown>): string {
  return Object.entries(args)
    .filter(([name, value]) => name !== 'confirm' && value !== undefined && name !== 'ssh_public_key' && name !== 'public_key')
    .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : String(value)}`)
    .join('\n');
}
