// --auth tensorpool-key through the built bin: each caller's bearer token is its own TensorPool key,
// checked once with `tp me`, used for every tp of its session, and never seen by anyone else.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_TP, FakeTpWorkspace } from '../helpers/fake-tp.js';
import { INITIALIZE, mcpPost } from '../helpers/http-raw.js';
import { textOf } from '../helpers/in-memory.js';
import { startHttpProcess, type HttpServerProcess } from '../helpers/server-process.js';

const KEY_A = 'tpk_alice_0123456789abcdef';
const KEY_B = 'tpk_bobby_fedcba9876543210';
const BAD_KEY = 'tpk_wrong_0000000000000000';
const OPERATOR_KEY = 'tpk_operator_5555555555555';

let ws: FakeTpWorkspace;
let server: HttpServerProcess;
const clients: Client[] = [];

beforeEach(async () => {
  ws = new FakeTpWorkspace();
  server = await startHttpProcess(
    ['--tp-path', FAKE_TP, '--toolsets', 'all', '--auth', 'tensorpool-key'],
    // the operator's own key is in the environment too: it must never stand in for a caller's
    ws.env({
      TENSORPOOL_KEY: OPERATOR_KEY,
      FAKE_TP_VALID_KEYS: `${KEY_A},${KEY_B},${OPERATOR_KEY}`,
      FAKE_TP_ECHO_KEY: '1',
    }),
    ws.dir,
  );
});
afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((client) => client.close()));
  await server.stop();
  ws.cleanup();
});

async function connect(key: string) {
  const transport = new StreamableHTTPClientTransport(new URL(server.url), {
    requestInit: { headers: { authorization: `Bearer ${key}` } },
  });
  const client = new Client({ name: 'e2e-key', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return { client, transport };
}

const meCalls = () => ws.commandCalls().filter((call) => call.argv.join(' ') === '--no-input me');

describe('--auth tensorpool-key', () => {
  it(
    'runs each session with its own key, checked once; sessions see neither the other key nor its ' + 'operations',
    async () => {
      const alice = await connect(KEY_A);
      const bob = await connect(KEY_B);
      expect(meCalls().map((call) => call.env.TENSORPOOL_KEY)).toEqual([KEY_A, KEY_B]);

      const aliceResult = (await alice.client.callTool({ name: 'cluster_list', arguments: {} })) as CallToolResult;
      expect(ws.lastCall()).toMatchObject({ argv: ['--no-input', 'cluster', 'list'], env: { TENSORPOOL_KEY: KEY_A } });
      const bobResult = (await bob.client.callTool({ name: 'job_list', arguments: {} })) as CallToolResult;
      expect(ws.lastCall()).toMatchObject({ argv: ['--no-input', 'job', 'list'], env: { TENSORPOOL_KEY: KEY_B } });

      // the fake tp prints the key it got: each session sees it masked
      expect(textOf(aliceResult)).toContain('TENSORPOOL_KEY=[REDACTED]');
      expect(textOf(bobResult)).toContain('TENSORPOOL_KEY=[REDACTED]');

      const bobOperations = (await bob.client.callTool({ name: 'operation_list', arguments: {} })) as CallToolResult;
      const listed = (bobOperations.structuredContent as { operations: Array<{ tool: string }> }).operations.map(
        (op) => op.tool,
      );
      expect(listed).toEqual(['job_list']);
      const bobResources = await bob.client.listResources();
      expect(bobResources.resources.map((resource) => resource.name).join('\n')).not.toContain('cluster_list');

      const everything = JSON.stringify([aliceResult, bobResult, bobOperations, bobResources]) + server.stderr();
      for (const key of [KEY_A, KEY_B, OPERATOR_KEY]) expect(everything).not.toContain(key);
      expect(ws.commandCalls().some((call) => call.env.TENSORPOOL_KEY === OPERATOR_KEY)).toBe(false);
    },
  );

  it("masks the caller's own key where it comes back as an argument: operation_list and operation_status", async () => {
    const alice = await connect(KEY_A);
    // a model that pastes the key into an id field: the call runs, and every trace of it is masked
    const pasted = (await alice.client.callTool({ name: 'job_info', arguments: { job_id: KEY_A } })) as CallToolResult;
    const list = (await alice.client.callTool({ name: 'operation_list', arguments: {} })) as CallToolResult;
    const id = (list.structuredContent as { operations: Array<{ operation_id: string }> }).operations[0]!.operation_id;
    const status = await alice.client.callTool({ name: 'operation_status', arguments: { operation_id: id } });
    const everything = JSON.stringify([pasted, list, status]);
    expect(everything).not.toContain(KEY_A);
    expect(JSON.stringify(list)).toContain('job_id=[REDACTED]');
  });

  it("will not let one caller use another's session", async () => {
    const alice = await connect(KEY_A);
    const stolen = await mcpPost(
      server.url,
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'cluster_list', arguments: {} } },
      { authorization: `Bearer ${KEY_B}`, 'mcp-session-id': alice.transport.sessionId! },
    );
    expect(stolen.status).toBe(404);
    // nor with no key at all
    const bare = await mcpPost(
      server.url,
      { jsonrpc: '2.0', id: 4, method: 'tools/list' },
      { 'mcp-session-id': alice.transport.sessionId! },
    );
    expect(bare.status).toBe(401);
    expect(ws.commandCalls().filter((call) => call.argv.includes('cluster'))).toHaveLength(0);
  });

  it(
    'refuses a key TensorPool refuses, asking once; a known key opens more sessions without asking ' + 'again',
    async () => {
      for (let i = 0; i < 3; i++) {
        const refused = await mcpPost(server.url, INITIALIZE, { authorization: `Bearer ${BAD_KEY}` });
        expect(refused.status).toBe(401);
        expect(refused.headers['www-authenticate']).toMatch(/^Bearer realm="tensorpool-mcp", error="invalid_token"/);
        expect(refused.headers['mcp-session-id']).toBeUndefined();
      }
      expect(meCalls()).toHaveLength(1);
      const noKey = await mcpPost(server.url, INITIALIZE);
      expect(noKey.status).toBe(401);
      expect(meCalls()).toHaveLength(1);

      await connect(KEY_A);
      await connect(KEY_A);
      expect(meCalls().map((call) => call.env.TENSORPOOL_KEY)).toEqual([BAD_KEY, KEY_A]);
      expect(server.stderr()).not.toContain(BAD_KEY);
    },
  );

  it.each([
    ['an empty Mcp-Session-Id', ''],
    ['a blank one', '  '],
    ['an unknown one', 'no-such-session'],
  ])(
    'an initialize with %s is still checked: a refused key opens nothing, and no tp me is skipped',
    async (_label, sessionId) => {
      const refused = await mcpPost(server.url, INITIALIZE, {
        authorization: `Bearer ${BAD_KEY}`,
        'mcp-session-id': sessionId,
      });
      expect(refused.status).toBeGreaterThanOrEqual(400);
      expect(refused.status).toBeLessThan(500);
      expect(refused.headers['mcp-session-id']).toBeUndefined();
      // a tool call on whatever came back must not run anything with that key
      expect(ws.commandCalls().filter((call) => call.argv.join(' ') !== '--no-input me')).toEqual([]);
    },
  );
});
