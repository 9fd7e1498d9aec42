#!/usr/bin/env node
import module from 'node:module';

// Node >= 22.1 can keep the compiled bundle on disk: later starts skip most parsing. Node writes the
// cache only at a clean exit, and MCP clients usually kill their server, so it is flushed shortly after start.
if (typeof module.enableCompileCache === 'function') {
  module.enableCompileCache();
  if (typeof module.flushCompileCache === 'function') setTimeout(() => module.flushCompileCache(), 3000).unref();
}

// imported after the cache is on, so that the bundle itself is what gets cached
const { main } = await import('../dist/cli.js');
// V8 grows its young generation (up to 2 × 16 MB) while tp prints hundreds of MB through it, and the
// pages it touched stay in RSS. From here on it keeps the size loading the bundle gave it (4 MB a half),
// as --max-semi-space-size would on node's command line, which a user of npx does not control; V8 reads
// this flag each time it would grow the space. Not earlier: start-up would take 10% more CPU. Not when
// node was told the young generation's size (the MCP bundle, the Render blueprint): that choice stands.
const nodeFlags = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
if (!/--(max|min)[-_]semi[-_]space/.test(nodeFlags)) {
  const v8 = module.createRequire(import.meta.url)('node:v8');
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}
main(process.argv).then(
  // a command that ended (usage error, --help, a port in use) exits with its code; a server runs on
  ({ exitCode }) => exitCode !== undefined && process.exit(exitCode),
  (error) => {
    process.stderr.write(`tensorpool-mcp: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
