import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { resolveConfig, runnerOptions, type ConfigInput } from '../config/config.js';
import { selectTools } from '../registry/selection.js';
import { createServer as createSessionServer } from './create-server.js';
import { allTools } from '../tools/index.js';
import { TpRunner } from '../tp/runner.js';

export interface ServerOptions {
  /**
   * How the server behaves: the command line's options as a Config (docs/configuration.md), times in
   * milliseconds; whatever is left out takes its default. `toolsets`, `tools`, `readOnly` and the rest
   * choose the tools as the flags do.
   */
  config?: ConfigInput;
  /** The environment `tp` runs with; TENSORPOOL_API_KEY (or TENSORPOOL_KEY) is read from it. Pass `process.env`. */
  env: Readonly<Record<string, string | undefined>>;
}

export interface TensorPoolServer {
  /** The MCP server for one client: connect it to a transport (`server.connect(transport)`). */
  readonly server: McpServer;
  /** Ends the session and stops every `tp` it started; call it once the client is gone. */
  close(): Promise<void>;
}

/**
 * A TensorPool MCP server for one client, with the tools the config selects. Each call makes its own tp runner;
 * a process that serves many sessions (the HTTP transport) shares one runner between them, which the CLI does.
 */
export function createServer(options: ServerOptions): TensorPoolServer {
  const config = resolveConfig(options.config);
  const runner = new TpRunner(runnerOptions(config, { ...options.env }));
  const { tools, deferred, toolsets } = selectTools(allTools, config);
  const server = createSessionServer({ runner, config, tools, deferred, toolsets });
  return {
    server,
    close: async () => {
      await server.close();
      await runner.shutdown();
    },
  };
}
