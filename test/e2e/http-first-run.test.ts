// Issue 18, the HTTP side of a first run: what a person or an old client meets before anything works.
// An old SSE client got "400 mcp-session-id header required", the Host 403 did not say which option
// fixes it, and PORT=abc in the shell broke stdio mode, which uses no port.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_TP, FakeTpWorkspace } from '../helpers/fake-tp.js';
import { rawRequest } from '../helpers/http-raw.js';
import { BIN, assertBuilt, startHttpProcess, type HttpServerProcess } from '../helpers/server-process.js';

let ws: FakeTpWorkspace;
let server: HttpServerProcess;
beforeAll(async () => {
  ws = new FakeTpWorkspace();
  server = await startHttpProcess(['--tp-path', FAKE_TP], ws.env(), ws.dir);
});
afterAll(async () => {
  await server.stop();
  ws.cleanup();
});

const STREAMABLE_ONLY =
  /speaks MCP over Streamable HTTP at \/mcp.*older HTTP\+SSE transport \(GET \/sse, POST \/messages\) is not served/;

describe('a client that does not speak Streamable HTTP', () => {
  it('a GET of /mcp without a session (an old SSE client, or a browser) is told what the server speaks', async () => {
    const answer = await rawRequest(server.url, { headers: { accept: 'text/event-stream' } });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error.message).toMatch(STREAMABLE_ONLY);
  });

  it.each([
    ['GET', '/sse'],
    ['POST', '/messages?sessionId=abc'],
  ])('%s %s, the old transport, is told the same', async (method, path) => {
    const answer = await rawRequest(new URL(path, server.url).href, {
      method,
      headers: { 'content-type': 'application/json' },
      body: method === 'POST' ? '{}' : undefined,
    });
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body).error_description).toMatch(STREAMABLE_ONLY);
  });
});

describe('the Host check', () => {
  it('names --allowed-hosts and the name to add', async () => {
    const answer = await rawRequest(server.url, {
      method: 'POST',
      headers: { host: 'mcp.example.test:8443', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).error_description).toBe(
      'This server does not answer to Host mcp.example.test:8443; if that is its name (say, behind a proxy), start ' +
        'it with --allowed-hosts mcp.example.test.',
    );
  });
});

describe('stdio reads no HTTP variables', () => {
  it('PORT=abc and HOST=0.0.0.0 in the environment: stdio starts and serves', async () => {
    assertBuilt();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, '--tp-path', FAKE_TP],
      env: ws.env({ PORT: 'abc', HOST: '0.0.0.0', TENSORPOOL_MCP_MAX_SESSIONS: 'many' }) as Record<string, string>,
      cwd: ws.dir,
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk));
    const client = new Client({ name: 'e2e-port', version: '1.0.0' });
    try {
      await client.connect(transport);
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain('cluster_list');
      expect(stderr).not.toMatch(/PORT|error:/);
    } finally {
      await client.close();
    }
  });
});
