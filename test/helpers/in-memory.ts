import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { pathToFileURL } from 'node:url';
import { ListRootsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolDefinition } from '../../src/registry/tool.js';
import type { ConfigInput } from '../../src/config/config.js';
import type { Clock } from '../../src/operations/clock.js';
import { createServer } from '../../src/server/create-server.js';
import { TpRunner, type TpRunnerOptions } from '../../src/tp/runner.js';
import { FAKE_TP, FAKE_TP_PASS_ENV, RUNNER_LIMITS } from './fake-tp.js';

export interface Connected {
  client: Client;
  runner: TpRunner;
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

/** An SDK client talking to a fresh server through a linked in-memory pair, with the fake tp behind it. */
export async function connectInMemory(options: {
  env: Record<string, string | undefined>;
  allowedDirs?: string[];
  runner?: Partial<TpRunnerOptions>;
  tools?: readonly ToolDefinition[];
  /** Names among `tools` listed only once their toolset is enabled. */
  deferred?: readonly string[];
  config?: ConfigInput;
  /** Times the sync budget, heartbeats and operation expiry (test/helpers/fake-clock.ts drives one by hand). */
  clock?: Clock;
  /** The client declares elicitation (a test answers it with its own handler). */
  elicitation?: boolean;
  /** The client declares MCP roots and lists these (paths, or URIs such as file:///). */
  roots?: string[];
}): Promise<Connected> {
  const runner = new TpRunner({
    ...RUNNER_LIMITS,
    tpPath: FAKE_TP,
    passEnv: FAKE_TP_PASS_ENV,
    env: options.env,
    timeoutMs: 20_000,
    killGraceMs: 500,
    ...options.runner,
  });
  const config: ConfigInput = {
    // these tests are about what tools do, not approval (test/integration/confirmation.test.ts): --no-confirm-creates
    confirmCreates: false,
    ...(options.allowedDirs
      ? // as --allow-dir: a ceiling the client's roots only narrow
        { allowedDirs: options.allowedDirs, allowDirsExplicit: true }
      : { allowedDirs: [], allowedDirsProblem: 'No directory is allowed for file tools (test).' }),
    ...options.config,
  };
  const server = createServer({
    runner,
    config,
    tools: options.tools,
    deferred: options.deferred,
    clock: options.clock,
  });
  const roots = options.roots;
  const client = new Client(
    { name: 'test-client', version: '1.0.0' },
    {
      capabilities: {
        ...(roots ? { roots: { listChanged: true } } : {}),
        ...(options.elicitation ? { elicitation: {} } : {}),
      },
    },
  );
  if (roots) {
    const uri = (root: string) => (root.includes('://') ? root : pathToFileURL(root).href);
    client.setRequestHandler(ListRootsRequestSchema, async () => ({
      roots: roots.map((root) => ({ uri: uri(root) })),
    }));
  }
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  return {
    client,
    runner,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: async () => {
      await client.close();
      await server.close();
      await runner.shutdown();
    },
  };
}

export function textOf(result: CallToolResult): string {
  return result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
}
