// Runs after every build (tsup.config.ts onSuccess): asks the built server for its tools/list with the
// default tool selection and writes it beside the bundle, so that a cold start serves it without
// converting a single schema (src/server/tools-list-cache.ts). The SDK computes it and the message is
// taken raw off the transport, so the bytes are the SDK's; a test compares them with a live computation.
import { writeFileSync } from 'node:fs';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';

const dist = new URL('../dist/', import.meta.url);
const { allTools, createServer, selectTools, TpRunner } = await import(new URL('index.js', dist).href);

const { tools } = selectTools(allTools, {});
const runner = new TpRunner({ tpPath: 'tp', env: {}, timeoutMs: 1_000 });
const server = createServer({ runner, tools });
const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
const answers = new Map();
clientSide.onmessage = (message) => answers.get(message.id)?.(message);
await server.connect(serverSide);
await clientSide.start();
const request = (id, method, params = {}) =>
  new Promise((resolve) => {
    answers.set(id, resolve);
    void clientSide.send({ jsonrpc: '2.0', id, method, params });
  });
await request(1, 'initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'build', version: '1' } });
const { result } = await request(2, 'tools/list');
await server.close();
await runner.shutdown();
writeFileSync(new URL('tools-list.json', dist), JSON.stringify({ tools: tools.map((tool) => tool.name), result }));
