import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKED_SDK_MINOR, LEFT_OUT, SUBSTITUTES } from '../../../build/slim-bundle.js';
import { allTools } from '../../../src/tools/index.js';
import { FAKE_TP, FakeTpWorkspace } from '../../helpers/fake-tp.js';
import { textOf } from '../../helpers/in-memory.js';
import { BIN, assertBuilt } from '../../helpers/server-process.js';

// What build/slim-bundle.ts leaves out of the bundle must stay unreachable: checked here against the
// installed SDK and zod (statically), and by running the built server through every path that comes
// near the left-out code (dynamically). The stand-ins throw, so reaching one fails loudly.

const ROOT = resolve(import.meta.dirname, '../../..');
// the modules the bundler reads: this checkout's node_modules, the SDK's ESM build
const NODE_MODULES = join(ROOT, 'node_modules');
const SDK_ESM = join(NODE_MODULES, '@modelcontextprotocol/sdk/dist/esm');
const read = (path: string) => readFileSync(path, 'utf8');
const sdkFile = (path: string) => read(join(SDK_ESM, path));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}
const OUR_SOURCES = sourceFiles(join(ROOT, 'src')).map((path) => ({ path, text: read(path) }));

/** The text of a method of a compiled class, from its name to the next method at the same indentation. */
function methodBody(source: string, name: string): string {
  const start = source.indexOf(`    async ${name}(`);
  expect(start, `${name} not found`).toBeGreaterThan(-1);
  const next = source.slice(start + 1).search(/\n {4}(async )?\w+\(/);
  return source.slice(start, next === -1 ? undefined : start + 1 + next);
}

describe('slim bundle: the left-out code is never reached (static checks against the installed SDK)', () => {
  it(`the SDK is pinned to the minor version the checks were made on (${CHECKED_SDK_MINOR})`, () => {
    const pkg = JSON.parse(read(join(ROOT, 'package.json'))) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies['@modelcontextprotocol/sdk']).toMatch(
      new RegExp(`^~${CHECKED_SDK_MINOR.replace('.', '\\.')}\\.\\d+$`),
    );
    const installed = JSON.parse(read(join(SDK_ESM, '../../package.json'))) as { version: string };
    expect(installed.version.startsWith(`${CHECKED_SDK_MINOR}.`)).toBe(true);
  });

  it('every substituted import is still written the way the build replaces it', () => {
    const importersOf = (substitute: (typeof SUBSTITUTES)[number]) =>
      substitute.specifier === '../locales/index.js'
        ? ['zod/v4/core/index.js', 'zod/v4/classic/external.js', 'zod/v4/mini/external.js']
        : [substitute.importer.source.replace(/^\^|\$$/g, '').replaceAll('\\', '')];
    for (const substitute of SUBSTITUTES) {
      const quoted = substitute.specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      for (const importer of importersOf(substitute)) {
        expect(substitute.importer.test(importer), importer).toBe(true);
        expect(read(join(NODE_MODULES, importer)), `${importer} imports ${substitute.specifier}`).toMatch(
          new RegExp(`from ['"]${quoted}['"]`),
        );
      }
    }
  });

  it('ajv: the SDK server uses its validator only in elicitInput(), which no source of ours calls', () => {
    const server = sdkFile('server/index.js');
    const uses = [...server.matchAll(/_jsonSchemaValidator\.\w+/g)].map((match) => match.index);
    expect(uses.length).toBe(1);
    const body = methodBody(server, 'elicitInput');
    expect(body).toContain('this._jsonSchemaValidator.getValidator');
    for (const { path, text } of OUR_SOURCES) expect(text, path).not.toMatch(/\belicitInput\b|jsonSchemaValidator/);
  });

  it(
    'zod-to-json-schema and zod/v3: the SDK calls them only for zod 3 schemas, and every schema of ours is ' + 'zod 4',
    () => {
      const compat = sdkFile('server/zod-json-schema-compat.js');
      // the v4 branch returns before the only call of the zod 3 converter
      expect(compat.match(/zodToJsonSchema\(/g)).toHaveLength(1);
      expect(compat.indexOf('if (isZ4Schema(schema))')).toBeLessThan(compat.indexOf('zodToJsonSchema(schema'));
      const zodCompat = sdkFile('server/zod-compat.js');
      expect(zodCompat.match(/z3rt\.\w+/g)).toEqual(['z3rt.object']);
      expect(zodCompat).toMatch(/if \(allV3\)\s+return z3rt\.object\(shape\);/);
      for (const tool of allTools) {
        for (const [field, schema] of Object.entries(tool.inputSchema)) {
          expect('_zod' in (schema as object), `${tool.name}.${field} is a zod 4 schema`).toBe(true);
        }
      }
      for (const { path, text } of OUR_SOURCES) expect(text, path).not.toMatch(/from 'zod\/v3'|zod-to-json-schema/);
    },
  );

  it("zod's locales: neither we nor the SDK switch zod to another language", () => {
    for (const { path, text } of OUR_SOURCES) expect(text, path).not.toMatch(/\blocales\b|\.config\(/);
    const sdkSources = readdirSync(SDK_ESM, { recursive: true, encoding: 'utf8' }).filter(
      (name) => name.endsWith('.js') && !name.startsWith('examples'),
    );
    for (const name of sdkSources) expect(read(join(SDK_ESM, name)), name).not.toMatch(/\blocales\.|z\.config\(/);
  });
});

describe('slim bundle: the built files', () => {
  beforeAll(() => assertBuilt());

  it('hold none of the left-out packages, only English of the locales, and the stand-ins', () => {
    const metafile = join(ROOT, 'dist/metafile-esm.json');
    expect(existsSync(metafile), 'dist/metafile-esm.json: build with `npx tsup`').toBe(true);
    const { inputs } = JSON.parse(read(metafile)) as { inputs: Record<string, unknown> };
    const names = Object.keys(inputs).map((name) => name.replaceAll('\\', '/'));
    for (const name of LEFT_OUT.filter((name) => !name.includes('locales'))) {
      expect(names.filter((input) => input.includes(`node_modules/${name}/`))).toEqual([]);
    }
    expect(names.filter((input) => /node_modules\/zod\/v4\/locales\//.test(input))).toEqual([
      'node_modules/zod/v4/locales/en.js',
    ]);
    expect(names.filter((input) => input.startsWith('build/stubs/')).sort()).toEqual([
      'build/stubs/ajv-provider.ts',
      'build/stubs/left-out.ts',
      'build/stubs/zod-locales.ts',
      'build/stubs/zod-to-json-schema.ts',
      'build/stubs/zod-v3.ts',
    ]);
  });
});

describe('bundle chunks: what a stdio start loads', () => {
  beforeAll(() => assertBuilt());

  it('the HTTP stack (express, hono) and the doctor are only behind dynamic imports of dist/cli.js', () => {
    type Output = { imports: { path: string; kind: string }[]; inputs: Record<string, unknown> };
    const { outputs } = JSON.parse(read(join(ROOT, 'dist/metafile-esm.json'))) as { outputs: Record<string, Output> };
    const loaded = new Set<string>();
    const visit = (file: string) => {
      if (loaded.has(file) || !outputs[file]) return;
      loaded.add(file);
      for (const imported of outputs[file]!.imports) if (imported.kind === 'import-statement') visit(imported.path);
    };
    visit('dist/cli.js');
    const inputs = [...loaded]
      .flatMap((file) => Object.keys(outputs[file]!.inputs))
      .map((input) => input.replaceAll('\\', '/'));
    expect(inputs.filter((input) => /node_modules\/(express|@hono|body-parser|router)\//.test(input))).toEqual([]);
    expect(
      inputs.filter((input) =>
        /src\/(transports\/http|doctor\/|clients\/|subcommands\/(index|doctor|config))/.test(input),
      ),
    ).toEqual([]);
    expect(
      inputs.some((input) => input.includes('node_modules/@modelcontextprotocol/sdk/dist/esm/server/mcp.js')),
    ).toBe(true);
  });
});

describe('slim bundle: the built server runs every path near the left-out code', () => {
  let ws: FakeTpWorkspace;
  let client: Client;
  let stderr = '';

  beforeAll(async () => {
    assertBuilt();
    ws = new FakeTpWorkspace();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, '--stdio', '--tp-path', FAKE_TP, '--confirm', 'elicit', '--toolsets', 'all', '--allow-secrets'],
      env: ws.env() as Record<string, string>,
      cwd: ws.dir,
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk));
    client = new Client({ name: 'slim-bundle', version: '1.0.0' }, { capabilities: { elicitation: {} } });
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { confirm: true } }));
    await client.connect(transport);
  });
  afterAll(async () => {
    await client?.close();
    ws?.cleanup();
  });

  it('lists every tool with JSON Schemas (zod 4 conversion), twice', async () => {
    const first = await client.listTools();
    expect(first.tools.length).toBe(allTools.length);
    expect(first.tools.find((tool) => tool.name === 'cluster_create')?.inputSchema.properties).toHaveProperty(
      'instance_type',
    );
    expect((await client.listTools()).tools).toEqual(first.tools);
  });

  it('rejects bad arguments with an English message naming the field', async () => {
    const result = (await client.callTool({ name: 'cluster_info', arguments: { cluster_id: 42 } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/cluster_id/);
    expect(textOf(result)).toMatch(/expected string/i);
  });

  it('asks the person through elicitation and acts on the answer; checks structured output', async () => {
    const result = (await client.callTool({
      name: 'cluster_destroy',
      arguments: { cluster_id: 'c-1' },
    })) as CallToolResult;
    expect(result.isError ?? false).toBe(false);
    expect(ws.lastCall().argv).toContain('destroy');
    expect(result.structuredContent).toMatchObject({ ok: true });
  });

  it('never reached a stand-in', () => {
    expect(stderr).not.toContain('left out of this bundle');
  });
});
