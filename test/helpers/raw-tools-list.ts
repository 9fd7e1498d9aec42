import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { vi } from 'vitest';
import type { selectTools } from '../../src/registry/selection.js';
import type { createServer } from '../../src/server/create-server.js';
import type { allTools } from '../../src/tools/index.js';

/** createServer as it was before our tools/list cache, with the tools of its own module graph. */
export interface UncachedServer {
  createServer: typeof createServer;
  /** The uncached server's module graph has tool objects of its own: select its tools from these. */
  allTools: typeof allTools;
  selectTools: typeof selectTools;
}

/** The SDK's own tools/list on every request: our cache mocked out, in a fresh module graph. */
export async function uncachedServer(): Promise<UncachedServer> {
  vi.resetModules();
  vi.doMock('../../src/server/tools-list-cache.js', () => ({ serveToolsListOnce: () => {} }));
  try {
    const { createServer } = await import('../../src/server/create-server.js');
    const { allTools } = await import('../../src/tools/index.js');
    const { selectTools } = await import('../../src/registry/selection.js');
    return { createServer, allTools, selectTools };
  } finally {
    vi.doUnmock('../../src/server/tools-list-cache.js');
  }
}

/** A session on `server` that returns each tools/list result exactly as a transport would serialize it. */
export async function rawSession(server: McpServer): Promise<{ toolsList: () => Promise<string> }> {
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

/** One session's tools/list, raw. */
export async function listOnce(server: McpServer): Promise<string> {
  return (await rawSession(server)).toolsList();
}
