import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';

/**
 * An initialized session with `server` over an in-memory pair, whose `request` resolves with the raw
 * JSON-RPC answer: nothing on the client side parses it, so what comes back is what the server sent.
 */
export async function rawSession(server, clientName) {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const answers = new Map();
  clientSide.onmessage = (message) => answers.get(message.id)?.(message);
  await server.connect(serverSide);
  await clientSide.start();
  let nextId = 1;
  const request = (method, params = {}) =>
    new Promise((resolve) => {
      const id = nextId++;
      answers.set(id, resolve);
      void clientSide.send({ jsonrpc: '2.0', id, method, params });
    });
  await request('initialize', {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: clientName, version: '1' },
  });
  return { request };
}
