import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { selectTools } from '../../src/registry/selection.js';
import type { ToolDefinition } from '../../src/registry/tool.js';
import { createServer } from '../../src/server/create-server.js';
import { serveToolsListOnce } from '../../src/server/tools-list-cache.js';
import { TpRunner } from '../../src/tp/runner.js';
import { allTools } from '../../src/tools/index.js';
import { FAKE_TP, FAKE_TP_PASS_ENV } from '../helpers/fake-tp.js';
import { listOnce, rawSession, uncachedServer } from '../helpers/raw-tools-list.js';

type ServerFactory = typeof createServer;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.allSettled(cleanups.splice(0).map((cleanup) => cleanup()));
});

function build(factory: ServerFactory, tools?: readonly ToolDefinition[]): McpServer {
  const runner = new TpRunner({ tpPath: FAKE_TP, passEnv: FAKE_TP_PASS_ENV, env: {}, timeoutMs: 5_000 });
  const server = factory({ runner, config: { allowedDirs: [], allowedDirsProblem: 'none (test)' }, tools });
  cleanups.push(() => server.close(), () => runner.shutdown());
  return server;
}

/** Byte equality, reported as the first difference rather than two 60 kB strings. */
function expectSameBytes(actual: string, expected: string): void {
  let at = 0;
  while (at < Math.min(actual.length, expected.length) && actual[at] === expected[at]) at++;
  const around = (text: string) => text.slice(Math.max(0, at - 80), at + 80);
  expect({ length: actual.length, firstDifference: actual === expected ? null : around(actual) }).toEqual({
    length: expected.length,
    firstDifference: actual === expected ? null : around(expected),
  });
}


describe('tools/list computed once per selection', () => {
  it('answers byte for byte what the SDK computes, on the first and every later request and session', async () => {
    const uncached = (await uncachedServer()).createServer;
    const expected = await listOnce(build(uncached));
    expect(JSON.parse(expected).tools.length).toBe(allTools.length);

    const first = await rawSession(build(createServer));
    expectSameBytes(await first.toolsList(), expected);
    expectSameBytes(await first.toolsList(), expected);
    // a new HTTP session builds a new server for the same selection
    expectSameBytes(await listOnce(build(createServer)), expected);
  });

  it('keeps one list per selection, so a narrower selection never sees the wider list', async () => {
    const fresh = await uncachedServer();
    const readOnly = selectTools(allTools, { readOnly: true }).tools;
    const clusters = selectTools(allTools, { toolsets: ['clusters'] }).tools;
    const expectedReadOnly = await listOnce(build(fresh.createServer, fresh.selectTools(fresh.allTools, { readOnly: true }).tools));
    const expectedClusters = await listOnce(build(fresh.createServer, fresh.selectTools(fresh.allTools, { toolsets: ['clusters'] }).tools));
    expect(expectedReadOnly).not.toBe(expectedClusters);

    expectSameBytes(await listOnce(build(createServer, readOnly)), expectedReadOnly);
    expectSameBytes(await listOnce(build(createServer, clusters)), expectedClusters);
    expectSameBytes(await listOnce(build(createServer, readOnly)), expectedReadOnly);
  });

  it('shares the first computed list with every server of the same selection', async () => {
    const selection = {};
    const serverWith = (description: string) => {
      const server = new McpServer({ name: 'test', version: '1' });
      server.registerTool('echo', { description, inputSchema: { text: z.string() } }, ({ text }) => ({ content: [{ type: 'text', text }] }));
      serveToolsListOnce(server, selection);
      cleanups.push(() => server.close());
      return server;
    };
    expect(JSON.parse(await listOnce(serverWith('first'))).tools[0].description).toBe('first');
    // the same selection object promises the same tools: the list is not computed again
    expect(JSON.parse(await listOnce(serverWith('second'))).tools[0].description).toBe('first');
  });

  it('still announces and shows a change to one server’s tools, without touching the shared list', async () => {
    const selection = {};
    const serverWithTools = () => {
      const server = new McpServer({ name: 'test', version: '1' });
      const tools = ['alpha', 'beta'].map((name) =>
        server.registerTool(name, { description: name, inputSchema: { text: z.string() } }, ({ text }) => ({ content: [{ type: 'text', text }] })),
      );
      serveToolsListOnce(server, selection);
      cleanups.push(() => server.close());
      return { server, tools };
    };
    const changing = serverWithTools();
    const client = new Client({ name: 'test', version: '1' });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await Promise.all([changing.server.connect(serverSide), client.connect(clientSide)]);
    cleanups.push(() => client.close());
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['alpha', 'beta']);

    const announced = new Promise<void>((resolve) => (client.fallbackNotificationHandler = async (n) => void (n.method === 'notifications/tools/list_changed' && resolve())));
    changing.tools[1]!.disable();
    await announced;
    expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['alpha']);

    const other = serverWithTools();
    expect(JSON.parse(await listOnce(other.server)).tools.map((tool: { name: string }) => tool.name)).toEqual(['alpha', 'beta']);
  });
});
