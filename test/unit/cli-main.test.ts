import { EventEmitter } from 'node:events';
import { createServer as createNetServer } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliIo, type CliOutcome, main } from '../../src/cli.js';
import { FAKE_TP, FakeTpWorkspace, TEST_KEY } from '../helpers/fake-tp.js';
import { INITIALIZE, mcpPost } from '../helpers/http-raw.js';
import { textOf } from '../helpers/in-memory.js';

// The command's main() inside the test process: argv and environment in, exit code, log and a running
// server out. (test/e2e/cli.test.ts runs the built bin as a child process.)

let ws: FakeTpWorkspace;
let stderr: string;
let signals: EventEmitter;
const running: CliOutcome[] = [];

beforeEach(() => {
  ws = new FakeTpWorkspace();
  stderr = '';
  signals = new EventEmitter();
});
afterEach(async () => {
  for (const outcome of running.splice(0)) await outcome.serving?.stop();
  ws.cleanup();
});

function io(env: Record<string, string | undefined> = ws.env()): CliIo {
  return { stderr: { write: (text: string) => (stderr += text) }, env, signals };
}

async function run(args: string[], env?: Record<string, string | undefined>): Promise<CliOutcome> {
  const outcome = await main(['node', 'tensorpool-mcp', ...args], io(env));
  if (outcome.serving) running.push(outcome);
  return outcome;
}

describe('main() in process', () => {
  it('a mistyped subcommand ends with exit code 2 and names the one meant', async () => {
    expect(await run(['docter'])).toEqual({ exitCode: 2 });
    expect(stderr).toBe("error: unknown command 'docter' (Did you mean doctor?)\n");
  });

  it('a command line that cannot start ends with exit code 2 and says why, starting nothing', async () => {
    expect(await run(['--http', '--host', '0.0.0.0', '--port', '0', '--tp-path', FAKE_TP])).toEqual({ exitCode: 2 });
    expect(stderr).toMatch(/^error: --host 0\.0\.0\.0 is reachable from other machines, so it needs authentication/);
    expect(ws.commandCalls()).toHaveLength(0);
  });

  it('--http serves on a free port until stopped; stopping ends with exit code 0', async () => {
    const outcome = await run(['--http', '--port', '0', '--tp-path', FAKE_TP]);
    const url = outcome.serving!.url!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(stderr).toContain(`[tensorpool-mcp] info: listening on ${url}`);
    const client = new Client({ name: 'cli-in-process', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    const result = (await client.callTool({ name: 'cluster_list', arguments: {} })) as CallToolResult;
    expect(result.isError ?? false).toBe(false);
    expect(textOf(result)).toContain('c-fake123');
    // the key of the environment handed in reaches tp, and never the log
    expect(ws.lastCall().env.TENSORPOOL_KEY).toBe(TEST_KEY);
    expect(stderr).not.toContain(TEST_KEY);
    await client.close();
    running.splice(0);
    expect(await outcome.serving!.stop()).toBe(0);
    expect(stderr).toContain('shutting down (stopped)');
  });

  it('a signal stops the server as stop() does', async () => {
    const outcome = await run(['--http', '--port', '0', '--tp-path', FAKE_TP]);
    running.splice(0);
    signals.emit('SIGTERM');
    expect(await outcome.serving!.stop()).toBe(0);
    expect(stderr).toContain('shutting down (SIGTERM)');
  });

  it('tokens from the environment guard the server it starts', async () => {
    const token = 'f'.repeat(40);
    const outcome = await run(['--http', '--port', '0', '--tp-path', FAKE_TP], {
      ...ws.env(),
      TENSORPOOL_MCP_AUTH_TOKENS: token,
    });
    const url = outcome.serving!.url!;
    expect((await mcpPost(url, INITIALIZE)).status).toBe(401);
    expect((await mcpPost(url, INITIALIZE, { authorization: `Bearer ${token}` })).status).toBe(200);
    expect(stderr).toContain('authentication: token');
    expect(stderr).not.toContain(token);
  });

  it('a port in use ends with exit code 1 and one sentence to act on', async () => {
    const taken = createNetServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      expect(await run(['--http', '--port', String(port), '--tp-path', FAKE_TP])).toEqual({ exitCode: 1 });
      expect(stderr).toContain(`error: port ${port} is in use; pick another with --port\n`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
