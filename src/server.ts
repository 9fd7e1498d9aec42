import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { silentLogger, type Logger } from './log.js';
import { errorResult } from './registry/results.js';
import type { ToolDefinition } from './registry/tool.js';
import type { ServerSettings } from './settings.js';
import { allTools } from './tools/index.js';
import { ToolError } from './tp/errors.js';
import type { TpRunner } from './tp/runner.js';
import { NAME, VERSION } from './version.js';

export interface CreateServerOptions {
  /** Shared by every session of a process, so shutdown can stop every `tp` it started. */
  runner: TpRunner;
  settings: ServerSettings;
  /** Default: every tool. */
  tools?: readonly ToolDefinition[];
  logger?: Logger;
}

const INSTRUCTIONS =
  'Drives TensorPool GPU infrastructure through the installed `tp` CLI. Creating clusters or pushing jobs costs money; ' +
  'destroy and cancel are irreversible and need confirm=true after the user agrees. Ids come from cluster_list and job_list.';

/** A fresh MCP server with the tools registered; transports connect it, one per session. */
export function createServer(options: CreateServerOptions): McpServer {
  const { runner, settings } = options;
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
          return await tool.handler(args as never, { tp: runner, settings, signal: extra.signal });
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
