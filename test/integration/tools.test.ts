import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeTpWorkspace, TEST_KEY } from '../helpers/fake-tp.js';
import { connectInMemory, textOf, type Connected } from '../helpers/in-memory.js';
import { pemPrivateKey, publicKeyLine } from '../helpers/ssh-keys.js';
import { allTools } from '../../src/tools/index.js';

const FOUNDATION = [
  'cluster_create',
  'cluster_list',
  'cluster_info',
  'cluster_destroy',
  'job_write_config',
  'job_push',
  'job_list',
  'job_info',
  'job_pull',
  'job_cancel',
  'account_me',
];

let ws: FakeTpWorkspace;
let project: string;
let mcp: Connected;

async function connect(env: Record<string, string | undefined> = {}) {
  mcp = await connectInMemory({ env: ws.env(env), allowedDirs: [project] });
  return mcp;
}

beforeEach(() => {
  ws = new FakeTpWorkspace();
  project = realpathSync(ws.dir);
  mkdirSync(join(project, 'proj'));
});
afterEach(async () => {
  await mcp?.close();
  ws.cleanup();
});

describe('tools/list', () => {
  it('lists every tool with titles, descriptions, schemas and all four hints', async () => {
    const { client } = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(FOUNDATION));
    // every tool of the registry (each one's schema is pinned in test/__toolsnaps__, see toolsnaps.test.ts)
    expect(tools).toHaveLength(allTools.length);
    for (const tool of tools) {
      expect(tool.title, tool.name).toBeTruthy();
      expect(tool.description!.length, tool.name).toBeGreaterThan(30);
      expect(tool.inputSchema.type).toBe('object');
      // structuredContent carries fields the instructions name; an output schema would only cost bytes and validation
      expect(tool.outputSchema, tool.name).toBeUndefined();
      for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) {
        expect(typeof tool.annotations?.[hint], `${tool.name}.${hint}`).toBe('boolean');
      }
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        expect((schema as { description?: string }).description, `${tool.name}.${field}`).toBeTruthy();
      }
    }
    const readOnly = tools.filter((tool) => tool.annotations?.readOnlyHint).map((tool) => tool.name);
    expect(readOnly).toEqual([
      'cluster_list',
      'cluster_info',
      'storage_list',
      'storage_info',
      'job_list',
      'job_info',
      'job_listen',
      'account_me',
      'ssh_key_list',
      'object_storage_credentials',
      'object_storage_bucket_list',
      'tp_help',
      'server_status',
      'operation_status',
      'operation_list',
    ]);
    // every tool whose name says it destroys, deletes, cancels, detaches, removes or disables, plus the edits that can lower protection
    const destructive = tools.filter((tool) => tool.annotations?.destructiveHint).map((tool) => tool.name);
    for (const tool of tools) {
      // operation_cancel only stops a local process: what tp already asked TensorPool to do stands
      if (/destroy|delete|cancel|detach|remove|disable/.test(tool.name) && tool.name !== 'operation_cancel') {
        expect(destructive, tool.name).toContain(tool.name);
      }
    }
    expect(destructive).toEqual(
      expect.arrayContaining(['cluster_edit', 'storage_edit', 'object_storage_configure_rclone']),
    );
    // only tools that touch local files or run nothing are closed-world
    expect(tools.filter((tool) => !tool.annotations?.openWorldHint).map((tool) => tool.name)).toEqual([
      'job_write_config',
      'tp_help',
      'operation_status',
      'operation_cancel',
      'operation_list',
    ]);
  });
});

describe('tools/list in each selection mode', () => {
  it('matches the committed snapshot of names and hints per mode', async () => {
    const { selectTools } = await import('../../src/registry/selection.js');
    const modes = {
      default: {},
      all: { toolsets: ['all'] },
      'all+secrets': { toolsets: ['all'], allowSecrets: true },
      'read-only': { readOnly: true },
      'read-only all+secrets': { toolsets: ['all'], readOnly: true, allowSecrets: true },
      clusters: { toolsets: ['clusters'] },
      'tools only': { tools: ['cluster_list', 'server_status'] },
      'jobs minus deletes': { toolsets: ['jobs'], excludeTools: ['job_delete', 'job_cancel'] },
    };
    const listed: Record<string, string[]> = {};
    for (const [mode, options] of Object.entries(modes)) {
      const { tools } = selectTools(allTools, options);
      mcp = await connectInMemory({ env: ws.env(), allowedDirs: [project], tools });
      const result = await mcp.client.listTools();
      listed[mode] = result.tools.map((tool) => {
        const hints = tool.annotations!;
        const flags = [
          hints.readOnlyHint && 'ro',
          hints.destructiveHint && 'destructive',
          hints.idempotentHint && 'idempotent',
          hints.openWorldHint && 'open',
        ];
        return `${tool.name} [${flags.filter(Boolean).join(' ')}]`;
      });
      await mcp.close();
    }
    await expect(`${JSON.stringify(listed, null, 2)}\n`).toMatchFileSnapshot('../__snapshots__/tools-list.modes.json');
  });
});

describe('each tool against the fake tp', () => {
  it.each([
    ['cluster_list', { org: true }, ['--no-input', 'cluster', 'list', '--org']],
    ['cluster_info', { cluster_id: 'c-42' }, ['--no-input', 'cluster', 'info', 'c-42']],
    ['cluster_destroy', { cluster_id: 'c-42', confirm: true }, ['cluster', 'destroy', '--no-input', 'c-42']],
    [
      'cluster_destroy',
      { cluster_id: 'c-42', confirm: true, wait: true },
      ['cluster', 'destroy', '--no-input', '--wait', 'c-42'],
    ],
    ['cluster_create', { instance_type: '1xH100' }, ['--no-input', 'cluster', 'create', '1xH100']],
    [
      'cluster_create',
      { instance_type: '8xH100', num_nodes: 2, name: 'big' },
      ['--no-input', 'cluster', 'create', '--name=big', '--num-nodes=2', '8xH100'],
    ],
    ['job_list', {}, ['--no-input', 'job', 'list']],
    ['job_info', { job_id: 'job-7' }, ['--no-input', 'job', 'info', 'job-7']],
    ['job_cancel', { job_id: 'job-7', confirm: true }, ['job', 'cancel', '--no-input', 'job-7']],
    ['account_me', {}, ['--no-input', 'me']],
  ])('%s %j runs tp with the exact argv and returns its output', async (name, args, argv) => {
    await connect();
    const result = await mcp.call(name, args);
    expect(result.isError ?? false, textOf(result)).toBe(false);
    expect(ws.lastCall().argv).toEqual(argv);
    expect(ws.lastCall().stdin).toBe('devnull');
    expect(result.structuredContent).toMatchObject({ ok: true });
    // tp's spinner lines say nothing a model needs, and structuredContent carries fields, not tp's text
    expect(textOf(result)).not.toContain('* Authenticating...');
    expect(JSON.stringify(result.structuredContent)).not.toMatch(/stdout|stderr|Authenticating/);
  });

  it('cluster_destroy and job_cancel without confirm refuse and never start tp', async () => {
    await connect();
    for (const [name, args] of [
      ['cluster_destroy', { cluster_id: 'c-1' }],
      ['job_cancel', { job_id: 'j-1', confirm: false }],
    ] as const) {
      const result = await mcp.call(name, args);
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/Not done: .*cannot be undone.*confirm=true/);
    }
    // not even the generation probe: an unconfirmed call is refused before anything starts
    expect(ws.calls()).toHaveLength(0);
  });

  it('a failing tp gives isError with the exit code, stdout and stderr', async () => {
    await connect({ FAKE_TP_FAIL: '1', FAKE_TP_STDERR: 'Traceback: engine down' });
    const result = await mcp.call('cluster_list');
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/exit code 1.*simulated failure.*Traceback: engine down/s);
    expect(result.structuredContent).toMatchObject({ ok: false, exit_code: 1 });
  });

  it('without a key every tp tool says how to set one, and tp never runs', async () => {
    await connect({ TENSORPOOL_KEY: undefined });
    const result = await mcp.call('account_me');
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/TENSORPOOL_API_KEY/);
    expect(ws.commandCalls()).toHaveLength(0);
  });

  it('never returns the API key, even when tp prints it', async () => {
    await connect({ FAKE_TP_ECHO_KEY: '1' });
    const result = await mcp.call('account_me');
    expect(JSON.stringify(result)).not.toContain(TEST_KEY);
    expect(textOf(result)).toContain('[REDACTED]');
  });
});

describe('bad input is refused before anything runs', () => {
  it.each([
    ['cluster_info', { cluster_id: '--help' }, /cluster_id .*no leading '-'/],
    ['cluster_info', { cluster_id: '-x' }, /cluster_id/],
    ['cluster_info', { cluster_id: 'a b' }, /cluster_id/],
    ['job_info', { job_id: 'a/b?c#d' }, /job_id/],
    ['job_info', { job_id: 'abc\n' }, /job_id/],
    ['job_info', { job_id: '' }, /job_id must not be empty/],
    ['job_info', { job_id: 'x'.repeat(10_240) }, /job_id must be at most 128/],
    ['job_info', { job_id: 42 }, /job_id/],
    ['cluster_create', { instance_type: '--no-input' }, /instance_type/],
    ['cluster_create', { instance_type: '1xH100', name: '--org' }, /name/],
    ['cluster_create', { instance_type: '1xH100', num_nodes: 0 }, /num_nodes must be at least 1/],
    ['cluster_create', { instance_type: '1xH100', num_nodes: 1.5 }, /num_nodes must be a whole number/],
    ['cluster_create', { instance_type: '1xH100', ssh_public_key: 'ssh-ed25519 AAAA' }, /ssh_public_key/],
    ['cluster_destroy', { cluster_id: 'c-1', confirm: 'yes' }, /confirm/],
    ['job_write_config', { workdir: 'proj', commands: [] }, /commands must hold at least one/],
    [
      'job_write_config',
      { workdir: 'proj', commands: ['x'], filename: '../evil.toml' },
      /filename must be a plain file name/,
    ],
    ['job_write_config', { workdir: 'proj', commands: ['x'], filename: 'job.txt' }, /filename/],
  ])('%s %j', async (name, args, message) => {
    await connect();
    const result = await mcp.call(name, args as Record<string, unknown>);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
    expect(ws.calls()).toHaveLength(0);
    expect(existsSync(join(project, 'evil.toml'))).toBe(false);
  });
});

describe('cluster_create with a public key', () => {
  it('hands tp a private 0600 copy of the key and removes it afterwards', async () => {
    await connect();
    const key = publicKeyLine('ssh-ed25519');
    const result = await mcp.call('cluster_create', { instance_type: '1xH100', ssh_public_key: key });
    expect(result.isError ?? false, textOf(result)).toBe(false);
    const call = ws.lastCall();
    expect(call.keyFile).toMatchObject({ mode: '600', dirMode: '700', content: `${key}\n` });
    expect(call.argv).toContain(`--public-key=${call.keyFile!.path}`);
    expect(existsSync(dirname(call.keyFile!.path))).toBe(false);
  });

  it('refuses a private key without echoing any of it and without writing it anywhere', async () => {
    await connect();
    const secret = pemPrivateKey();
    const result = await mcp.call('cluster_create', { instance_type: '1xH100', ssh_public_key: secret });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/PRIVATE key/);
    const body = secret.split('\n')[1]!;
    expect(JSON.stringify(result)).not.toContain(body.slice(0, 16));
    expect(ws.calls()).toHaveLength(0);
  });
});

describe('file tools stay inside the allowed directories', () => {
  it('job_write_config writes TOML that round-trips, and refuses to overwrite by default', async () => {
    await connect();
    const commands = ['pip install -r "requirements.txt"', 'python train.py --lr=3e-4 \\\n  --name "run 1" 🚀'];
    const result = await mcp.call('job_write_config', {
      workdir: 'proj',
      commands,
      outputs: ['ckpt/'],
      ignore: ['.venv'],
    });
    expect(result.isError ?? false, textOf(result)).toBe(false);
    const path = join(project, 'proj', 'job.tp.toml');
    // the model wrote the content: it reads back only where it went, relative to the one allowed directory
    expect(result.structuredContent).toEqual({ ok: true, path: 'proj/job.tp.toml' });
    expect(textOf(result)).toBe('Wrote proj/job.tp.toml');
    const { parse } = await import('smol-toml');
    // .env is always ignored: it usually holds the API key
    expect({ ...parse(readFileSync(path, 'utf8')) }).toEqual({
      commands,
      outputs: ['ckpt/'],
      ignore: ['.venv', '.env'],
    });

    const again = await mcp.call('job_write_config', { workdir: 'proj', commands: ['other'] });
    expect(again.isError).toBe(true);
    expect(textOf(again)).toMatch(/already exists; pass overwrite=true/);
    const forced = await mcp.call('job_write_config', { workdir: 'proj', commands: ['other'], overwrite: true });
    expect(forced.isError ?? false).toBe(false);
    expect(readFileSync(path, 'utf8')).toContain('other');
    expect(ws.calls()).toHaveLength(0);
  });

  it('refuses workdirs outside, through .. or a symlink', async () => {
    await connect();
    symlinkSync('/tmp', join(project, 'escape'));
    for (const workdir of ['/tmp', join(project, '..'), 'escape', join(project, 'proj', '..', '..')]) {
      const result = await mcp.call('job_write_config', { workdir, commands: ['x'] });
      expect(result.isError, workdir).toBe(true);
      expect(textOf(result)).toMatch(/workdir: .*outside the allowed directories/);
    }
  });

  it('job_push runs in the config directory, or in workdir, and passes the real config path', async () => {
    await connect();
    const config = join(project, 'proj', 'job.tp.toml');
    writeFileSync(config, 'commands = ["python train.py"]\n');
    const unconfirmed = await mcp.call('job_push', { config_path: config, cluster_id: 'c-9', teardown: true });
    expect(textOf(unconfirmed)).toMatch(
      /Not done: destroying cluster c-9 when the job ends \(teardown\).*confirm=true/,
    );
    expect(ws.commandCalls()).toHaveLength(0);
    const result = await mcp.call('job_push', {
      config_path: config,
      cluster_id: 'c-9',
      teardown: true,
      confirm: true,
    });
    expect(result.isError ?? false, textOf(result)).toBe(false);
    expect(ws.lastCall()).toMatchObject({
      argv: ['--no-input', 'job', 'push', '--teardown', config, 'c-9'],
      cwd: join(project, 'proj'),
    });

    await mcp.call('job_push', { config_path: 'proj/job.tp.toml', cluster_id: 'c-9', workdir: project });
    expect(ws.lastCall()).toMatchObject({ argv: ['--no-input', 'job', 'push', config, 'c-9'], cwd: project });
  });

  it('job_push refuses a config outside the allowed directories without running tp', async () => {
    await connect();
    const result = await mcp.call('job_push', { config_path: '/etc/hostname', cluster_id: 'c-9' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/config_path: .*outside the allowed directories/);
    expect(ws.commandCalls()).toHaveLength(0);
  });

  it('job_pull downloads into workdir, and keeps existing files unless force', async () => {
    await connect();
    const result = await mcp.call('job_pull', { job_id: 'job-5', workdir: 'proj' });
    expect(result.isError ?? false, textOf(result)).toBe(false);
    expect(ws.lastCall().argv).toEqual(['--no-input', 'job', 'pull', 'job-5']);
    expect(readdirDeep(join(project, 'proj'))).toContain(join('outputs', 'job-5-result.txt'));
    expect(textOf(await mcp.call('job_pull', { job_id: 'job-5', workdir: 'proj' }))).toMatch(
      /Kept \(already there; force=true replaces them\): outputs\/job-5-result\.txt/,
    );
    const again = await mcp.call('job_pull', { job_id: 'job-5', workdir: 'proj', force: true });
    expect(ws.lastCall().argv).toEqual(['--no-input', 'job', 'pull', '--force', 'job-5']);
    expect(again.structuredContent).toMatchObject({ moved: ['outputs/job-5-result.txt'] });
  });

  it('file tools refuse when no directory is allowed, and say how to allow one', async () => {
    mcp = await connectInMemory({ env: ws.env() });
    const result = await mcp.call('job_pull', { job_id: 'job-5', workdir: project });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/No directory is allowed/);
    expect(ws.commandCalls()).toHaveLength(0);
  });
});

function readdirDeep(dir: string): string[] {
  return readdirSync(dir, { recursive: true }) as string[];
}
