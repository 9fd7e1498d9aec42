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
main(process.argv).then(
  // a command that ended (usage error, --help, a port in use) exits with its code; a server runs on
  ({ exitCode }) => exitCode !== undefined && process.exit(exitCode),
  (error) => {
    process.stderr.write(`tensorpool-mcp: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
