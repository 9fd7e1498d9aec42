// An HTTP client that drops its connection has given up on its calls: tp must not run on (issue 9
// measured 73 s, and four such calls filled every process slot).
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_TP, FakeTpWorkspace, isAlive, waitFor } from '../helpers/fake-tp.js';
import { mcpPost, messagesOf, openSession, PROTOCOL_VERSION } from '../helpers/http-raw.js';
import { startHttpProcess, type HttpServerProcess } from '../helpers/server-process.js';

let ws: FakeTpWorkspace;
let server: HttpServerProcess;
beforeEach(() => {
  ws = new FakeTpWorkspace();
});
afterEach(async () => {
  await server.stop();
  ws.cleanup();
});

describe('a disconnecting HTTP client', () => {
  it('cancels its call that was not yet handed out as an operation: tp and its grandchild stop, the session ' +
    'goes on', async () => {
    const pidFile = join(ws.dir, 'pids.json');
    server = await startHttpProcess(
      // a budget far beyond the test: the call is still the request's own when the client leaves
      ['--tp-path', FAKE_TP, '--toolsets', 'all', '--sync-budget', '600'],
      ws.env({ FAKE_TP_DELAY_MS: '120000', FAKE_TP_GRANDCHILD: '1', FAKE_TP_PIDFILE: pidFile }),
      ws.dir,
    );
    const sessionId = await openSession(server.url);
    const call = request(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-session-id': sessionId,
        'mcp-protocol-version': PROTOCOL_VERSION,
      },
    });
    call.on('error', () => {});
    call.end(
      JSON.stringify({ jsonrpc: '2.0', id: 11, method: 'tools/call', params: { name: 'cluster_list', arguments: {} } }),
    );
    await waitFor(() => existsSync(pidFile), 60_000, 'tp to start');
    const { tp, grandchild } = JSON.parse(readFileSync(pidFile, 'utf8')) as { tp: number; grandchild: number };
    expect(isAlive(tp)).toBe(true);

    call.destroy();
    await waitFor(() => !isAlive(tp) && !isAlive(grandchild), 60_000, 'tp and its grandchild to stop');

    // the process is gone; the operation settles as cancelled once its exit has been read
    let operations: Array<{ tool: string; status: string }> = [];
    await waitFor(
      async () => {
        const list = await mcpPost(
          server.url,
          { jsonrpc: '2.0', id: 12, method: 'tools/call', params: { name: 'operation_list', arguments: {} } },
          { 'mcp-session-id': sessionId },
        );
        operations = messagesOf(list).find((message) => message.id === 12)?.result?.structuredContent
          ?.operations as typeof operations;
        return operations.every((operation) => operation.status !== 'running');
      },
      60_000,
      'the operation to settle',
    );
    expect(operations).toEqual([expect.objectContaining({ tool: 'cluster_list', status: 'cancelled' })]);
    // generous: a loaded 2-core machine starts node processes slowly; every wait above is for an event
  }, 150_000);
});
