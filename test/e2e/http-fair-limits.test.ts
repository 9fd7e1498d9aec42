// Issue 9 measured one session's JSON-RPC batch of 100 calls making another session's single call
// wait 20 s, and a 500 MB output leaving a 500 MB spool file. Through the real transport: sessions
// take turns for the tp processes, a session's calls past its cap are refused at once, and a spool
// file stops at --max-output-mb.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_TP, FakeTpWorkspace, waitFor } from '../helpers/fake-tp.js';
import { mcpPost, messagesOf, openSession } from '../helpers/http-raw.js';
import { startHttpProcess, type HttpServerProcess } from '../helpers/server-process.js';

let ws: FakeTpWorkspace;
let server: HttpServerProcess | undefined;
beforeEach(() => {
  ws = new FakeTpWorkspace();
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
  ws.cleanup();
});

const callTool = (id: number, name: string, args: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});

type Result = {
  isError?: boolean;
  content: Array<{ type: string; text?: string; uri?: string }>;
  structuredContent?: any;
};

async function operationsOf(url: string, sessionId: string): Promise<Array<{ id: string; status: string }>> {
  const answer = await mcpPost(url, callTool(9000, 'operation_list'), { 'mcp-session-id': sessionId });
  return messagesOf(answer).find((message) => message.id === 9000)!.result.structuredContent.operations;
}

describe('fair limits over HTTP', () => {
  it("one session's batch of 20 calls: 16 wait and the rest are refused at once; another session's call runs before " +
    'the 16', async () => {
    server = await startHttpProcess(
      ['--tp-path', FAKE_TP, '--toolsets', 'all', '--max-processes', '1', '--sync-budget', '600'],
      ws.env(ws.hold()),
      ws.dir,
    );
    const [a, b] = [await openSession(server.url), await openSession(server.url)];

    const ids = Array.from({ length: 20 }, (_, i) => `a-${String(i + 1).padStart(2, '0')}`);
    const batch = mcpPost(
      server.url,
      ids.map((job_id, i) => callTool(i + 1, 'job_info', { job_id })),
      { 'mcp-session-id': a },
    );
    await ws.untilReady();
    // one runs (held), 16 wait, and the 3 past the cap are already answered: every one of A's calls reached the queue
    await waitFor(
      async () =>
        (await operationsOf(server!.url, a)).filter((operation) => operation.status === 'failed').length === 3,
      60_000,
      "A's calls past the cap to be refused",
    );

    const single = mcpPost(server.url, callTool(1, 'job_info', { job_id: 'b-1' }), { 'mcp-session-id': b });
    await waitFor(async () => (await operationsOf(server!.url, b)).length === 1, 60_000, "B's call to queue");
    ws.release();

    const results = messagesOf(await batch).map((message) => message.result as Result);
    expect(results).toHaveLength(20);
    const refused = results.filter((result) => result.isError);
    expect(refused).toHaveLength(3);
    for (const result of refused)
      expect(result.content[0]!.text).toMatch(/too many calls waiting: 16 already wait for a free tp process/);
    const answer = messagesOf(await single)[0]!.result as Result;
    expect(answer.isError ?? false).toBe(false);

    const started = ws.commandCalls().map((call) => call.argv.at(-1));
    expect(started).toHaveLength(18);
    expect(started[0]).toMatch(/^a-/);
    // B's call went next after the one of A's that was running, before the 16 A had waiting
    expect(started[1]).toBe('b-1');
  }, 240_000);

  it('--max-output-mb 1: a 6 MB output leaves a spool file of at most 1 MB, and its resource says how much ' +
    'was cut', async () => {
    const size = 6 * 1024 * 1024;
    // the server's private directories go to the workspace, where the test can see them
    server = await startHttpProcess(
      ['--tp-path', FAKE_TP, '--toolsets', 'all', '--max-output-mb', '1', '--sync-budget', '600'],
      ws.env({ FAKE_TP_OUTPUT_BYTES: String(size), TMPDIR: ws.dir }),
      ws.dir,
    );
    const session = await openSession(server.url);
    const answer = await mcpPost(server.url, callTool(1, 'cluster_list'), { 'mcp-session-id': session });
    const result = messagesOf(answer)[0]!.result as Result;
    const link = result.content.find((part) => part.type === 'resource_link')!.uri!;

    const spools = readdirSync(ws.dir)
      .filter((name) => name.startsWith('tensorpool-mcp-ops-'))
      .flatMap((dir) => readdirSync(join(ws.dir, dir)).map((file) => join(ws.dir, dir, file)));
    expect(spools).toHaveLength(1);
    expect(statSync(spools[0]!).size).toBeLessThanOrEqual(1024 * 1024);

    const read = async (uri: string) => {
      const response = await mcpPost(
        server!.url,
        { jsonrpc: '2.0', id: 2, method: 'resources/read', params: { uri } },
        { 'mcp-session-id': session },
      );
      return messagesOf(response)[0]!.result.contents[0] as { text: string; _meta?: Record<string, string> };
    };
    const first = await read(link);
    expect(first.text).toMatch(/^\* Authenticating\.\.\.\n/);
    const second = await read(first._meta!['tensorpool-mcp/next']!);
    const cut = /^\[\.\.\. (\d+) bytes of output cut by tensorpool-mcp \.\.\.\]\n/.exec(second.text);
    expect(cut, second.text.slice(0, 200)).not.toBeNull();
    expect(Number(cut![1])).toBeGreaterThanOrEqual(size - 1024 * 1024);
    expect(second._meta).toBeUndefined();
  }, 120_000);
});
