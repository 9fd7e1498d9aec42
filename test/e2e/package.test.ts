import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { getMcpConfigForManifest, type McpbManifestAny } from '@anthropic-ai/mcpb';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_TP, FakeTpWorkspace } from '../helpers/fake-tp.js';
import { assertBuilt } from '../helpers/server-process.js';

// The package as users get it: packed from the built dist, installed from the tarball into an empty
// prefix with an empty npm cache and no install scripts, then started the way clients start it.

const ROOT = resolve(import.meta.dirname, '../..');
const NPM_TIMEOUT_MS = 120_000;
let scratch: string;
let tarball: string;
let files: string[];

function npm(args: string[], cwd: string) {
  // npm-cli.js beside this node: the test does not depend on which npm is first on PATH
  const npmCli = join(process.execPath, '../../lib/node_modules/npm/bin/npm-cli.js');
  const command = existsSync(npmCli) ? [process.execPath, npmCli] : ['npm'];
  const result = spawnSync(command[0]!, [...command.slice(1), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: NPM_TIMEOUT_MS,
    env: { ...process.env, npm_config_update_notifier: 'false' },
  });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

beforeAll(() => {
  assertBuilt();
  scratch = mkdtempSync(join(tmpdir(), 'tpmcp-pack-'));
  // --ignore-scripts: pack what is built; prepack would rebuild dist/ under other running tests
  const [info] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], ROOT)) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarball = join(scratch, info!.filename);
  files = info!.files.map((file) => file.path);
}, NPM_TIMEOUT_MS);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the packed tarball', () => {
  it('holds the bin, the bundle and the docs; no tests, fixtures, sources, source maps or build metadata', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'bin/tensorpool-mcp.js',
        'dist/cli.js',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/mcpb-launch.js',
        'package.json',
        'README.md',
        'LICENSE',
      ]),
    );
    expect(
      files.filter((path) => /^(test|src|build|bench|scripts)\/|fixture|fake-tp|\.map$|metafile|\.mcpb$/.test(path)),
    ).toEqual([]);
    // the workflow skill, served as a resource
    expect(files).toContain('skills/tensorpool/SKILL.md');
  });

  it('declares no dependencies and no install-time scripts', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies?: object;
      scripts: Record<string, string>;
    };
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(Object.keys(pkg.scripts).filter((name) => /^(pre|post)?(install|prepare)$/.test(name))).toEqual([]);
  });
});

describe('installed from the tarball into an empty prefix', () => {
  let prefix: string;
  let ws: FakeTpWorkspace;

  beforeAll(() => {
    prefix = join(scratch, 'prefix');
    mkdirSync(prefix);
    npm(
      [
        'install',
        '--prefix',
        prefix,
        '--cache',
        join(scratch, 'empty-cache'),
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        tarball,
      ],
      scratch,
    );
    ws = new FakeTpWorkspace();
  }, NPM_TIMEOUT_MS);
  afterAll(() => ws?.cleanup());

  it('installs one package: nothing else is downloaded', () => {
    expect(readdirSync(join(prefix, 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual([
      'tensorpool-mcp',
    ]);
  });

  it('answers tools/list over stdio', async () => {
    const client = new Client({ name: 'package-test', version: '1' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [join(prefix, 'node_modules/tensorpool-mcp/bin/tensorpool-mcp.js'), '--stdio', '--tp-path', FAKE_TP],
        env: ws.env() as Record<string, string>,
        cwd: ws.dir,
        stderr: 'pipe',
      }),
    );
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(
        expect.arrayContaining(['cluster_create', 'job_push', 'server_status']),
      );
    } finally {
      await client.close();
    }
  });

  it('its doctor runs from the bin link and reports a sound set-up', () => {
    const result = spawnSync(
      join(prefix, 'node_modules/.bin/tensorpool-mcp'),
      ['doctor', '--tp-path', FAKE_TP, '--client', 'claude-code'],
      { cwd: ws.dir, env: ws.env() as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.stdout).toContain('[ ok ] API key');
    expect(result.status).toBe(0);
  });

  it('works as a library: createServer, the one export, imports without side effects and makes a server', () => {
    const script = [
      "const m = await import('tensorpool-mcp');",
      'const { server, close } = m.createServer({ env: {} });',
      "console.log(Object.keys(m).join(','), typeof server.connect);",
      'await close();',
    ].join(' ');
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: prefix,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('createServer function');
  });
});

describe('npm run build:mcpb', () => {
  it(
    'produces a bundle that the host can unpack and start',
    async () => {
      const bundle = join(scratch, 'tensorpool-mcp.mcpb');
      const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build-mcpb.mjs'), bundle], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: NPM_TIMEOUT_MS,
      });
      expect(build.status, build.stderr).toBe(0);
      const unpacked = join(scratch, 'unpacked');
      const unpack = spawnSync(
        process.execPath,
        [join(ROOT, 'node_modules/@anthropic-ai/mcpb/dist/cli/cli.js'), 'unpack', bundle, unpacked],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(unpack.status, unpack.stderr).toBe(0);
      const manifest = JSON.parse(readFileSync(join(unpacked, 'manifest.json'), 'utf8')) as McpbManifestAny;
      const launch = (await getMcpConfigForManifest({
        manifest,
        extensionPath: unpacked,
        systemDirs: {},
        userConfig: { api_key: 'tpk_x_0123456789abcdef', tp_path: FAKE_TP },
        pathSeparator: '/',
      }))!;
      const client = new Client({ name: 'mcpb-test', version: '1' });
      await client.connect(
        new StdioClientTransport({
          command: process.execPath,
          args: launch.args,
          env: { PATH: process.env.PATH ?? '', ...launch.env },
          cwd: '/',
          stderr: 'pipe',
        }),
      );
      try {
        expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(
          expect.arrayContaining(['cluster_create', 'job_listen', 'toolset_enable']),
        );
      } finally {
        await client.close();
      }
    },
    NPM_TIMEOUT_MS,
  );
});
