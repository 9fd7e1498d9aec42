// Where everything the benchmarks run lives.
import { fileURLToPath } from 'node:url';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

export const paths = {
  root: here('..'),
  bin: here('../bin/tensorpool-mcp.js'),
  dist: here('../dist/'),
  bareServer: here('./bare-server.mjs'),
  bareSpawningServer: here('./bare-spawning-server.mjs'),
  nodeFloor: here('./node-floor.mjs'),
  standIn: here('./stand-in-tp.sh'),
  profileChild: here('./profile-child.mjs'),
  performanceDoc: here('../docs/performance.md'),
  fakeTp: here('../test/fake-tp/main.mjs'),
};
