// Runs after every build (tsup.config.ts onSuccess): asks the built server for its tools/list with the
// default tool selection and writes it beside the bundle, so that a cold start serves it without
// converting a single schema (src/server/tools-list.ts). The server computes it and the message is
// taken raw off the transport, so the bytes are what a client gets; a test compares them with a live computation.
import { writeFileSync } from 'node:fs';
import { rawSession } from './lib/raw-session.mjs';

const dist = new URL('../dist/', import.meta.url);
const { createServer } = await import(new URL('index.js', dist).href);

// the library's server with no options: the default selection, as `tensorpool-mcp --stdio` offers it
const { server, close } = createServer({ env: {} });
const { request } = await rawSession(server, 'build');
const { result } = await request('tools/list');
await close();
writeFileSync(
  new URL('tools-list.json', dist),
  JSON.stringify({ tools: result.tools.map((tool) => tool.name), result }),
);
