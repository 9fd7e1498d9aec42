// The "Done when" matrix of issue 9: {no token, wrong token, right token, expired/foreign JWT, valid JWT}
// × {loopback, 0.0.0.0} × {good Host, forged Host, foreign Origin}, against a server in each auth mode,
// through the built bin. Every refused request must start no tp at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_TP, FakeTpWorkspace } from '../helpers/fake-tp.js';
import { INITIALIZE, mcpPost, messagesOf, openSession } from '../helpers/http-raw.js';
import { startLocalIssuer, type LocalIssuer } from '../helpers/oauth-issuer.js';
import { startHttpProcess, type HttpServerProcess } from '../helpers/server-process.js';

const RIGHT_TOKEN = 'right-0123456789abcdef0123';
const WRONG_TOKEN = 'wrong-0123456789abcdef0123';
const AUDIENCE = 'https://mcp.example.test/mcp';

type Credential = 'no token' | 'wrong token' | 'right token' | 'expired JWT' | 'foreign JWT' | 'valid JWT';
type HeaderCase = 'good Host' | 'forged Host' | 'foreign Origin';
type Mode = 'token' | 'oauth';

const CREDENTIALS: Credential[] = ['no token', 'wrong token', 'right token', 'expired JWT', 'foreign JWT', 'valid JWT'];
const HEADER_CASES: HeaderCase[] = ['good Host', 'forged Host', 'foreign Origin'];

let issuer: LocalIssuer;
const bearer: Partial<Record<Credential, string>> = {};

beforeAll(async () => {
  issuer = await startLocalIssuer();
  bearer['wrong token'] = WRONG_TOKEN;
  bearer['right token'] = RIGHT_TOKEN;
  bearer['expired JWT'] = await issuer.token({}, { expiresIn: Math.floor(Date.now() / 1000) - 3600 });
  bearer['foreign JWT'] = await issuer.token({}, { signer: 'foreign' });
  bearer['valid JWT'] = await issuer.token({}, { expiresIn: '1h' });
});
afterAll(async () => {
  await issuer.close();
});

function accepted(mode: Mode, credential: Credential): boolean {
  return (mode === 'token' && credential === 'right token') || (mode === 'oauth' && credential === 'valid JWT');
}

function headersFor(port: number, credential: Credential, headerCase: HeaderCase): Record<string, string> {
  const headers: Record<string, string> = {
    host: headerCase === 'forged Host' ? `rebind.evil.example:${port}` : `127.0.0.1:${port}`,
  };
  if (headerCase === 'foreign Origin') headers.origin = 'https://evil.example';
  const token = bearer[credential];
  if (token) headers.authorization = `Bearer ${token}`;
  return headers;
}

describe.each([
  ['loopback', '127.0.0.1'],
  ['0.0.0.0', '0.0.0.0'],
] as const)('bound to %s', (_bindName, bindHost) => {
  describe.each(['token', 'oauth'] as const)('with --auth %s', (mode) => {
    let ws: FakeTpWorkspace;
    let server: HttpServerProcess;
    let url: string;
    let port: number;
    /** A session opened properly, for requests that try to use it with other credentials or headers. */
    let sessionId: string;
    const goodCredential: Credential = mode === 'token' ? 'right token' : 'valid JWT';

    beforeAll(async () => {
      ws = new FakeTpWorkspace();
      const authArgs =
        mode === 'token'
          ? ['--auth-token', RIGHT_TOKEN]
          : ['--auth', 'oauth', '--oauth-issuer', issuer.issuer, '--oauth-audience', AUDIENCE];
      server = await startHttpProcess(['--tp-path', FAKE_TP, ...authArgs], ws.env(), ws.dir, bindHost);
      // 0.0.0.0 is only ever reached through 127.0.0.1 here
      url = server.url.replace('//0.0.0.0:', '//127.0.0.1:');
      port = Number(new URL(url).port);
      sessionId = await openSession(url, headersFor(port, goodCredential, 'good Host'));
    });
    afterAll(async () => {
      await server.stop();
      ws.cleanup();
    });

    const cells = CREDENTIALS.flatMap((credential) =>
      HEADER_CASES.map((headerCase) => [credential, headerCase] as const),
    );

    it.each(cells)('%s, %s', async (credential, headerCase) => {
      const headers = headersFor(port, credential, headerCase);
      const callsBefore = ws.commandCalls().length;
      const init = await mcpPost(url, INITIALIZE, headers);
      const call = await mcpPost(
        url,
        { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'cluster_list', arguments: {} } },
        { ...headers, 'mcp-session-id': sessionId },
      );

      if (headerCase !== 'good Host') {
        // Host and Origin are checked first, whatever the credentials
        for (const response of [init, call]) {
          expect(response.status).toBe(403);
          expect(JSON.parse(response.body)).toMatchObject({ error: 'forbidden' });
        }
      } else if (!accepted(mode, credential)) {
        for (const response of [init, call]) {
          expect(response.status).toBe(401);
          const challenge = String(response.headers['www-authenticate']);
          expect(challenge).toMatch(/^Bearer /);
          if (mode === 'oauth') {
            expect(challenge).toContain(
              'resource_metadata="https://mcp.example.test/.well-known/oauth-protected-resource/mcp"',
            );
          }
          if (credential !== 'no token') expect(challenge).toContain('error="invalid_token"');
        }
      } else {
        expect(init.status).toBe(200);
        expect(init.headers['mcp-session-id']).toEqual(expect.any(String));
        expect(call.status).toBe(200);
        const answer = messagesOf(call).find((message) => message.id === 7);
        expect(answer?.result?.isError ?? false).toBe(false);
        expect(ws.commandCalls().length).toBe(callsBefore + 1);
        return;
      }
      // a refused request opens no session and runs nothing
      expect(init.headers['mcp-session-id']).toBeUndefined();
      expect(ws.commandCalls().length).toBe(callsBefore);
    });
  });
});
