import { existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { request } from 'node:http';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  ElicitRequestSchema,
  ListRootsRequestSchema,
  type CallToolResult,
  type ElicitResult,
} from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { FAKE_TP, FakeTpWorkspace, isAlive, waitFor } from '../helpers/fake-tp.js';
import { PROTOCOL_VERSION, mcpPost, openSession } from '../helpers/http-raw.js';
import { textOf } from '../helpers/in-memory.js';
import { listedToolNames, startHttpProcess, type HttpServerProcess } from '../helpers/server-process.js';

let ws: FakeTpWorkspace;
let server: HttpServerProcess | undefined;
const clients: Client[] = [];

beforeEach(() => {
  ws = new FakeTpWorkspace();
});
afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((c) => c.close()));
  await server?.stop();
  server = undefined;
  ws.cleanup();
});

async function start(env: Record<string, string | undefined> = {}) {
  server = await startHttpProcess(['--tp-path', FAKE_TP], ws.env(env), ws.dir);
  return server;
}

async function connect(url: string, elicit?: (message: string) => ElicitResult) {
  const transport = new StreamableHTTPClientTransport(new URL(url));
  const client = new Client(
    { name: 'e2e-http', version: '1.0.0' },
    { capabilities: elicit ? { elicitation: {} } : {} },
  );
  if (elicit) client.setRequestHandler(ElicitRequestSchema, async (request) => elicit(request.params.message));
  await client.connect(transport);
  clients.push(client);
  return { client, transport };
}

function rawRequest(url: string, options: { method: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; body: string }>((done, fail) => {
    const req = request(url, { method: options.method, headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end(options.body);
  });
}

describe('Streamable HTTP transport, built bin on 127.0.0.1 with a random port', () => {
  it('serves sessions at /mcp: tools/list and a tool call', async () => {
    const { url } = await start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const { client, transport } = await connect(url);
    expect(transport.sessionId).toBeTruthy();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('cluster_create');
    expect(tools.map((t) => t.name)).toEqual(listedToolNames());
    const result = (await client.callTool({ name: 'job_list', arguments: { org: true } })) as CallToolResult;
    expect(result.isError ?? false).toBe(false);
    expect(ws.lastCall()).toMatchObject({ argv: ['--no-input', 'job', 'list', '--org'], stdin: 'devnull' });
    expect(textOf(result)).toMatch(
      /^Organization: fake-org\njob_id  cluster_id  status  created\nj-fake1  c-fake123  RUNNING/,
    );
    expect((result.structuredContent as { jobs: unknown[] }).jobs).toHaveLength(3);
  });

  it('gives each session its own server, and DELETE ends one without touching the other', async () => {
    const { url } = await start();
    const a = await connect(url);
    const b = await connect(url);
    const endedId = a.transport.sessionId!;
    expect(endedId).not.toBe(b.transport.sessionId);
    await a.transport.terminateSession();
    const gone = await rawRequest(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-session-id': endedId,
        'mcp-protocol-version': '2025-06-18',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
    });
    expect(gone.status).toBe(404);
    expect((await b.client.listTools()).tools.map((t) => t.name)).toEqual(listedToolNames());
  });

  it('refuses a foreign Host header (DNS rebinding) and requests without a session', async () => {
    const { url } = await start();
    const evil = await rawRequest(url, {
      method: 'POST',
      headers: { host: 'evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(evil.status).toBe(403);
    const noSession = await rawRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(noSession.status).toBe(400);
    const getWithout = await rawRequest(url, { method: 'GET', headers: { accept: 'text/event-stream' } });
    expect(getWithout.status).toBe(400);
  });

  it('--dry-run holds over HTTP too', async () => {
    server = await startHttpProcess(['--tp-path', FAKE_TP, '--dry-run'], ws.env(), ws.dir);
    const { client } = await connect(server.url);
    const result = (await client.callTool({
      name: 'cluster_destroy',
      arguments: { cluster_id: 'c-7', confirm: true },
    })) as CallToolResult;
    expect(textOf(result)).toContain(`would run:\n${FAKE_TP} cluster destroy --no-input c-7`);
    expect(result.structuredContent).toMatchObject({ dry_run: true });
    expect(ws.commandCalls()).toHaveLength(0);
  });

  it('--confirm always-elicit asks the person over HTTP', async () => {
    server = await startHttpProcess(['--tp-path', FAKE_TP, '--confirm', 'always-elicit'], ws.env(), ws.dir);
    const asked: string[] = [];
    const { client } = await connect(server.url, (message) => {
      asked.push(message);
      return { action: 'accept', content: { confirm: true } };
    });
    const result = (await client.callTool({ name: 'job_cancel', arguments: { job_id: 'j-9' } })) as CallToolResult;
    expect(result.isError ?? false, textOf(result)).toBe(false);
    expect(asked[0]).toMatch(/Allow job_cancel\? It means cancelling job j-9/);
    const plain = await connect(server.url);
    expect(
      textOf(
        (await plain.client.callTool({
          name: 'job_cancel',
          arguments: { job_id: 'j-9', confirm: true },
        })) as CallToolResult,
      ),
    ).toMatch(/does not support it/);
    expect(ws.commandCalls()).toHaveLength(1);
  });

  it(
    'with --trust-client-roots, asks a roots-capable client for its roots within the tool call, so calls do not ' +
      'stall',
    async () => {
      const launch = join(ws.dir, 'launch');
      const root = join(launch, 'root');
      mkdirSync(root, { recursive: true });
      server = await startHttpProcess(['--tp-path', FAKE_TP, '--trust-client-roots'], ws.env(), launch);
      const transport = new StreamableHTTPClientTransport(new URL(server.url));
      const client = new Client({ name: 'roots', version: '1' }, { capabilities: { roots: { listChanged: true } } });
      let rootsAsked = 0;
      client.setRequestHandler(ListRootsRequestSchema, async () => {
        rootsAsked += 1;
        return { roots: [{ uri: pathToFileURL(root).href }] };
      });
      await client.connect(transport);
      clients.push(client);
      const narrowed = (await client.callTool({
        name: 'job_write_config',
        arguments: { workdir: launch, commands: ['python train.py'] },
      })) as CallToolResult;
      // A roots request that stalled would time out and leave the whole launch directory allowed, and
      // this write would succeed: refused here means the answer arrived within the call and narrowed it.
      expect(textOf(narrowed)).toMatch(/outside the allowed directories/);
      const result = (await client.callTool({
        name: 'job_write_config',
        arguments: { workdir: root, commands: ['python train.py'] },
      })) as CallToolResult;
      expect(result.isError ?? false, textOf(result)).toBe(false);
      expect(rootsAsked).toBe(1);
      expect(existsSync(join(realpathSync(root), 'job.tp.toml'))).toBe(true);
    },
  );

  it("streams tp's output lines to the client as progress notifications over HTTP", async () => {
    const { url } = await start(ws.hold(1));
    const { client } = await connect(url);
    const progress: string[] = [];
    const result = (await client.callTool({ name: 'cluster_list', arguments: {} }, undefined, {
      onprogress: (p) => {
        progress.push(p.message ?? '');
        if (/progress line/.test(p.message ?? '')) ws.release(); // heard while tp still ran
      },
    })) as CallToolResult;
    expect(result.isError ?? false, textOf(result)).toBe(false);
    expect(progress.some((message) => /progress line/.test(message))).toBe(true);
  });

  it(
    'a cluster_create --wait that tp holds returns a handle at the budget over HTTP; cancel kills it and its ' +
      'grandchild',
    async () => {
      const pidFile = join(ws.dir, 'pids.json');
      // tp never finishes on its own (held until released, which never happens): only the budget ends the call
      server = await startHttpProcess(
        ['--tp-path', FAKE_TP, '--sync-budget', '1'],
        ws.env({ ...ws.hold(1), FAKE_TP_GRANDCHILD: '1', FAKE_TP_PIDFILE: pidFile }),
        ws.dir,
      );
      const { client } = await connect(server.url);
      const handle = (await client.callTool({
        name: 'cluster_create',
        arguments: { instance_type: '1xH100', wait: true, confirm: true },
      })) as CallToolResult;
      const id = (handle.structuredContent as { operation: { id: string } }).operation.id;
      await ws.untilReady(); // the pid file is written before the ready file
      const status = (await client.callTool({
        name: 'operation_status',
        arguments: { operation_id: id, wait_seconds: 1 },
      })) as CallToolResult;
      expect(status.structuredContent).toMatchObject({ status: 'running' });
      const { tp, grandchild } = JSON.parse(readFileSync(pidFile, 'utf8')) as { tp: number; grandchild: number };
      await client.callTool({ name: 'operation_cancel', arguments: { operation_id: id } });
      expect(isAlive(tp)).toBe(false);
      expect(isAlive(grandchild)).toBe(false);
    },
  );

  it('answers an oversized body with a JSON-RPC error, and checks Host on any loopback address', async () => {
    const { url } = await start();
    const big = await rawRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { pad: 'x'.repeat(200_000) } }),
    });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toMatchObject({
      jsonrpc: '2.0',
      error: { message: expect.stringMatching(/too large/) },
    });
    await server!.stop();

    server = await startHttpProcess(['--tp-path', FAKE_TP], ws.env(), ws.dir, '127.0.0.2');
    const evil = await rawRequest(server.url, {
      method: 'POST',
      headers: { host: 'evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(evil.status).toBe(403);
    const ok = await rawRequest(server.url.replace(/\/mcp$/, '/healthz'), { method: 'GET' });
    expect(ok.status).toBe(200);
  });

  it('closes a session that sees no request for --session-idle seconds', async () => {
    server = await startHttpProcess(['--tp-path', FAKE_TP, '--session-idle', '1'], ws.env(), ws.dir);
    const id = await openSession(server.url);
    const lastRequest = Date.now();
    // the session's server-to-client stream: the server ends it when it closes the session, so the
    // test waits for that event rather than for a time to pass
    const stream = await rawRequest(server.url, {
      method: 'GET',
      headers: { accept: 'text/event-stream', 'mcp-session-id': id, 'mcp-protocol-version': PROTOCOL_VERSION },
    });
    expect(stream.status).toBe(200);
    // not before a full idle second (less a little for the clocks' granularity)
    expect(Date.now() - lastRequest).toBeGreaterThanOrEqual(950);
    const after = await mcpPost(server.url, { jsonrpc: '2.0', id: 9, method: 'tools/list' }, { 'mcp-session-id': id });
    expect(after.status).toBe(404);
  });

  it('answers /healthz with status and version', async () => {
    const { url } = await start();
    const health = await rawRequest(url.replace(/\/mcp$/, '/healthz'), { method: 'GET' });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: 'ok', version: packageJson.version });
  });

  it('ending a session stops its running tp and the grandchild', async () => {
    const pidFile = join(ws.dir, 'pids.json');
    const { url } = await start({ FAKE_TP_GRANDCHILD: '1', FAKE_TP_PIDFILE: pidFile, FAKE_TP_DELAY_MS: '60000' });
    const { client, transport } = await connect(url);
    const pending = client.callTool({ name: 'cluster_list', arguments: {} }).catch((error: unknown) => error);
    await waitFor(() => existsSync(pidFile), 10_000, 'tp to start');
    const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { tp: number; grandchild: number };
    await transport.terminateSession();
    await waitFor(() => !isAlive(pids.tp) && !isAlive(pids.grandchild), 10_000, 'tp and grandchild to die');
    await client.close();
    await pending;
  });

  it('SIGTERM closes sessions, stops tp, and exits 0', async () => {
    const pidFile = join(ws.dir, 'pids.json');
    const running = await start({ FAKE_TP_GRANDCHILD: '1', FAKE_TP_PIDFILE: pidFile, FAKE_TP_DELAY_MS: '60000' });
    const { client } = await connect(running.url);
    void client.callTool({ name: 'cluster_list', arguments: {} }).catch(() => undefined);
    await waitFor(() => existsSync(pidFile), 10_000, 'tp to start');
    const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { tp: number; grandchild: number };
    expect(await running.stop()).toBe(0);
    server = undefined;
    expect(isAlive(pids.tp)).toBe(false);
    expect(isAlive(pids.grandchild)).toBe(false);
  });
});
