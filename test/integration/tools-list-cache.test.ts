import { afterEach, describe, expect, it, vi } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { selectTools } from '../../src/registry/selection.js';
import type { ToolDefinition } from '../../src/registry/tool.js';
import { createServer } from '../../src/server/create-server.js';
import { serveToolsListOnce } from '../../src/server/tools-list-cache.js';
import { TpRunner } from '../../src/tp/runner.js';
import { allTools } from '../../src/tools/index.js';
import { FAKE_TP } from '../helpers/fake-tp.js';

type ServerFactory = typeof createServer;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.allSettled(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** createServer as it was before the cache: the SDK's own tools/list on every request. */
async function uncachedFactory(): Promise<ServerFactory> {
  vi.resetModules();
  vi.doMock('../../src/server/tools-list-cache.js', () => ({ serveToolsListOnce: () => {} }));
  try {
    return (await import('../../src/server/create-server.js')).createServer;
  } finally {
    vi.doUnmock('../../src/server/tools-list-cache.js');
  }
}

function build(factory: ServerFactory, tools?: readonly ToolDefinition[]): McpServer {
  const runner = new TpRunner({ tpPath: FAKE_TP, env: {}, timeoutMs: 5_000 });
  const server = factory({ runner, config: { allowedDirs: [], allowedDirsProblem: 'none (test)' }, tools });
  cleanups.push(() => server.close(), () => runner.shutdown());
  return server;
}

/** A session on `server` that returns each tools/list result exactly as a transport would serialize it. */
async function rawSession(server: McpServer) {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const waiting = new Map<number, (text: string) => void>();
  clientSide.onmessage = (message: JSONRPCMessage) => {
    if ('id' in message && typeof message.id === 'number') waiting.get(message.id)?.(JSON.stringify('result' in message ? message.result : message));
  };
  await server.connect(serverSide);
  await clientSide.start();
  let nextId = 1;
  const request = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<string>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      void clientSide.send({ jsonrpc: '2.0', id, method, params });
    });
  await request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1' } });
  await clientSide.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return { toolsList: () => request('tools/list') };
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

async function listOnce(server: McpServer): Promise<string> {
  return (await rawSession(server)).toolsList();
}

describe('tools/list computed once per selection', () => {
  it('answers byte for byte what the SDK computes, on the first and every later request and session', async () => {
    const uncached = await uncachedFactory();
    const expected = await listOnce(build(uncached));
    expect(JSON.parse(expected).tools.length).toBe(allTools.length);

    const first = await rawSession(build(createServer));
    expectSameBytes(await first.toolsList(), expected);
    expectSameBytes(await first.toolsList(), expected);
    // a new HTTP session builds a new server for the same selection
    expectSameBytes(await listOnce(build(createServer)), expected);
  });

  it('keeps one list per selection, so a narrower selection never sees the wider list', async () => {
    const uncached = await uncachedFactory();
    // the uncached server lives in a module graph of its own: its tools must come from there too
    const fresh = await import('../../src/tools/index.js');
    const freshSelect = (await import('../../src/registry/selection.js')).selectTools;
    const readOnly = selectTools(allTools, { readOnly: true }).tools;
    const clusters = selectTools(allTools, { toolsets: ['clusters'] }).tools;
    const expectedReadOnly = await listOnce(build(uncached, freshSelect(fresh.allTools, { readOnly: true }).tools));
    const expectedClusters = await listOnce(build(uncached, freshSelect(fresh.allTools, { toolsets: ['clusters'] }).tools));
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
