// Runs after every build (tsup.config.ts onSuccess): bundles the TensorPool view (src/app/view/) with
// ext-apps' App into one self-contained HTML file, dist/console.html, which the server serves as
// ui://tensorpool/console to hosts that render MCP Apps. Script and styles are inline: the view loads
// nothing from the network, and its declared CSP allows nothing.
import { readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const MAX_BYTES = 400 * 1024;
const source = new URL('../src/app/view/', import.meta.url);

/**
 * zod's table of 40-odd locales, which the view never uses: the same stand-in as the server's (build/slim-bundle.ts).
 */
const englishOnly = {
  name: 'zod-english-only',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]/.test(args.importer)
        ? { path: new URL('../build/stubs/zod-locales.ts', import.meta.url).pathname }
        : undefined,
    );
  },
};
const out = await build({
  entryPoints: [new URL('console.ts', source).pathname],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  write: false,
  legalComments: 'none',
  plugins: [englishOnly],
});
// "</script" inside the bundle would end the element early; the escape reads the same to JavaScript
const script = out.outputFiles[0].text.replaceAll('</script', '<\\/script');
const style = readFileSync(new URL('console.css', source), 'utf8').replace(/\s*\n\s*/g, '');
const html = readFileSync(new URL('console.html', source), 'utf8')
  .replace('/*STYLE*/', () => style)
  .replace('/*SCRIPT*/', () => script);
const bytes = Buffer.byteLength(html);
if (bytes > MAX_BYTES) throw new Error(`dist/console.html is ${bytes} bytes, more than the ${MAX_BYTES} allowed`);
writeFileSync(new URL('../dist/console.html', import.meta.url), html);
console.log(`view: dist/console.html, ${(bytes / 1024).toFixed(1)} KB`);
