import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { RootsListChangedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { rootsToDirs } from './files/roots.js';
import { silentLogger, type Logger } from './log.js';
import { consent, type HumanChannel } from './registry/confirmation.js';
import { errorResult } from './registry/results.js';
import type { ToolContext, ToolDefinition } from './registry/tool.js';
import type { ServerSettings } from './settings.js';
import { allTools } from './tools/index.js';
import { dryRunClient } from './tp/dry-run.js';
import { ToolError } from './tp/errors.js';
import { requireAtLeast, TpInstallation, type Generation } from './tp/generation.js';
import type { TpRunner } from './tp/runner.js';
import { NAME, VERSION } from './version.js';

export interface CreateServerOptions {
  /** Shared by every session of a process, so shutdown can stop every `tp` it started. */
  runner: TpRunner;
  settings: ServerSettings;
  /** The installed tp, probed once per process; default: a new probe for this server. */
  installation?: TpInstallation;
  /** Default: every tool. Selection (toolsets, read-only) happens before, in selectTools(). */
  tools?: readonly ToolDefinition[];
  logger?: Logger;
}

const INSTRUCTIONS =
  'Drives TensorPool GPU infrastructure through the installed `tp` CLI. Creating clusters, storage or jobs costs money; ' +
  'destroy, delete, cancel, detach, remove and disable are irreversible and need confirm=true after the user agrees. ' +
  'Ids come from the *_list tools. server_status tells what the installed tp supports.';

/** A fresh MCP server with the tools registered; transports connect it, one per session. */
export function createServer(options: CreateServerOptions): McpServer {
  const { runner } = options;
  const installation = options.installation ?? new TpInstallation(runner, options.settings.tpGeneration);
  const logger = options.logger ?? silentLogger;
  const server = new McpServer({ name: NAME, title: 'TensorPool', version: VERSION }, { instructions: INSTRUCTIONS });
  const session = sessionState(server, options.settings, logger);
  const human: HumanChannel = {
    canElicit: () => server.server.getClientCapabilities()?.elicitation !== undefined,
    ask: async (message, signal) => {
      const answer = await server.server.elicitInput(
        {
          message,
          requestedSchema: {
            type: 'object',
            properties: { confirm: { type: 'boolean', title: 'Go ahead', description: 'Yes, do this now', default: false } },
            required: ['confirm'],
          },
        },
        { signal },
      );
      return answer.action === 'accept' && answer.content?.confirm === true;
    },
  };

  for (const tool of options.tools ?? allTools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        outputSchema: tool.outputSchema,
        annotations: { title: tool.title, ...tool.annotations },
      },
      async (args: Record<string, unknown>, extra): Promise<CallToolResult> => {
        try {
          const settings = await session.settings();
          // read-only tools still run under --dry-run; everything else only says what it would run
          const tp = settings.dryRun && !tool.annotations.readOnlyHint ? dryRunClient(runner) : runner;
          let generation: Generation | undefined;
          if (tool.since && tool.since !== 'none') {
            // a tool the installed tp lacks is refused before anyone is asked to approve it
            generation = await installation.generation(extra.signal);
            requireAtLeast(tool.name, generation, tool.since);
          }
          // an unapproved call starts nothing at all, not even the generation probe
          const refusal = await consent(tool, args, settings, human, extra.signal);
          if (refusal) return errorResult(refusal);
          if (tool.since !== 'none') generation ??= await installation.generation(extra.signal);
          return await tool.handler(args as never, contextFor(tool, { tp, installation, settings, signal: extra.signal }, generation));
        } catch (error) {
          if (error instanceof ToolError) return errorResult(runner.redactor.redact(error.message));
          const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
          logger.error(`${tool.name} failed: ${detail}`);
          return errorResult(`tensorpool-mcp hit an internal error in ${tool.name}: ${runner.redactor.redact(String(error))}`);
        }
      },
    );
  }
  return server;
}

/**
 * Per-session settings: the client's MCP roots (asked for when it declares them, refreshed when it says
 * they changed) join the operator's --allow-dir list; without roots the operator's rule stands.
 */
function sessionState(server: McpServer, settings: ServerSettings, logger: Logger) {
  let roots: Promise<string[]> = Promise.resolve([]);
  const refresh = () => {
    if (!server.server.getClientCapabilities()?.roots) return;
    roots = server.server.listRoots().then(
      (result) => rootsToDirs(result.roots),
      (error: unknown) => {
        logger.error(`roots/list failed: ${error instanceof Error ? error.message : String(error)}`);
        return [];
      },
    );
  };
  server.server.oninitialized = refresh;
  server.server.setNotificationHandler(RootsListChangedNotificationSchema, async () => refresh());
  return {
    settings: async (): Promise<ServerSettings> => {
      const dirs = await roots;
      if (dirs.length === 0) return settings;
      const operator = settings.allowDirsExplicit ? settings.allowedDirs : [];
      return { ...settings, allowedDirs: [...new Set([...operator, ...dirs])], allowedDirsProblem: undefined };
    },
  };
}

/** The handler's context; a tool declared since: 'none' never detects the generation, and must not read it. */
function contextFor(tool: ToolDefinition, base: Omit<ToolContext, 'generation'>, generation: Generation | undefined): ToolContext {
  if (generation) return { ...base, generation };
  return Object.defineProperty({ ...base }, 'generation', {
    get: () => {
      throw new Error(`${tool.name} is declared since: 'none' but reads the tp generation`);
    },
  }) as ToolContext;
}
