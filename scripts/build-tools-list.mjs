// Runs after every build (tsup.config.ts onSuccess): asks the built server for its tools/list with the
// default tool selection and writes it beside the bundle, so that a cold start serves it without
// converting a single schema (src/server/tools-list-cache.ts). The SDK computes it and the message is
// taken raw off the transport, so the bytes are the SDK's; a test compares them with a live computation.
import { writeFileSync } from 'node:fs';
import { rawSession } from './lib/raw-session.mjs';

const dist = new URL('../dist/', import.meta.url);
const { allTools, createServer, DEFAULT_CONFIG, runnerLimits, selectTools, TpRunner } = await import(
  new URL('index.js', dist).href
);

const runner = new TpRunner({ tpPath: 'tp', env: {}, timeoutMs: 1_000, ...runnerLimits(DEFAULT_CONFIG) });
const { tools, deferred } = selectTools(allTools, {});
const server = createServer({ runner, tools, deferred });
const { request } = await rawSession(server, 'build');
const { result } = await request('tools/list');
await server.close();
await runner.shutdown();
writeFileSync(
  new URL('tools-list.json', dist),
  JSON.stringify({ tools: result.tools.map((tool) => tool.name), result }),
);
