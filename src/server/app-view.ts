import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { rendersApps, VIEW_MIME_TYPE } from '../app/capability.js';
import { VIEW_URI } from '../app/links.js';
import type { Clock, Timer } from '../operations/clock.js';
import type { HumanChannel } from './approval.js';
import type { ToolDefinition } from '../registry/tool.js';
import type { CallRequest } from './call-pipeline.js';
import type { ViewList } from './tools-list.js';

const RESOURCE_NOT_FOUND = -32002;

type Serve = typeof import('../app/serve.js');

export interface ConsoleOptions {
  /** Times the approval card's heartbeats and its pending approvals. */
  clock: Clock;
  /** How often a call waiting for the card tells the client it is still waiting. */
  heartbeatMs: number;
  /** The tools this server registered, which the view's links are drawn from. */
  tools: readonly ToolDefinition[];
  /** How long a waiting call waits for Approve (the elicitation time-out). */
  approvalTimeoutMs: number;
}

export interface Console {
  /** tools/list and tools/call for the view: its links and app-only tools, where the client renders Apps. */
  tools: { list: ViewList; find(name: string): Promise<ToolDefinition | undefined> };
  /**
   * The person for a call: elicitation where the client has it, else the view's approval card where it renders Apps;
   * while the card waits, a call that asked for progress hears so every heartbeat (a host may time out a silent call).
   */
  human(elicitation: HumanChannel, progress?: CallRequest['progress']): HumanChannel;
}

/**
 * The TensorPool view (an MCP App) for a client that declares the `io.modelcontextprotocol/ui` extension.
 * A client without it sees no change at all: the same tools/list, the same resources, the same results; and
 * nothing of the view (app/serve.ts, ext-apps, the HTML) is loaded until such a client asks for something.
 * The view itself lives in src/app/; this is where it meets the SDK's server.
 */
export function attachConsole(server: McpServer, options: ConsoleOptions): Console {
  const withApps = () => rendersApps(server.server.getClientCapabilities());
  let loaded: Promise<{ serve: Serve; session: InstanceType<Serve['ConsoleSession']> } | undefined> | undefined;
  // the second check (ext-apps' own getUiCapability) agrees with rendersApps; it runs where ext-apps is loaded anyway
  const load = () =>
    (loaded ??= import('../app/serve.js').then((serve) =>
      serve.supportsView(server.server.getClientCapabilities())
        ? { serve, session: new serve.ConsoleSession(options.clock, options.approvalTimeoutMs) }
        : undefined,
    ));

  // registered only once a client that renders Apps has introduced itself: no other client lists or reads it
  const initialized = server.server.oninitialized;
  server.server.oninitialized = () => {
    initialized?.();
    if (!withApps()) return;
    server.registerResource('TensorPool view', VIEW_URI, { mimeType: VIEW_MIME_TYPE }, async (uri) => {
      const apps = await load();
      if (!apps) throw new McpError(RESOURCE_NOT_FOUND, `Resource ${uri.href} not found`);
      return apps.serve.readView();
    });
  };

  const closed = server.server.onclose;
  server.server.onclose = () => {
    closed?.();
    void loaded?.then((apps) => apps?.session.dispose());
  };

  return {
    tools: {
      list: async (base) => {
        const apps = withApps() ? await load() : undefined;
        return apps ? apps.serve.listWithView(base, options.tools, apps.session) : base;
      },
      find: async (name) => (withApps() ? (await load())?.session.appTool(name) : undefined),
    },
    human: (elicitation, progress) =>
      elicitation.canElicit() || !withApps()
        ? elicitation
        : {
            via: 'view',
            canElicit: () => true,
            ask: async (message, signal, question) => {
              const apps = await load();
              // a client that declared the extension without HTML views: no card to show, so no yes
              if (!apps) return false;
              const stop = progress ? heartbeat(progress, options.heartbeatMs, options.clock) : undefined;
              try {
                return await apps.session.ask(question ?? { tool: 'unknown', action: message, args: {} }, signal);
              } finally {
                stop?.();
              }
            },
          },
  };
}

const WAITING = 'waiting for the person to press Approve or Decline in the TensorPool view';

/** Progress notifications while a call waits for its card: one at once, then one every heartbeat; returns the stop. */
function heartbeat(progress: NonNullable<CallRequest['progress']>, everyMs: number, clock: Clock): () => void {
  let count = 0;
  let timer: Timer | undefined;
  const beat = () => {
    count += 1;
    progress.send({ progressToken: progress.token, progress: count, message: WAITING }).catch(() => {
      // a client that went away cannot be told anything
    });
    timer = clock.setTimeout(beat, everyMs);
  };
  beat();
  return () => timer?.clear();
}
