import { Agent } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Caller } from '../../../src/http/auth/caller.js';
import { StaticTokenAuthenticator } from '../../../src/http/auth/static-tokens.js';
import { TensorPoolKeyAuthenticator } from '../../../src/http/auth/tensorpool-key.js';
import type { Authenticator } from '../../../src/http/auth/authenticator.js';
import { defaultHttpSecurity, type HttpSecurityConfig } from '../../../src/config/http-security.js';
import { createServer } from '../../../src/server/create-server.js';
import { startHttpServer, type RunningHttpServer } from '../../../src/transports/http.js';
import { TpRunner } from '../../../src/tp/runner.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { FAKE_TP, FAKE_TP_PASS_ENV, FakeTpWorkspace, RUNNER_LIMITS } from '../../helpers/fake-tp.js';
import { INITIALIZE, mcpPost, openSession, PROTOCOL_VERSION, rawRequest } from '../../helpers/http-raw.js';
import { textOf } from '../../helpers/in-memory.js';

// The HTTP server inside the test process (127.0.0.1, a free port), with the real session servers and
// the fake tp behind them: what the child-process e2e tests check of the bundle, here where coverage sees it.

const TOKEN_A = 'a'.repeat(32);
const TOKEN_B = 'b'.repeat(32);
const IDLE_MS = 60_000;

let ws: FakeTpWorkspace;
let runner: TpRunner;
let http: RunningHttpServer | undefined;
const clients: Client[] = [];

beforeEach(() => {
  ws = new FakeTpWorkspace();
  runner = new TpRunner({
    tpPath: FAKE_TP,
    passEnv: FAKE_TP_PASS_ENV,
    env: ws.env(),
    timeoutMs: 20_000,
    ...RUNNER_LIMITS,
  });
});
afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((client) => client.close()));
  await http?.close();
  http = undefined;
  await runner.shutdown();
  ws.cleanup();
});

interface Start {
  security?: Partial<HttpSecurityConfig>;
  authenticator?: Authenticator;
  clock?: FakeClock;
  /** Hears the caller of each session opened. */
  onSession?: (caller: Caller | undefined) => void;
}

async function start({ security, authenticator, clock, onSession }: Start = {}): Promise<RunningHttpServer> {
  http = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    version: '0.0.0-test',
    sessionIdleMs: IDLE_MS,
    security: { ...defaultHttpSecurity('127.0.0.1'), ...security },
    authenticator,
    clock,
    createServer: (caller, lane) => {
      onSession?.(caller);
      return createServer({
        runner,
        lane,
        config: { confirmCreates: false, allowedDirs: [], allowedDirsProblem: 'no files here (test)' },
      });
    },
  });
  return http;
}

async function connect(url: string, token?: string) {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: token ? { headers: { authorization: `Bearer ${token}` } } : undefined,
  });
  const client = new Client({ name: 'in-process', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return { client, transport };
}

const TOOLS_LIST = { jsonrpc: '2.0', id: 7, method: 'tools/list' };

describe('HTTP server in process', () => {
  it('serves a session to the SDK client, and DELETE ends it', async () => {
    const { url } = await start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const { client, transport } = await connect(url);
    const result = (await client.callTool({ name: 'job_list', arguments: {} })) as CallToolResult;
    expect(result.isError ?? false).toBe(false);
    expect(textOf(result)).toContain('j-fake1');
    expect(ws.lastCall()).toMatchObject({ argv: ['--no-input', 'job', 'list'] });
    expect(http!.sessionCount()).toBe(1);
    const id = transport.sessionId!;
    await transport.terminateSession();
    expect(http!.sessionCount()).toBe(0);
    const gone = await mcpPost(url, TOOLS_LIST, { 'mcp-session-id': id });
    expect(gone.status).toBe(404);
    expect(JSON.parse(gone.body)).toMatchObject({
      error: { code: -32001, message: expect.stringMatching(/initialize/) },
    });
  });

  it('answers requests that name no known session, or none, with what to do', async () => {
    const { url } = await start();
    const unknown = await mcpPost(url, TOOLS_LIST, { 'mcp-session-id': 'no-such-session' });
    expect(unknown.status).toBe(404);
    const notInitialize = await mcpPost(url, TOOLS_LIST);
    expect(notInitialize.status).toBe(400);
    expect(JSON.parse(notInitialize.body).error.message).toMatch(/not initialize/);
    // a browser, or a client of the old HTTP+SSE transport
    const get = await rawRequest(url, { headers: { accept: 'text/event-stream' } });
    expect(get.status).toBe(400);
    expect(JSON.parse(get.body).error.message).toMatch(/Streamable HTTP/);
    const del = await rawRequest(url, { method: 'DELETE', headers: { 'mcp-session-id': 'no-such-session' } });
    expect(del.status).toBe(404);
    const sse = await rawRequest(url.replace(/\/mcp$/, '/sse'));
    expect(sse.status).toBe(404);
    expect(JSON.parse(sse.body).error_description).toMatch(/streamable-http/);
    const put = await rawRequest(url, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('GET, POST, DELETE');
    const elsewhere = await rawRequest(url.replace(/\/mcp$/, '/nothing'));
    expect(elsewhere.status).toBe(404);
    expect(JSON.parse(elsewhere.body).error_description).toMatch(/MCP is served at \/mcp/);
  });

  it('answers a body that is too large or not JSON with a JSON-RPC error', async () => {
    const { url } = await start();
    const big = await mcpPost(url, { ...INITIALIZE, params: { ...INITIALIZE.params, pad: 'x'.repeat(200_000) } });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32600 } });
    const broken = await rawRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{"jsonrpc":',
    });
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.body)).toMatchObject({ error: { code: -32700 } });
  });

  it('refuses a foreign Host or Origin before anything else, while the probes answer any Host', async () => {
    const { url } = await start();
    const rebinding = await mcpPost(url, INITIALIZE, { host: 'evil.example:8080' });
    expect(rebinding.status).toBe(403);
    expect(JSON.parse(rebinding.body).error_description).toMatch(/--allowed-hosts evil\.example/);
    const page = await mcpPost(url, INITIALIZE, { origin: 'https://evil.example' });
    expect(page.status).toBe(403);
    expect(JSON.parse(page.body).error_description).toMatch(/https:\/\/evil\.example/);
    // the page served by this server itself may talk to it
    const own = await mcpPost(url, INITIALIZE, { origin: new URL(url).origin });
    expect(own.status).toBe(200);
    const health = await rawRequest(url.replace(/\/mcp$/, '/healthz'), { headers: { host: 'pod.internal' } });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok', version: '0.0.0-test' });
    const ready = await rawRequest(url.replace(/\/mcp$/, '/readyz'));
    expect(JSON.parse(ready.body)).toEqual({ status: 'ready' });
  });

  it(
    'with tokens: refuses a missing or unknown one (401), and binds a session to the caller that ' + 'opened it',
    async () => {
      const { url } = await start({
        security: { auth: { mode: 'token', tokens: [TOKEN_A, TOKEN_B] } },
        authenticator: new StaticTokenAuthenticator([TOKEN_A, TOKEN_B]),
      });
      const none = await mcpPost(url, INITIALIZE);
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer realm="tensorpool-mcp"');
      const wrong = await mcpPost(url, INITIALIZE, { authorization: `Bearer ${'c'.repeat(32)}` });
      expect(wrong.status).toBe(401);
      expect(wrong.headers['www-authenticate']).toMatch(/error="invalid_token"/);
      const notBearer = await mcpPost(url, INITIALIZE, { authorization: `Basic ${TOKEN_A}` });
      expect(notBearer.status).toBe(401);

      const { client, transport } = await connect(url, TOKEN_A);
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
      // B holds a good token, but not the one that opened A's session: to B it does not exist
      const stolen = await mcpPost(url, TOOLS_LIST, {
        authorization: `Bearer ${TOKEN_B}`,
        'mcp-session-id': transport.sessionId!,
      });
      expect(stolen.status).toBe(404);
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    },
  );

  it('caps sessions: the server (503) and one caller (429), each with Retry-After', async () => {
    const { url } = await start({
      security: { auth: { mode: 'token', tokens: [TOKEN_A, TOKEN_B] }, maxSessions: 2, maxSessionsPerCaller: 1 },
      authenticator: new StaticTokenAuthenticator([TOKEN_A, TOKEN_B]),
    });
    await openSession(url, { authorization: `Bearer ${TOKEN_A}` });
    const second = await mcpPost(url, INITIALIZE, { authorization: `Bearer ${TOKEN_A}` });
    expect(second.status).toBe(429);
    expect(second.headers['retry-after']).toBe('30');
    expect(JSON.parse(second.body).error.message).toMatch(/--max-sessions-per-caller 1/);
    await openSession(url, { authorization: `Bearer ${TOKEN_B}` });
    const full = await mcpPost(url, INITIALIZE, { authorization: `Bearer ${TOKEN_B}` });
    expect(full.status).toBe(503);
    expect(JSON.parse(full.body).error.message).toMatch(/--max-sessions 2/);
    expect(http!.sessionCount()).toBe(2);
  });

  it('closes a session that sees no request for the idle time, counted from its last request', async () => {
    const clock = new FakeClock();
    const { url } = await start({ clock });
    const id = await openSession(url);
    clock.advance(IDLE_MS - 1_000);
    expect(http!.sessionCount()).toBe(1);
    // a request restarts the count
    expect((await mcpPost(url, TOOLS_LIST, { 'mcp-session-id': id })).status).toBe(200);
    clock.advance(IDLE_MS - 1_000);
    expect(http!.sessionCount()).toBe(1);
    clock.advance(1_000);
    expect(http!.sessionCount()).toBe(0);
    expect((await mcpPost(url, TOOLS_LIST, { 'mcp-session-id': id })).status).toBe(404);
  });

  it('ends every session of a caller whose key TensorPool stopped accepting, and refuses the key', async () => {
    const goodKey = 'tpk_in_process_caller_key_1234';
    const authenticator = new TensorPoolKeyAuthenticator(async (key) => ({ valid: key === goodKey }));
    const callers: Caller[] = [];
    const { url } = await start({
      security: { auth: { mode: 'tensorpool-key' } },
      authenticator,
      onSession: (caller) => callers.push(caller!),
    });
    const headers = { authorization: `Bearer ${goodKey}` };
    const first = await openSession(url, headers);
    const second = await openSession(url, headers);
    expect(http!.sessionCount()).toBe(2);
    authenticator.revoke(callers[0]!);
    expect(http!.sessionCount()).toBe(0);
    for (const id of [first, second])
      expect((await mcpPost(url, TOOLS_LIST, { ...headers, 'mcp-session-id': id })).status).toBe(401);
    expect((await mcpPost(url, INITIALIZE, headers)).status).toBe(401);
  });

  it('close() ends the sessions and stops listening', async () => {
    const { url } = await start();
    await openSession(url);
    await http!.close();
    expect(http!.sessionCount()).toBe(0);
    http = undefined;
    // a fresh connection: the pooled one was closed with the server
    const agent = new Agent({ keepAlive: false });
    await expect(rawRequest(url.replace(/\/mcp$/, '/healthz'), { agent })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('sends the protocol version the client asked for', async () => {
    const { url } = await start();
    const init = await mcpPost(url, INITIALIZE);
    expect(init.status).toBe(200);
    expect(init.body).toContain(`"protocolVersion":"${PROTOCOL_VERSION}"`);
  });
});
