// Issue 18: attacks on a team server over real HTTP on loopback, through the built bin. A flood of
// random keys from one address starved every key check (13 of 15 team members got 503 for 20 s); one
// caller could open every session; a key TensorPool stopped accepting kept its session and file
// tools; an OAuth client registered as "alice" was the user alice. None of these may work any more.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_TP, FakeTpWorkspace, waitFor } from '../helpers/fake-tp.js';
import { INITIALIZE, mcpPost, messagesOf, openSession, rawRequest, type RawResponse } from '../helpers/http-raw.js';
import { textOf } from '../helpers/in-memory.js';
import { startLocalIssuer, type LocalIssuer } from '../helpers/oauth-issuer.js';
import { startHttpProcess, type HttpServerProcess } from '../helpers/server-process.js';

let ws: FakeTpWorkspace;
let server: HttpServerProcess | undefined;
let issuer: LocalIssuer | undefined;
const clients: Client[] = [];

beforeEach(() => {
  ws = new FakeTpWorkspace();
});
afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((client) => client.close()));
  await server?.stop();
  server = undefined;
  await issuer?.close();
  issuer = undefined;
  ws.cleanup();
});

const callTool = (id: number, name: string, args: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const meCalls = () => ws.commandCalls().filter((call) => call.argv.join(' ') === '--no-input me');

/** The most memory the process ever held (VmHWM), in MB: Linux only, as the loopback addresses are. */
function peakRssMb(pid: number): number {
  const line = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(line![1]) / 1024);
}

describe('a flood of random keys from one address', () => {
  it('12 loops from 127.0.0.1 while 8 team members open sessions from 127.0.0.2–9: at least 7 get in within 5 s, and ' +
    'the engine sees a few keys', async () => {
    const team = Array.from({ length: 8 }, (_, i) => `tpk_team_${i}_${randomBytes(8).toString('hex')}`);
    server = await startHttpProcess(
      ['--tp-path', FAKE_TP, '--auth', 'tensorpool-key'],
      ws.env({ TENSORPOOL_KEY: undefined, FAKE_TP_VALID_KEYS: team.join(',') }),
      ws.dir,
    );
    const url = server.url;

    let teamDone = false;
    const floodStatuses: number[] = [];
    const floodRetryAfter: string[] = [];
    const loopsAnswered = new Set<number>();
    const floodStarted = Date.now();
    // bounded: each loop stops when the team is through, or after its last request at the latest
    const loops = Array.from({ length: 12 }, async (_, loop) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (let i = 0; i < 3000 && !teamDone; i++) {
          const key = `tpk_${randomBytes(12).toString('hex')}`;
          const answer: RawResponse = await mcpPost(url, INITIALIZE, bearer(key), { localAddress: '127.0.0.1', agent });
          floodStatuses.push(answer.status);
          if (answer.status === 429) floodRetryAfter.push(String(answer.headers['retry-after']));
          loopsAnswered.add(loop);
        }
      } finally {
        agent.destroy();
      }
    });
    // the team starts once every loop is flooding
    await waitFor(() => loopsAnswered.size === 12, 60_000, 'every flood loop to have an answer');

    const started = Date.now();
    const members = team.map(async (key, i) => {
      try {
        await openSession(url, bearer(key), { localAddress: `127.0.0.${i + 2}` });
        return Date.now() - started;
      } catch {
        return Infinity;
      }
    });
    const times = await Promise.all(members);
    teamDone = true;
    await Promise.all(loops);
    const floodMs = Date.now() - floodStarted;

    const inWithin5s = times.filter((ms) => ms < 5000).length;
    const floodChecks = meCalls().filter((call) => !team.includes(call.env.TENSORPOOL_KEY!)).length;
    const rss = peakRssMb(server.child.pid!);
    // the numbers the issue asks for, in the test log
    console.log(
      `flood: ${floodStatuses.length} requests in ${floodMs} ms from 127.0.0.1; tp me for flood keys: ` +
        `${floodChecks}; ` +
        `team in within 5 s: ${inWithin5s}/8 (ms: ${times.join(', ')}); server peak RSS ${rss} MB`,
    );

    expect(inWithin5s).toBeGreaterThanOrEqual(7);
    // the flood is told it is over its limit (429), never that the server is full (503)
    expect(new Set(floodStatuses)).toEqual(new Set([401, 429]));
    expect(floodRetryAfter.every((value) => /^\d+$/.test(value))).toBe(true);
    // a burst of 10 checks, then 10 a minute
    expect(floodChecks).toBeLessThanOrEqual(10 + Math.ceil(floodMs / 6000));
    expect(meCalls().filter((call) => team.includes(call.env.TENSORPOOL_KEY!))).toHaveLength(8);
  }, 180_000);
});

describe('one caller cannot fill the server', () => {
  const TOKEN_A = 'token-a-0123456789abcdef';
  const TOKEN_B = 'token-b-fedcba9876543210';

  it('the 17th session of one token gets 429 with Retry-After; another caller still gets in, and a closed session ' +
    'makes room', async () => {
    server = await startHttpProcess(['--tp-path', FAKE_TP, '--auth-token', `${TOKEN_A},${TOKEN_B}`], ws.env(), ws.dir);
    const url = server.url;
    const mine: string[] = [];
    for (let i = 0; i < 16; i++) mine.push(await openSession(url, bearer(TOKEN_A)));
    const refused = await mcpPost(url, INITIALIZE, bearer(TOKEN_A));
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('30');
    expect(refused.headers['mcp-session-id']).toBeUndefined();
    expect(JSON.parse(refused.body).error.message).toMatch(/--max-sessions-per-caller 16/);

    expect(await openSession(url, bearer(TOKEN_B))).toEqual(expect.any(String));
    const closed = await rawRequest(url, {
      method: 'DELETE',
      headers: { ...bearer(TOKEN_A), 'mcp-session-id': mine[0]! },
    });
    expect(closed.status).toBe(200);
    expect(await openSession(url, bearer(TOKEN_A))).toEqual(expect.any(String));
  }, 120_000);

  it("shares the tp processes between callers, not sessions: a second caller's call runs before the next of a caller " +
    'with two sessions', async () => {
    server = await startHttpProcess(
      ['--tp-path', FAKE_TP, '--auth-token', `${TOKEN_A},${TOKEN_B}`, '--max-processes', '1', '--sync-budget', '600'],
      ws.env(ws.hold()),
      ws.dir,
    );
    const url = server.url;
    const [a1, a2, b] = [
      await openSession(url, bearer(TOKEN_A)),
      await openSession(url, bearer(TOKEN_A)),
      await openSession(url, bearer(TOKEN_B)),
    ];
    const operationsOf = async (session: string, token: string) => {
      const answer = await mcpPost(url, callTool(9000, 'operation_list'), {
        ...bearer(token),
        'mcp-session-id': session,
      });
      return messagesOf(answer).find((message) => message.id === 9000)!.result.structuredContent
        .operations as unknown[];
    };

    const running = mcpPost(url, callTool(1, 'job_info', { job_id: 'a1-1' }), {
      ...bearer(TOKEN_A),
      'mcp-session-id': a1,
    });
    await ws.untilReady();
    // A's second session queues first, then B: by sessions, A's would go next
    const queued = mcpPost(url, callTool(1, 'job_info', { job_id: 'a2-1' }), {
      ...bearer(TOKEN_A),
      'mcp-session-id': a2,
    });
    await waitFor(
      async () => (await operationsOf(a2, TOKEN_A)).length === 1,
      60_000,
      "A's second session's call to queue",
    );
    const other = mcpPost(url, callTool(1, 'job_info', { job_id: 'b-1' }), { ...bearer(TOKEN_B), 'mcp-session-id': b });
    await waitFor(async () => (await operationsOf(b, TOKEN_B)).length === 1, 60_000, "B's call to queue");
    ws.release();
    await Promise.all([running, queued, other]);

    expect(ws.commandCalls().map((call) => call.argv.at(-1))).toEqual(['a1-1', 'b-1', 'a2-1']);
  }, 120_000);
});

describe('a key TensorPool stops accepting', () => {
  const KEY_A = 'tpk_alice_0123456789abcdef';
  const KEY_B = 'tpk_bobby_fedcba9876543210';

  async function connect(key: string) {
    const transport = new StreamableHTTPClientTransport(new URL(server!.url), {
      requestInit: { headers: bearer(key) },
    });
    const client = new Client({ name: 'e2e-revoke', version: '1.0.0' });
    await client.connect(transport);
    clients.push(client);
    return client;
  }

  it("ends its caller's sessions when tp says so: no later call of that session runs, file tools included; other " +
    'callers go on', async () => {
    const validKeys = join(ws.dir, 'valid-keys');
    writeFileSync(validKeys, `${KEY_A}\n${KEY_B}\n`);
    server = await startHttpProcess(
      ['--tp-path', FAKE_TP, '--auth', 'tensorpool-key'],
      ws.env({ TENSORPOOL_KEY: undefined, FAKE_TP_VALID_KEYS_FILE: validKeys }),
      ws.dir,
    );
    const alice = await connect(KEY_A);
    const bob = await connect(KEY_B);
    expect(((await alice.callTool({ name: 'cluster_list', arguments: {} })) as CallToolResult).isError ?? false).toBe(
      false,
    );

    // TensorPool revokes Alice's key; her next tp call finds out
    writeFileSync(validKeys, `${KEY_B}\n`);
    const refused = (await alice.callTool({ name: 'cluster_list', arguments: {} })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/Invalid API key/);
    await waitFor(
      () => /its credential was revoked; ending its 1 session/.test(server!.stderr()),
      30_000,
      'the server to end the session',
    );
    const tpRunsWithA = ws.commandCalls().filter((call) => call.env.TENSORPOOL_KEY === KEY_A).length;

    // the same session: a file tool and a tp tool, neither runs
    await expect(
      alice.callTool({ name: 'job_write_config', arguments: { workdir: ws.dir, commands: ['python train.py'] } }),
    ).rejects.toThrow();
    await expect(alice.callTool({ name: 'job_list', arguments: {} })).rejects.toThrow();
    expect(existsSync(join(ws.dir, 'job.tp.toml'))).toBe(false);
    // nor a new session with that key, which is not even checked again
    const again = await mcpPost(server.url, INITIALIZE, bearer(KEY_A));
    expect(again.status).toBe(401);
    expect(ws.commandCalls().filter((call) => call.env.TENSORPOOL_KEY === KEY_A)).toHaveLength(tpRunsWithA);

    expect(((await bob.callTool({ name: 'job_list', arguments: {} })) as CallToolResult).isError ?? false).toBe(false);
    expect(server.stderr()).not.toContain(KEY_A);
  }, 120_000);
});

describe('OAuth principals', () => {
  it('a client registered as "alice" (client_id, no sub) cannot use the session of the user alice', async () => {
    issuer = await startLocalIssuer();
    server = await startHttpProcess(
      [
        '--tp-path',
        FAKE_TP,
        '--auth',
        'oauth',
        '--oauth-issuer',
        issuer.issuer,
        '--oauth-audience',
        'https://mcp.example.test/mcp',
      ],
      ws.env(),
      ws.dir,
    );
    const user = await issuer.token({ sub: 'alice' });
    const client = await issuer.token({ sub: '', client_id: 'alice' });
    const session = await openSession(server.url, bearer(user));

    const stolen = await mcpPost(server.url, callTool(1, 'cluster_list'), {
      ...bearer(client),
      'mcp-session-id': session,
    });
    expect(stolen.status).toBe(404);
    expect(ws.commandCalls()).toHaveLength(0);
    // the client's token is good for a session of its own
    expect(await openSession(server.url, bearer(client))).not.toBe(session);
    const own = await mcpPost(server.url, callTool(2, 'cluster_list'), { ...bearer(user), 'mcp-session-id': session });
    expect(messagesOf(own)[0]!.result.isError ?? false).toBe(false);
  }, 60_000);
});
