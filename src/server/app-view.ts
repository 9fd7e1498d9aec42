import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  type CallToolResult,
  type ListToolsResult,
  type ReadResourceResult,
} from '@modelcontextprotocol/sdk/types.js';
import { rendersApps } from '../app/capability.js';
import type { Clock, Timer } from '../operations/clock.js';
import { VIEW_URI } from '../app/links.js';
import { errorResult } from '../registry/call-result.js';
import type { ToolDefinition } from '../registry/tool.js';
import type { HumanChannel } from './approval.js';
import { handleCall, type CallRequest, type SessionState } from './call-pipeline.js';
import { registeredHandler } from './sdk-handlers.js';

type Serve = typeof import('../app/serve.js');
type Extra = Parameters<Parameters<McpServer['server']['setRequestHandler']>[1]>[1];

export interface ConsoleOptions {
  session: SessionState;
  /** The tools this server registered, which the view's links are drawn from. */
  tools: readonly ToolDefinition[];
  /** How the server turns a tools/call's `extra` into a CallRequest (signal, roots, the person, progress). */
  callRequest(extra: Extra): CallRequest;
  /** How long a waiting call waits for Approve (the elicitation time-out). */
  approvalTimeoutMs: number;
}

export interface Console {
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
        ? { serve, session: new serve.ConsoleSession(options.session.clock, options.approvalTimeoutMs) }
        : undefined,
    ));

  const listTools = registeredHandler<ListToolsResult>(server, 'tools/list');
  const callTool = registeredHandler<CallToolResult>(server, 'tools/call');
  const readResource = registeredHandler<ReadResourceResult>(server, 'resources/read');
  // a server without tools (or resources) has nothing to show in a view
  if (!listTools || !callTool || !readResource) return { human: (elicitation) => elicitation };

  server.server.setRequestHandler(ListToolsRequestSchema, async (request, extra) => {
    const base = await listTools(request, extra);
    const apps = withApps() ? await load() : undefined;
    return apps ? apps.serve.listWithView(base, options.tools, apps.session) : base;
  });

  server.server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const apps = withApps() ? await load() : undefined;
    const tool = apps?.session.appTool(request.params.name);
    if (!apps || !tool) return callTool(request, extra);
    const args = apps.session.parse(tool, request.params.arguments);
    if (typeof args === 'string') return errorResult(args);
    return handleCall(options.session, tool, args, options.callRequest(extra));
  });

  server.server.setRequestHandler(ReadResourceRequestSchema, async (request, extra) => {
    const apps = request.params.uri === VIEW_URI && withApps() ? await load() : undefined;
    return apps ? apps.serve.readView() : readResource(request, extra);
  });

  const closed = server.server.onclose;
  server.server.onclose = () => {
    closed?.();
    void loaded?.then((apps) => apps?.session.dispose());
  };

  return {
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
              const stop = progress
                ? heartbeat(progress, options.session.config.heartbeatMs, options.session.clock)
                : undefined;
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
