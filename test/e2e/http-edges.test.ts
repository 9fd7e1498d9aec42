// The edges of the hosted HTTP server, through the built bin: start-up refusals and errors, JSON for
// everything, /readyz, --max-sessions, OAuth metadata, CORS.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_TP, FakeTpWorkspace } from '../helpers/fake-tp.js';
import { INITIALIZE, mcpPost, openSession, rawRequest } from '../helpers/http-raw.js';
import { startLocalIssuer, type LocalIssuer } from '../helpers/oauth-issuer.js';
import { runCli, startHttpProcess, type HttpServerProcess } from '../helpers/server-process.js';

const TOKEN = 'edge-0123456789abcdef0123';
let ws: FakeTpWorkspace;
let server: HttpServerProcess | undefined;
let issuer: LocalIssuer | undefined;

beforeEach(() => {
  ws = new FakeTpWorkspace();
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
  await issuer?.close();
  issuer = undefined;
  ws.cleanup();
});

const base = (url: string) => url.replace(/\/mcp$/, '');

describe('start-up', () => {
  it('refuses a network bind without an auth mode: exit 2, one line', async () => {
    for (const host of ['0.0.0.0', '0', '::']) {
      const result = await runCli(['--http', '--host', host, '--port', '0', '--tp-path', FAKE_TP], {
        env: ws.env(),
        cwd: ws.dir,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `error: --host ${host} is reachable from other machines, so it needs authentication: --auth-token, --auth ` +
          `tensorpool-key or --auth oauth ` +
          '(or --allow-unauthenticated, when a proxy in front authenticates)\n',
      );
    }
  });

  it('starts unauthenticated on 0.0.0.0 only with --allow-unauthenticated, and says so loudly', async () => {
    server = await startHttpProcess(['--tp-path', FAKE_TP, '--allow-unauthenticated'], ws.env(), ws.dir, '0.0.0.0');
    expect(server.stderr()).toMatch(
      /error: WARNING: --allow-unauthenticated: anyone who can reach --host 0\.0\.0\.0 can run every offered tool/,
    );
    const health = await rawRequest(`${base(server.url).replace('//0.0.0.0:', '//127.0.0.1:')}/healthz`);
    expect(health.status).toBe(200);
  });

  it(
    'logs the approval rule in force: elicit by default, billing calls included, or what --confirm and ' +
      '--no-confirm-creates chose',
    async () => {
      server = await startHttpProcess(['--tp-path', FAKE_TP], ws.env(), ws.dir);
      expect(server.stderr()).toMatch(
        /info: approval: elicit: irreversible, sensitive and billing calls are put to the person where the client can ask \(elicitation, or the TensorPool view's approval card\), elsewhere they need confirm=true, passed after the user agreed\n/,
      );
      await server.stop();
      server = await startHttpProcess(
        ['--tp-path', FAKE_TP, '--confirm', 'flag', '--no-confirm-creates'],
        ws.env(),
        ws.dir,
      );
      expect(server.stderr()).toMatch(
        /info: approval: flag: irreversible and sensitive calls \(billing calls run unasked: --no-confirm-creates\) run with confirm=true, passed after the user agreed\n/,
      );
    },
  );

  it('names a port in use instead of crashing', async () => {
    server = await startHttpProcess(['--tp-path', FAKE_TP], ws.env(), ws.dir);
    const port = new URL(server.url).port;
    const second = await runCli(['--http', '--port', port, '--tp-path', FAKE_TP], { env: ws.env(), cwd: ws.dir });
    expect(second.code).toBe(1);
    expect(second.stderr.split('\n').filter((line) => line.startsWith('error:'))).toEqual([
      `error: port ${port} is in use; pick another with --port`,
    ]);
    expect(second.stderr).not.toMatch(/Cannot destructure|at .*\.js:\d+/);
  });

  it('names an address this machine does not have', async () => {
    const result = await runCli(
      ['--http', '--host', '203.0.113.7', '--port', '0', '--auth-token', TOKEN, '--tp-path', FAKE_TP],
      { env: ws.env(), cwd: ws.dir },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: cannot bind --host 203\.0\.113\.7: no network interface of this machine has that address$/m,
    );
  });
});

describe('answers', () => {
  it('in JSON everywhere, without X-Powered-By', async () => {
    server = await startHttpProcess(['--tp-path', FAKE_TP], ws.env(), ws.dir);
    for (const path of ['/', '/nope', '/mcp/extra']) {
      const response = await rawRequest(`${base(server.url)}${path}`);
      expect(response.status, path).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(response.body)).toMatchObject({ error: 'not_found' });
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
    const put = await rawRequest(server.url, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe('GET, POST, DELETE');
    const init = await mcpPost(server.url, INITIALIZE);
    expect(init.headers['x-powered-by']).toBeUndefined();
    const health = await rawRequest(`${base(server.url)}/healthz`);
    expect(health.headers['x-powered-by']).toBeUndefined();
  });

  it('/readyz: ready once tp answers with a known generation, 503 while tp is missing', async () => {
    server = await startHttpProcess(['--tp-path', FAKE_TP], ws.env(), ws.dir);
    const ready = await rawRequest(`${base(server.url)}/readyz`);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ status: 'ready', tp_generation: '0.0.9' });
    await server.stop();

    server = await startHttpProcess(['--tp-path', `${ws.dir}/no-such-tp`], ws.env(), ws.dir);
    const missing = await rawRequest(`${base(server.url)}/readyz`);
    expect(missing.status).toBe(503);
    expect(JSON.parse(missing.body)).toMatchObject({
      status: 'not ready',
      reason: expect.stringMatching(/TensorPool CLI was not found/),
    });
    expect((await rawRequest(`${base(server.url)}/healthz`)).status).toBe(200);
  });

  it('--max-sessions: 503 with Retry-After beyond the cap, room again once a session ends', async () => {
    server = await startHttpProcess(['--tp-path', FAKE_TP, '--max-sessions', '2'], ws.env(), ws.dir);
    const first = await openSession(server.url);
    await openSession(server.url);
    const third = await mcpPost(server.url, INITIALIZE);
    expect(third.status).toBe(503);
    expect(third.headers['retry-after']).toBe('30');
    expect(JSON.parse(third.body)).toMatchObject({ error: { message: expect.stringMatching(/--max-sessions 2/) } });
    const ended = await rawRequest(server.url, {
      method: 'DELETE',
      headers: { 'mcp-session-id': first, 'mcp-protocol-version': '2025-06-18' },
    });
    expect(ended.status).toBe(200);
    expect((await mcpPost(server.url, INITIALIZE)).status).toBe(200);
  });
});

describe('OAuth protected-resource metadata', () => {
  it('is served at the RFC 9728 locations, and a 401 points at it', async () => {
    issuer = await startLocalIssuer();
    const audience = 'https://mcp.example.test/mcp';
    server = await startHttpProcess(
      [
        '--tp-path',
        FAKE_TP,
        '--auth',
        'oauth',
        '--oauth-issuer',
        issuer.issuer,
        '--oauth-audience',
        audience,
        '--oauth-scope',
        'mcp',
      ],
      ws.env(),
      ws.dir,
    );
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const metadata = await rawRequest(`${base(server.url)}${path}`);
      expect(metadata.status).toBe(200);
      expect(JSON.parse(metadata.body)).toEqual({
        resource: audience,
        authorization_servers: [issuer.issuer],
        bearer_methods_supported: ['header'],
        scopes_supported: ['mcp'],
        resource_name: 'TensorPool MCP server',
      });
    }
    const unauthorized = await mcpPost(server.url, INITIALIZE);
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers['www-authenticate']).toBe(
      'Bearer resource_metadata="https://mcp.example.test/.well-known/oauth-protected-resource/mcp"',
    );
    const forged = await rawRequest(`${base(server.url)}/.well-known/oauth-protected-resource/mcp`, {
      headers: { host: 'rebind.evil.example' },
    });
    expect(forged.status).toBe(403);
    // a token without the required scope gets 403 insufficient_scope
    const narrow = await mcpPost(server.url, INITIALIZE, {
      authorization: `Bearer ${await issuer.token({ scope: 'openid' })}`,
    });
    expect(narrow.status).toBe(403);
    expect(narrow.headers['www-authenticate']).toMatch(/error="insufficient_scope".*scope="mcp"/);
  });
});

describe('CORS', () => {
  const APP = 'http://localhost:5173';
  const preflight = (url: string) =>
    rawRequest(url, {
      method: 'OPTIONS',
      headers: {
        origin: APP,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization,mcp-session-id',
      },
    });

  it('is off by default: a page on another origin is refused outright', async () => {
    server = await startHttpProcess(['--tp-path', FAKE_TP], ws.env(), ws.dir);
    const response = await preflight(server.url);
    expect(response.status).toBe(403);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect((await mcpPost(server.url, INITIALIZE, { origin: APP })).status).toBe(403);
    // the server's own origin may post, and gets no CORS headers either
    const own = await mcpPost(server.url, INITIALIZE, { origin: new URL(server.url).origin });
    expect(own.status).toBe(200);
    expect(own.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('--cors-origin answers preflights for that origin and exposes Mcp-Session-Id, before authentication', async () => {
    server = await startHttpProcess(
      ['--tp-path', FAKE_TP, '--cors-origin', APP, '--auth-token', TOKEN],
      ws.env(),
      ws.dir,
    );
    const response = await preflight(server.url);
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(APP);
    expect(String(response.headers['access-control-allow-headers']).toLowerCase()).toContain('mcp-session-id');
    const init = await mcpPost(server.url, INITIALIZE, { origin: APP, authorization: `Bearer ${TOKEN}` });
    expect(init.status).toBe(200);
    expect(init.headers['access-control-allow-origin']).toBe(APP);
    expect(init.headers['access-control-expose-headers']).toMatch(/Mcp-Session-Id/);
    expect(
      (await mcpPost(server.url, INITIALIZE, { origin: 'https://evil.example', authorization: `Bearer ${TOKEN}` }))
        .status,
    ).toBe(403);
  });
});
