import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { silentLogger, type Logger } from './log.js';
import { errorResult } from './registry/results.js';
import type { ToolContext, ToolDefinition } from './registry/tool.js';
import type { ServerSettings } from './settings.js';
import { allTools } from './tools/index.js';
import { ToolError } from './tp/errors.js';
import { dryRunClient } from './tp/dry-run.js';
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
  const { runner, settings } = options;
  const installation = options.installation ?? new TpInstallation(runner, settings.tpGeneration);
  const logger = options.logger ?? silentLogger;
  const server = new McpServer({ name: NAME, title: 'TensorPool', version: VERSION }, { instructions: INSTRUCTIONS });
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
          // read-only tools still run under --dry-run; everything else only says what it would run
          const tp = settings.dryRun && !tool.annotations.readOnlyHint ? dryRunClient(runner) : runner;
          let generation: Generation | undefined;
          if (tool.since && tool.since !== 'none') {
            // a tool the installed tp lacks is refused before the user is asked to confirm it
            generation = await installation.generation(extra.signal);
            requireAtLeast(tool.name, generation, tool.since);
          }
          // an unconfirmed call starts nothing at all, not even the generation probe
          const irreversible = tool.confirmation?.(args as never);
          if (irreversible && args.confirm !== true) {
            return errorResult(`Not done: ${irreversible} cannot be undone. Ask the user, then call ${tool.name} again with confirm=true.`);
          }
          if (tool.since !== 'none') generation ??= await installation.generation(extra.signal);
          const context = contextFor(tool, { tp, installation, settings, signal: extra.signal }, generation);
          return await tool.handler(args as never, context);
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

/** The handler's context; a tool declared since: 'none' never detects the generation, and must not read it. */
function contextFor(tool: ToolDefinition, base: Omit<ToolContext, 'generation'>, generation: Generation | undefined): ToolContext {
  if (generation) return { ...base, generation };
  return Object.defineProperty({ ...base }, 'generation', {
    get: () => {
      throw new Error(`${tool.name} is declared since: 'none' but reads the tp generation`);
    },
  }) as ToolContext;
}
