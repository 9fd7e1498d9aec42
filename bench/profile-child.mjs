// One cold start taken apart: each layer imported in the order the server needs it, each timed on
// its own, so every import pays only for what the layers before it did not load. Prints one JSON line.
// No static imports: the first thing measured is how long Node took to reach this line.
const boot = performance.now();
const cpu = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
// CPU time counts every thread (V8 compiles and collects on helpers) and hardly moves with the load
// of the machine, where wall time does
const steps = [{ name: 'Node boot (process start to first line of user code)', ms: boot, cpu: cpu() }];
const step = async (name, work) => {
  const started = performance.now();
  const cpuStarted = cpu();
  const value = await work();
  steps.push({ name, ms: performance.now() - started, cpu: cpu() - cpuStarted });
  return value;
};
const dist = process.argv[2];
const bundled = process.argv[3] === 'bundled';

if (!bundled) {
  await step('zod (classic build, every locale)', () => import('zod'));
  await step("zod/v3 and zod/v4-mini (the SDK's compatibility layer)", () =>
    Promise.all([import('zod/v3'), import('zod/v4-mini')]),
  );
  await step('ajv + ajv-formats (the SDK validator this server never uses)', () =>
    Promise.all([import('ajv'), import('ajv-formats')]),
  );
  await step('zod-to-json-schema (only for zod 3 schemas)', () => import('zod-to-json-schema'));
  await step('MCP SDK (types, McpServer, stdio transport)', () =>
    Promise.all([
      import('@modelcontextprotocol/sdk/types.js'),
      import('@modelcontextprotocol/sdk/server/mcp.js'),
      import('@modelcontextprotocol/sdk/server/stdio.js'),
    ]),
  );
  await step('commander, dotenv, cross-spawn, smol-toml', () =>
    Promise.all([import('commander'), import('dotenv'), import('cross-spawn'), import('smol-toml')]),
  );
}
const { rawSession } = await import('../scripts/lib/raw-session.mjs');
const library = await step(
  bundled
    ? 'tensorpool-mcp modules, dependencies bundled in'
    : 'tensorpool-mcp modules (tools and their schemas built)',
  async () => {
    const [index] = await Promise.all([import(`${dist}index.js`), import(`${dist}cli.js`)]);
    return index;
  },
);
// the tools a plain `tensorpool-mcp --stdio` offers: the default selection
const server = await step(
  'createServer(): the default selection, its handlers',
  () => library.createServer({ env: {} }).server,
);

const { request } = await rawSession(server, 'profile');
const first = await step(
  'first tools/list (read from dist/tools-list.json when the build wrote it, else every schema converted)',
  () => request('tools/list'),
);
await step('second tools/list (computed once: served from memory)', () => request('tools/list'));
process.stdout.write(`${JSON.stringify({ steps, tools: first.result.tools.length })}\n`);
process.exit(0);
