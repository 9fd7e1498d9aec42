import { defineConfig } from 'tsup';
import { slimBundle } from './build/slim-bundle.js';

export default defineConfig({
  // mcpb-launch: the MCP bundle's entry point (manifest.json)
  entry: { index: 'src/index.ts', cli: 'src/cli.ts', 'mcpb-launch': 'src/mcpb/launch.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  // shared code in chunks; transports/http.ts (express, hono and friends) is imported lazily and stays its own chunk
  splitting: true,
  // everything is bundled: `npx -y tensorpool-mcp` installs one package, not a tree of 100
  noExternal: [/.*/],
  esbuildPlugins: [slimBundle()],
  // tools/list of the default selection, computed once here instead of on every cold start; and the view (src/app/view/)
  onSuccess: 'node scripts/build-tools-list.mjs && node scripts/build-view.mjs',
  // build/slim-bundle.ts's test reads which modules went into which file
  metafile: true,
  // smaller files parse faster; identifiers keep their names so that a logged stack still reads
  esbuildOptions(options) {
    options.minifyWhitespace = true;
    options.minifySyntax = true;
  },
  // bundled CommonJS (cross-spawn, express) calls require() for Node's own modules, which ESM lacks
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});
