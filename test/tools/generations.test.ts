import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { parse } from 'smol-toml';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/config.js';
import { createServer } from '../../src/server/create-server.js';
import { TpInstallation, type Generation } from '../../src/tp/generation.js';
import { TpRunner } from '../../src/tp/runner.js';
import { FAKE_TP, FAKE_TP_PASS_ENV, FakeTpWorkspace, type FakeTpCall, RUNNER_LIMITS } from '../helpers/fake-tp.js';
import { usageEntries, usageLine } from '../helpers/tp-usage.js';
import { connectInMemory, textOf, type Connected } from '../helpers/in-memory.js';
import { publicKeyLine } from '../helpers/ssh-keys.js';

/**
 * Every tool on every tp generation (docs/tp-cli.md §1–§2 and test/reference/tp-usage/), through a real MCP
 * client and the fake tp. The server detects the generation itself from the fake's help output.
 */

const GENS = ['0.0.6', '0.0.7', '0.0.8', '0.0.9'] as const satisfies readonly Generation[];
type Gen = (typeof GENS)[number];
const ALL: readonly Gen[] = GENS;
const SINCE_7: readonly Gen[] = ['0.0.7', '0.0.8', '0.0.9'];
const BEFORE_9: readonly Gen[] = ['0.0.6', '0.0.7', '0.0.8'];
const ONLY_9: readonly Gen[] = ['0.0.9'];

/** The global flag; it goes before the group (docs/tp-cli.md §9.3), unless the command has its own: one per argv. */
const G = '--no-input';
const KEY = publicKeyLine('ssh-ed25519');
const IMAGE = 'nvcr.io/nvidia/pytorch:24.01-py3';

type LoggedCall = FakeTpCall & { options?: Record<string, unknown>; command?: string };

interface Ctx {
  gen: Gen;
  ws: FakeTpWorkspace;
  /** Realpath of the allowed directory. */
  project: string;
  /** An existing job config inside the project. */
  config: string;
  configText: string;
  /**
   * An existing file inside the allowed directory, for job_pull's private_key_path (tp hands it to the engine as text).
   */
  privateKey: string;
  initDir: string;
  pullDir: string;
}

type Args = Record<string, unknown>;
type Argv = readonly unknown[];
type PerGen<T> = T | Partial<Record<Gen, T>>;

interface Case {
  tool: string;
  /** Test name; needed when args depend on the context. */
  label?: string;
  args: Args | ((ctx: Ctx) => Args);
  generations: readonly Gen[];
  /** The exact argv the fake must receive (per generation where it differs); null: nothing may run. */
  argv: PerGen<Argv> | ((ctx: Ctx) => PerGen<Argv>) | null;
  /** How the fake's argparse read the argv (its namespace), where it says more than the argv. */
  parsed?: PerGen<Record<string, unknown>>;
  cwd?: (ctx: Ctx) => string;
  check?: (result: CallToolResult, call: LoggedCall | undefined, ctx: Ctx) => void;
}

const oldAndNew = <T>(v006: T, v007plus: T): Partial<Record<Gen, T>> => ({
  '0.0.6': v006,
  '0.0.7': v007plus,
  '0.0.8': v007plus,
  '0.0.9': v007plus,
});

function forGen<T>(value: PerGen<T>, gen: Gen): T {
  if (Array.isArray(value)) return value as T;
  const record = value as Partial<Record<Gen, T>>;
  if (GENS.some((g) => g in record)) {
    const chosen = record[gen];
    if (chosen === undefined) throw new Error(`test table: no entry for ${gen}`);
    return chosen;
  }
  return value as T;
}

// ---------------------------------------------------------------------------------------------
// The usage lines the real CLI prints: test/reference/tp-usage/, read through the helper, which
// throws when a file is missing (0.0.7 is 0.0.8 with the container option under its old name).

// ---------------------------------------------------------------------------------------------
// Reading the fake's log

const PROBES = [['--version'], ['storage', 'create', '--help'], ['cluster', 'create', '--help']];
const isProbe = (call: FakeTpCall) => PROBES.some((probe) => JSON.stringify(probe) === JSON.stringify(call.argv));

/** Calls `tool` and returns what it spawned besides the detection probes. */
async function callAndLog(mcp: Pick<Connected, 'call'>, ws: FakeTpWorkspace, tool: string, args: Args) {
  const before = ws.calls().length;
  const result = await mcp.call(tool, args);
  const fresh = ws.calls().slice(before) as LoggedCall[];
  // tp_help's own call can look like a probe; it never triggers detection (since: 'none')
  const spawned = tool === 'tp_help' ? fresh : fresh.filter((call) => !isProbe(call));
  return { result, fresh, spawned };
}

function expectUnsupported(result: CallToolResult, gen: Gen, error: RegExp) {
  expect(result.isError, textOf(result)).toBe(true);
  const text = textOf(result);
  expect(text).toMatch(error);
  expect(text).toContain(`generation ${gen}`);
  expect(text).toMatch(/pipx upgrade tensorpool/);
}

// ---------------------------------------------------------------------------------------------
// The table: what each tool must run, per generation (docs/tp-cli.md §2)

const keyArg = expect.stringMatching(/^--public-key=\/\S+$/);

function checkKeyFile(flagged: boolean) {
  return (_result: CallToolResult, call: LoggedCall | undefined) => {
    expect(call!.keyFile).toMatchObject({ content: `${KEY}\n`, mode: '600' });
    const path = call!.keyFile!.path;
    if (flagged) expect(call!.argv).toContain(`--public-key=${path}`);
    else expect(call!.argv.at(-1)).toBe(path);
    // a private copy for this call only: gone once the call returns
    expect(existsSync(path)).toBe(false);
  };
}

const CASES: Case[] = [
  // cluster create: -t and its own --no-input on 0.0.6, positional from 0.0.7
  {
    tool: 'cluster_create',
    args: { instance_type: '1xH100' },
    generations: ALL,
    argv: oldAndNew(['cluster', 'create', '--instance-type=1xH100', G], [G, 'cluster', 'create', '1xH100']),
    parsed: { instance_type: '1xH100', num_nodes: null, deletion_protection: false, wait: false },
  },
  {
    tool: 'cluster_create',
    args: { instance_type: '8xH100', num_nodes: 2, name: 'big', deletion_protection: true, wait: true },
    generations: ALL,
    argv: oldAndNew(
      [
        'cluster',
        'create',
        '--name=big',
        '--num-nodes=2',
        '--deletion-protection',
        '--instance-type=8xH100',
        G,
        '--wait',
      ],
      [G, 'cluster', 'create', '--name=big', '--num-nodes=2', '--deletion-protection', '--wait', '8xH100'],
    ),
    parsed: { instance_type: '8xH100', num_nodes: 2, name: 'big', deletion_protection: true, wait: true },
  },
  {
    tool: 'cluster_create',
    args: { instance_type: '1xH100', container: IMAGE },
    generations: SINCE_7,
    argv: {
      '0.0.7': [G, 'cluster', 'create', `--experimental-container=${IMAGE}`, '1xH100'],
      '0.0.8': [G, 'cluster', 'create', `--container=${IMAGE}`, '1xH100'],
      '0.0.9': [G, 'cluster', 'create', `--container=${IMAGE}`, '1xH100'],
    },
    parsed: {
      '0.0.7': { experimental_container: IMAGE },
      '0.0.8': { container: IMAGE },
      '0.0.9': { container: IMAGE },
    },
  },
  {
    tool: 'cluster_create',
    label: 'cluster_create with ssh_public_key',
    args: { instance_type: '1xH100', ssh_public_key: KEY },
    generations: ALL,
    argv: oldAndNew(
      ['cluster', 'create', keyArg, '--instance-type=1xH100', G],
      [G, 'cluster', 'create', keyArg, '1xH100'],
    ),
    check: checkKeyFile(true),
  },

  { tool: 'cluster_list', args: {}, generations: ALL, argv: [G, 'cluster', 'list'] },
  {
    tool: 'cluster_list',
    args: { org: true },
    generations: ALL,
    argv: [G, 'cluster', 'list', '--org'],
    parsed: { org: true },
  },
  {
    tool: 'cluster_list',
    args: { instances: true },
    generations: SINCE_7,
    argv: [G, 'cluster', 'list', '--instances'],
    parsed: { instances: true },
  },
  { tool: 'cluster_info', args: { cluster_id: 'c-42' }, generations: ALL, argv: [G, 'cluster', 'info', 'c-42'] },

  // destroy has its own --no-input in every generation; without it tp asks (or hangs on 0.0.9)
  {
    tool: 'cluster_destroy',
    args: { cluster_id: 'c-42', confirm: true },
    generations: ALL,
    argv: ['cluster', 'destroy', G, 'c-42'],
    parsed: { cluster_id: 'c-42', no_input: true, wait: false },
  },
  {
    tool: 'cluster_destroy',
    args: { cluster_id: 'c-42', confirm: true, wait: true },
    generations: ALL,
    argv: ['cluster', 'destroy', G, '--wait', 'c-42'],
    parsed: { wait: true },
  },

  // edit: only the exact words true/false, as tp reads any other word as false
  {
    tool: 'cluster_edit',
    args: { cluster_id: 'c-42', deletion_protection: false, confirm: true },
    generations: ALL,
    argv: [G, 'cluster', 'edit', '--deletion-protection=false', 'c-42'],
    parsed: { deletion_protection: 'false', name: null },
  },
  {
    tool: 'cluster_edit',
    args: { cluster_id: 'c-42', name: 'renamed', deletion_protection: true },
    generations: ALL,
    argv: [G, 'cluster', 'edit', '--name=renamed', '--deletion-protection=true', 'c-42'],
    parsed: { deletion_protection: 'true', name: 'renamed' },
  },

  // attach/detach: --no-input on 0.0.6, --wait from 0.0.7
  {
    tool: 'cluster_attach_storage',
    args: { cluster_id: 'c-42', storage_id: 's-7' },
    generations: ALL,
    argv: oldAndNew(['cluster', 'attach', G, 'c-42', 's-7'], [G, 'cluster', 'attach', 'c-42', 's-7']),
    parsed: { cluster_id: 'c-42', storage_id: 's-7' },
  },
  {
    tool: 'cluster_attach_storage',
    args: { cluster_id: 'c-42', storage_id: 's-7', wait: true },
    generations: SINCE_7,
    argv: [G, 'cluster', 'attach', '--wait', 'c-42', 's-7'],
    parsed: { wait: true },
  },
  {
    tool: 'cluster_detach_storage',
    args: { cluster_id: 'c-42', storage_id: 's-7', confirm: true },
    generations: ALL,
    argv: oldAndNew(['cluster', 'detach', G, 'c-42', 's-7'], [G, 'cluster', 'detach', 'c-42', 's-7']),
    parsed: { cluster_id: 'c-42', storage_id: 's-7' },
  },
  {
    tool: 'cluster_detach_storage',
    args: { cluster_id: 'c-42', storage_id: 's-7', confirm: true, wait: true },
    generations: SINCE_7,
    argv: [G, 'cluster', 'detach', '--wait', 'c-42', 's-7'],
    parsed: { wait: true },
  },

  // storage create: -t/--type on 0.0.6, positional volume type on 0.0.7/0.0.8, positional size on 0.0.9
  {
    tool: 'storage_create',
    args: { volume_type: 'fast', size_gb: 100 },
    generations: ['0.0.6'],
    argv: ['storage', 'create', '--type=fast', '--size=100', G],
    parsed: { type: 'fast', size: 100, no_input: true },
  },
  {
    tool: 'storage_create',
    args: { volume_type: 'flex', name: 'data', deletion_protection: true },
    generations: ['0.0.6'],
    argv: ['storage', 'create', '--type=flex', '--name=data', '--deletion-protection', G],
    parsed: { type: 'flex', size: null, name: 'data', deletion_protection: true },
  },
  {
    tool: 'storage_create',
    args: { volume_type: 'fast', size_gb: 100 },
    generations: ['0.0.7', '0.0.8'],
    argv: [G, 'storage', 'create', '--size=100', 'fast'],
    parsed: { volume_type: 'fast', size: 100 },
  },
  {
    tool: 'storage_create',
    args: { volume_type: 'flex', name: 'data', deletion_protection: true, wait: true },
    generations: ['0.0.7', '0.0.8'],
    argv: [G, 'storage', 'create', '--name=data', '--deletion-protection', '--wait', 'flex'],
    parsed: { volume_type: 'flex', wait: true },
  },
  {
    tool: 'storage_create',
    args: { size_gb: 100 },
    generations: ONLY_9,
    argv: [G, 'storage', 'create', '100'],
    parsed: { size: 100 },
  },
  {
    tool: 'storage_create',
    args: { size_gb: 500, name: 'data', deletion_protection: true, wait: true },
    generations: ONLY_9,
    argv: [G, 'storage', 'create', '--name=data', '--deletion-protection', '--wait', '500'],
    parsed: { size: 500, name: 'data', wait: true },
  },
  { tool: 'storage_list', args: {}, generations: ALL, argv: [G, 'storage', 'list'] },
  { tool: 'storage_list', args: { org: true }, generations: ALL, argv: [G, 'storage', 'list', '--org'] },
  { tool: 'storage_info', args: { storage_id: 's-7' }, generations: ALL, argv: [G, 'storage', 'info', 's-7'] },
  {
    tool: 'storage_edit',
    args: { storage_id: 's-7', size_gb: 500 },
    generations: ALL,
    argv: [G, 'storage', 'edit', '--size=500', 's-7'],
    parsed: { size: 500 },
  },
  {
    tool: 'storage_edit',
    args: { storage_id: 's-7', name: 'data2', deletion_protection: false, confirm: true },
    generations: ALL,
    argv: [G, 'storage', 'edit', '--name=data2', '--deletion-protection=false', 's-7'],
    parsed: { name: 'data2', deletion_protection: 'false' },
  },
  {
    tool: 'storage_destroy',
    args: { storage_id: 's-7', confirm: true },
    generations: ALL,
    argv: ['storage', 'destroy', G, 's-7'],
    parsed: { no_input: true },
  },
  {
    tool: 'storage_destroy',
    args: { storage_id: 's-7', confirm: true, wait: true },
    generations: SINCE_7,
    argv: ['storage', 'destroy', G, '--wait', 's-7'],
    parsed: { wait: true },
  },

  // jobs
  {
    tool: 'job_init',
    label: 'job_init in a workdir',
    args: (ctx) => ({ workdir: ctx.initDir }),
    generations: ALL,
    argv: [G, 'job', 'init'],
    cwd: (ctx) => ctx.initDir,
    check: (_result, _call, ctx) => {
      // docs/tp-cli.md §7: tp.config.toml on 0.0.6, job.tp.toml from 0.0.7
      const [expected, other] =
        ctx.gen === '0.0.6' ? ['tp.config.toml', 'job.tp.toml'] : ['job.tp.toml', 'tp.config.toml'];
      expect(existsSync(join(ctx.initDir, expected))).toBe(true);
      expect(existsSync(join(ctx.initDir, other))).toBe(false);
    },
  },
  {
    tool: 'job_write_config',
    label: 'job_write_config with instance_type (local only)',
    generations: ALL,
    argv: null,
    args: (ctx) => ({
      workdir: ctx.project,
      commands: ['python train.py'],
      instance_type: '1xH100',
      filename: 'hw.tp.toml',
    }),
    check: (result, _call, ctx) => {
      const path = join(ctx.project, 'hw.tp.toml');
      // the one allowed directory is the project: the path comes back relative to it
      expect(result.structuredContent).toEqual({ ok: true, path: 'hw.tp.toml' });
      expect({ ...parse(readFileSync(path, 'utf8')) }).toMatchObject({
        instance_type: '1xH100',
        commands: ['python train.py'],
      });
    },
  },
  {
    tool: 'job_push',
    label: 'job_push config only (0.0.6)',
    args: (ctx) => ({ config_path: ctx.config }),
    generations: ['0.0.6'],
    argv: (ctx) => [G, 'job', 'push', ctx.config],
    cwd: (ctx) => dirname(ctx.config),
    check: (_result, call, ctx) => expect(call!.config).toBe(ctx.configText),
  },
  {
    tool: 'job_push',
    label: 'job_push config and cluster',
    args: (ctx) => ({ config_path: ctx.config, cluster_id: 'c-9' }),
    generations: SINCE_7,
    argv: (ctx) => [G, 'job', 'push', ctx.config, 'c-9'],
    cwd: (ctx) => dirname(ctx.config),
    parsed: { cluster_id: 'c-9', teardown: false },
    check: (_result, call, ctx) => expect(call!.config).toBe(ctx.configText),
  },
  {
    tool: 'job_push',
    label: 'job_push with teardown',
    args: (ctx) => ({ config_path: ctx.config, cluster_id: 'c-9', teardown: true, confirm: true }),
    generations: SINCE_7,
    argv: (ctx) => [G, 'job', 'push', '--teardown', ctx.config, 'c-9'],
    parsed: { teardown: true },
  },
  { tool: 'job_list', args: {}, generations: ALL, argv: [G, 'job', 'list'] },
  { tool: 'job_list', args: { org: true }, generations: ALL, argv: [G, 'job', 'list', '--org'] },
  { tool: 'job_info', args: { job_id: 'job-7' }, generations: ALL, argv: [G, 'job', 'info', 'job-7'] },
  { tool: 'job_listen', args: { job_id: 'job-7' }, generations: ALL, argv: [G, 'job', 'listen', 'job-7'] },
  {
    tool: 'job_pull',
    label: 'job_pull with private_key_path',
    args: (ctx) => ({ job_id: 'job-5', workdir: ctx.pullDir, private_key_path: ctx.privateKey }),
    generations: ALL,
    argv: (ctx) => [G, 'job', 'pull', `--private-key=${ctx.privateKey}`, 'job-5'],
    check: (_result, call, ctx) => {
      expect(call!.options).toMatchObject({ private_key: ctx.privateKey, force: false, job_id: 'job-5' });
      // tp downloads into a private directory; the files are then moved into the work directory
      expect(call!.cwd.startsWith(ctx.project)).toBe(false);
      expect(readdirSync(ctx.pullDir, { recursive: true })).toContain(join('outputs', 'job-5-result.txt'));
    },
  },
  {
    tool: 'job_pull',
    label: 'job_pull with force',
    args: (ctx) => ({ job_id: 'job-6', workdir: ctx.pullDir, force: true }),
    generations: ALL,
    argv: [G, 'job', 'pull', '--force', 'job-6'],
    parsed: { force: true },
  },
  // cancel: 0.0.6 has no per-command --no-input (its global one works there); 0.0.7+ needs its own
  {
    tool: 'job_cancel',
    args: { job_id: 'job-7', confirm: true },
    generations: ALL,
    argv: oldAndNew([G, 'job', 'cancel', 'job-7'], ['job', 'cancel', G, 'job-7']),
  },
  {
    tool: 'job_cancel',
    args: { job_id: 'job-7', confirm: true, wait: true },
    generations: ALL,
    argv: oldAndNew([G, 'job', 'cancel', '--wait', 'job-7'], ['job', 'cancel', G, '--wait', 'job-7']),
    parsed: { wait: true },
  },
  {
    tool: 'job_delete',
    args: { job_id: 'job-7', confirm: true },
    generations: SINCE_7,
    argv: ['job', 'delete', G, 'job-7'],
  },

  // account
  { tool: 'account_me', args: {}, generations: ALL, argv: [G, 'me'] },
  {
    tool: 'ssh_key_add',
    args: { public_key: KEY, name: 'laptop', confirm: true },
    generations: ALL,
    argv: [G, 'me', 'sshkey', 'add', '--name=laptop', expect.stringMatching(/^\/\S+$/)],
    parsed: { name: 'laptop' },
    check: checkKeyFile(false),
  },
  { tool: 'ssh_key_list', args: {}, generations: ALL, argv: [G, 'me', 'sshkey', 'list'] },
  { tool: 'ssh_key_list', args: { org: true }, generations: ALL, argv: [G, 'me', 'sshkey', 'list', '--org'] },
  {
    tool: 'ssh_key_remove',
    args: { key_id: 'key-1', confirm: true },
    generations: ALL,
    argv: [G, 'me', 'sshkey', 'remove', 'key-1'],
  },

  // object storage: 0.0.9 only
  { tool: 'object_storage_enable', args: {}, generations: ONLY_9, argv: [G, 'object-storage', 'enable'] },
  {
    tool: 'object_storage_disable',
    args: { confirm: true },
    generations: ONLY_9,
    argv: [G, 'object-storage', 'disable'],
  },
  { tool: 'object_storage_credentials', args: {}, generations: ONLY_9, argv: [G, 'object-storage', 'credentials'] },
  {
    tool: 'object_storage_configure_rclone',
    args: {},
    generations: ONLY_9,
    argv: [G, 'object-storage', 'configure', 'rclone'],
  },
  { tool: 'object_storage_bucket_list', args: {}, generations: ONLY_9, argv: [G, 'object-storage', 'bucket', 'list'] },
  {
    tool: 'object_storage_bucket_create',
    args: { bucket_name: 'my-bucket' },
    generations: ONLY_9,
    argv: [G, 'object-storage', 'bucket', 'create', 'my-bucket'],
  },
  {
    tool: 'object_storage_bucket_delete',
    args: { bucket_name: 'my-bucket', confirm: true },
    generations: ONLY_9,
    argv: [G, 'object-storage', 'bucket', 'delete', 'my-bucket'],
  },

  // help: answered without a key, the usage line of the installed generation
  ...(['', 'cluster create', 'storage create', 'job push', 'job cancel'] as const).map(
    (command): Case => ({
      tool: 'tp_help',
      label: `tp_help "${command}"`,
      args: command ? { command } : {},
      generations: ALL,
      argv: [...(command ? command.split(' ') : []), '--help'],
      check: (result, _call, ctx) => expect(textOf(result).split('\n')).toContain(usageLine(ctx.gen, command)),
    }),
  ),
  {
    tool: 'tp_help',
    label: 'tp_help "job delete"',
    args: { command: 'job delete' },
    generations: SINCE_7,
    argv: ['job', 'delete', '--help'],
    check: (result, _call, ctx) => expect(textOf(result).split('\n')).toContain(usageLine(ctx.gen, 'job delete')),
  },
  {
    tool: 'tp_help',
    label: 'tp_help "object-storage bucket create"',
    args: { command: 'object-storage bucket create' },
    generations: ONLY_9,
    argv: ['object-storage', 'bucket', 'create', '--help'],
    check: (result, _call, ctx) =>
      expect(textOf(result).split('\n')).toContain(usageLine(ctx.gen, 'object-storage bucket create')),
  },

  // status: reports the detected generation and checks the key with `tp me`
  {
    tool: 'server_status',
    args: {},
    generations: ALL,
    argv: [G, 'me'],
    check: (result, _call, ctx) => {
      expect(result.structuredContent).toMatchObject({
        tp_path: FAKE_TP,
        tp_resolved_path: FAKE_TP,
        tp_version: ctx.gen,
        tp_generation: ctx.gen,
        tp_generation_source: 'usage',
        tp_problem: null,
        api_key_set: true,
        api_key_accepted: true,
        api_key_message: null,
        allowed_dirs: [ctx.project],
      });
    },
  },
];

/** Refused by the server whatever tp can do, or for a reason other than the generation: nothing runs. */
interface Refusal {
  tool: string;
  label?: string;
  args: Args | ((ctx: Ctx) => Args);
  generations: readonly Gen[];
  error: RegExp;
  /** Must not appear: e.g. an upgrade hint where upgrading cannot help. */
  not?: RegExp;
}

const REFUSALS: Refusal[] = [
  {
    tool: 'cluster_edit',
    args: { cluster_id: 'c-42' },
    generations: ALL,
    error: /cluster_edit.*(name|deletion_protection)/,
  },
  {
    tool: 'storage_edit',
    args: { storage_id: 's-7' },
    generations: ALL,
    error: /storage_edit.*(name|deletion_protection|size_gb)/,
  },
  { tool: 'cluster_destroy', args: { cluster_id: 'c-42' }, generations: ALL, error: /confirm=true/ },
  {
    tool: 'cluster_detach_storage',
    args: { cluster_id: 'c-42', storage_id: 's-7', wait: true },
    generations: SINCE_7,
    error: /confirm=true/,
  },
  {
    tool: 'cluster_detach_storage',
    args: { cluster_id: 'c-42', storage_id: 's-7' },
    generations: ALL,
    error: /confirm=true/,
  },
  { tool: 'storage_destroy', args: { storage_id: 's-7' }, generations: ALL, error: /confirm=true/ },
  { tool: 'job_cancel', args: { job_id: 'job-7' }, generations: ALL, error: /confirm=true/ },
  { tool: 'job_delete', args: { job_id: 'job-7', confirm: false }, generations: SINCE_7, error: /confirm=true/ },
  { tool: 'ssh_key_remove', args: { key_id: 'key-1' }, generations: ALL, error: /confirm=true/ },
  // sensitive: a persistent login on the account, and a safeguard turned off
  {
    tool: 'ssh_key_add',
    args: { public_key: KEY, name: 'laptop' },
    generations: ALL,
    error: /Not done: saving an SSH key named laptop .*log in to every new cluster.*confirm=true/,
  },
  {
    tool: 'cluster_edit',
    args: { cluster_id: 'c-42', deletion_protection: false },
    generations: ALL,
    error: /Not done: turning off deletion protection of cluster c-42.*confirm=true/,
  },
  {
    tool: 'storage_edit',
    args: { storage_id: 's-7', deletion_protection: false },
    generations: ALL,
    error: /Not done: turning off deletion protection of volume s-7.*confirm=true/,
  },
  { tool: 'object_storage_disable', args: {}, generations: ONLY_9, error: /confirm=true/ },
  {
    tool: 'object_storage_bucket_delete',
    args: { bucket_name: 'my-bucket' },
    generations: ONLY_9,
    error: /confirm=true/,
  },
  {
    tool: 'job_push',
    label: 'job_push without cluster_id',
    args: (ctx) => ({ config_path: ctx.config }),
    generations: SINCE_7,
    error: /cluster_id/,
  },
  // the wrong-shaped storage_create argument for each generation
  { tool: 'storage_create', args: { size_gb: 100 }, generations: BEFORE_9, error: /volume_type/ },
  {
    tool: 'storage_create',
    args: { volume_type: 'fast', size_gb: 100 },
    generations: ONLY_9,
    error: /volume_type/,
    not: /pipx upgrade/,
  },
  {
    tool: 'storage_create',
    args: { volume_type: 'fast' },
    generations: ONLY_9,
    error: /volume_type/,
    not: /pipx upgrade/,
  },
  { tool: 'storage_create', args: {}, generations: ONLY_9, error: /size_gb/ },
  { tool: 'tp_help', args: { command: 'nfs' }, generations: ALL, error: /nfs/ },
  { tool: 'tp_help', args: { command: 'cluster rm' }, generations: ALL, error: /rm/ },
  {
    tool: 'job_pull',
    label: 'job_pull with a private_key_path outside the allowed directories',
    args: (ctx) => ({ job_id: 'job-5', workdir: ctx.pullDir, private_key_path: '/etc/hostname' }),
    generations: ALL,
    error: /private_key_path: .*outside the allowed directories/,
  },
  {
    tool: 'job_pull',
    label: 'job_pull with a missing private_key_path',
    args: (ctx) => ({ job_id: 'job-5', workdir: ctx.pullDir, private_key_path: join(ctx.project, 'missing-key') }),
    generations: ALL,
    error: /private_key_path/,
  },
];

/** Parameters or tools the generation lacks: an error naming the needed generation and the upgrade, and no tp run. */
interface Unsupported {
  tool: string;
  label?: string;
  args: Args | ((ctx: Ctx) => Args);
  generation: Gen;
  error: RegExp;
}

const OBJECT_STORAGE: [string, Args][] = [
  ['object_storage_enable', {}],
  ['object_storage_disable', { confirm: true }],
  ['object_storage_credentials', {}],
  ['object_storage_configure_rclone', {}],
  ['object_storage_bucket_list', {}],
  ['object_storage_bucket_create', { bucket_name: 'my-bucket' }],
  ['object_storage_bucket_delete', { bucket_name: 'my-bucket', confirm: true }],
];

const UNSUPPORTED: Unsupported[] = [
  {
    tool: 'cluster_create',
    args: { instance_type: '1xH100', container: IMAGE },
    generation: '0.0.6',
    error: /container.*0\.0\.7 or newer/,
  },
  {
    tool: 'cluster_create',
    args: { instance_type: '1xH100', container: IMAGE, ssh_public_key: KEY },
    generation: '0.0.6',
    error: /container.*0\.0\.7 or newer/,
  },
  { tool: 'cluster_list', args: { instances: true }, generation: '0.0.6', error: /instances.*0\.0\.7 or newer/ },
  {
    tool: 'cluster_attach_storage',
    args: { cluster_id: 'c-42', storage_id: 's-7', wait: true },
    generation: '0.0.6',
    error: /wait.*0\.0\.7 or newer/,
  },
  {
    tool: 'cluster_detach_storage',
    args: { cluster_id: 'c-42', storage_id: 's-7', confirm: true, wait: true },
    generation: '0.0.6',
    error: /wait.*0\.0\.7 or newer/,
  },
  {
    tool: 'storage_create',
    args: { volume_type: 'fast', wait: true },
    generation: '0.0.6',
    error: /wait.*0\.0\.7 or newer/,
  },
  {
    tool: 'storage_destroy',
    args: { storage_id: 's-7', confirm: true, wait: true },
    generation: '0.0.6',
    error: /wait.*0\.0\.7 or newer/,
  },
  {
    tool: 'job_push',
    label: 'job_push with cluster_id',
    args: (ctx) => ({ config_path: ctx.config, cluster_id: 'c-9' }),
    generation: '0.0.6',
    error: /cluster_id.*0\.0\.7 or newer/,
  },
  {
    tool: 'job_push',
    label: 'job_push with teardown',
    args: (ctx) => ({ config_path: ctx.config, teardown: true, confirm: true }),
    generation: '0.0.6',
    error: /teardown.*0\.0\.7 or newer/,
  },
  {
    tool: 'job_delete',
    args: { job_id: 'job-7', confirm: true },
    generation: '0.0.6',
    error: /job_delete.*0\.0\.7 or newer/,
  },
  ...BEFORE_9.flatMap((generation) =>
    OBJECT_STORAGE.map(
      ([tool, args]): Unsupported => ({ tool, args, generation, error: new RegExp(`${tool}.*0\\.0\\.9 or newer`) }),
    ),
  ),
];

/** Commands a generation lacks, asked through tp_help: tp itself answers with exit 2 (tp-usage/). */
const HELP_EXIT_2: { command: string; generations: readonly Gen[] }[] = [
  { command: 'object-storage', generations: BEFORE_9 },
  { command: 'object-storage bucket create', generations: BEFORE_9 },
  { command: 'job delete', generations: ['0.0.6'] },
];

// ---------------------------------------------------------------------------------------------

function makeContext(gen: Gen): Ctx {
  const ws = new FakeTpWorkspace();
  const project = realpathSync(ws.dir);
  for (const dir of ['proj', 'init', 'pull']) mkdirSync(join(project, dir));
  const config = join(project, 'proj', 'job.tp.toml');
  const configText = 'commands = ["python train.py"]\noutputs = ["ckpt/"]\n';
  writeFileSync(config, configText);
  const privateKey = join(project, 'id_test');
  writeFileSync(privateKey, 'not a real private key\n', { mode: 0o600 });
  return {
    gen,
    ws,
    project,
    config,
    configText,
    privateKey,
    initDir: join(project, 'init'),
    pullDir: join(project, 'pull'),
  };
}

const resolveArgs = (args: Args | ((ctx: Ctx) => Args), ctx: Ctx) => (typeof args === 'function' ? args(ctx) : args);
const caseName = (c: { tool: string; label?: string; args: unknown }) =>
  c.label ?? `${c.tool} ${JSON.stringify(c.args)}`;

describe.each(GENS)('tp %s', (gen) => {
  let ctx: Ctx;
  let mcp: Connected;

  beforeAll(async () => {
    ctx = makeContext(gen);
    mcp = await connectInMemory({ env: ctx.ws.env({ FAKE_TP_GENERATION: gen }), allowedDirs: [ctx.project] });
  });
  afterAll(async () => {
    await mcp?.close();
    ctx?.ws.cleanup();
  });

  it('detects the generation once, from --version and the help of storage create and cluster create', async () => {
    const fresh = await connectInMemory({ env: ctx.ws.env({ FAKE_TP_GENERATION: gen }), allowedDirs: [ctx.project] });
    try {
      const before = ctx.ws.calls().length;
      expect((await fresh.call('cluster_info', { cluster_id: 'c-1' })).isError ?? false).toBe(false);
      expect((await fresh.call('job_info', { job_id: 'job-1' })).isError ?? false).toBe(false);
      const calls = ctx.ws.calls().slice(before);
      const probes = calls.slice(0, 3);
      expect(probes.map((call) => call.argv)).toEqual(expect.arrayContaining(PROBES));
      for (const probe of probes) {
        expect(probe).toMatchObject({ stdin: 'devnull', generation: gen });
        expect(probe.env.COLUMNS).toBe('1000');
      }
      // cached: the second tool runs without probing again
      expect(calls.slice(3).map((call) => call.argv)).toEqual([
        [G, 'cluster', 'info', 'c-1'],
        [G, 'job', 'info', 'job-1'],
      ]);
    } finally {
      await fresh.close();
    }
  });

  for (const c of CASES.filter((entry) => entry.generations.includes(gen))) {
    it(`${caseName(c)} runs the argv of ${gen}`, async () => {
      const args = resolveArgs(c.args, ctx);
      const { result, fresh, spawned } = await callAndLog(mcp, ctx.ws, c.tool, args);
      expect(result.isError ?? false, textOf(result)).toBe(false);
      if (c.argv === null) {
        expect(fresh).toHaveLength(0);
        c.check?.(result, undefined, ctx);
        return;
      }
      const argv = forGen(typeof c.argv === 'function' ? c.argv(ctx) : c.argv, gen);
      expect(spawned).toHaveLength(1);
      const call = spawned[0]!;
      expect(call.argv).toEqual(argv);
      expect(call.generation).toBe(gen);
      expect(call.usageError ?? false).toBe(false);
      expect(call.stdin).toBe('devnull');
      // every tool that runs tp reports it the same way; server_status reports on the server instead
      if (c.tool !== 'server_status') expect(result.structuredContent).toMatchObject({ ok: true });
      if (c.parsed) expect(call.options).toMatchObject(forGen(c.parsed, gen));
      if (c.cwd) expect(call.cwd).toBe(c.cwd(ctx));
      c.check?.(result, call, ctx);
    });
  }

  for (const r of REFUSALS.filter((entry) => entry.generations.includes(gen))) {
    it(`${caseName(r)} is refused without running tp`, async () => {
      const { result, spawned } = await callAndLog(mcp, ctx.ws, r.tool, resolveArgs(r.args, ctx));
      expect(result.isError, textOf(result)).toBe(true);
      expect(textOf(result)).toMatch(r.error);
      if (r.not) expect(textOf(result)).not.toMatch(r.not);
      expect(spawned).toEqual([]);
    });
  }

  for (const u of UNSUPPORTED.filter((entry) => entry.generation === gen)) {
    it(`${caseName(u)} is unsupported: names the generation and the upgrade, runs no tp command`, async () => {
      const { result, spawned } = await callAndLog(mcp, ctx.ws, u.tool, resolveArgs(u.args, ctx));
      expectUnsupported(result, gen, u.error);
      expect(spawned).toEqual([]);
    });
  }

  const firstUnsupported = UNSUPPORTED.find((entry) => entry.generation === gen);
  if (firstUnsupported) {
    it('an unsupported call on a fresh server runs only the probes that found the generation', async () => {
      const fresh = await connectInMemory({ env: ctx.ws.env({ FAKE_TP_GENERATION: gen }), allowedDirs: [ctx.project] });
      try {
        const u = firstUnsupported;
        const { result, fresh: calls } = await callAndLog(fresh, ctx.ws, u.tool, resolveArgs(u.args, ctx));
        expectUnsupported(result, gen, u.error);
        expect(calls.map((call) => call.argv)).toEqual(expect.arrayContaining(PROBES));
        expect(calls).toHaveLength(PROBES.length);
      } finally {
        await fresh.close();
      }
    });
  }

  for (const h of HELP_EXIT_2.filter((entry) => entry.generations.includes(gen))) {
    it(`tp_help "${h.command}" is tp's own exit-2 error`, async () => {
      // the reference recorded the real CLI's exit code and error line for this command
      const reference = usageEntries(gen).find((entry) => entry.command === h.command);
      expect(reference?.exit).toBe(2);
      const { result, spawned } = await callAndLog(mcp, ctx.ws, 'tp_help', { command: h.command });
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toMatchObject({ ok: false, exit_code: 2 });
      expect(textOf(result)).toMatch(/exit code 2/);
      expect(textOf(result)).toContain(reference!.line);
      expect(spawned).toHaveLength(1);
      expect(spawned[0]).toMatchObject({ argv: [...h.command.split(' '), '--help'], usageError: true });
    });
  }
});

// ---------------------------------------------------------------------------------------------
// server_status when something is wrong

describe('server_status', () => {
  let ws: FakeTpWorkspace;
  let project: string;
  let mcp: Connected | undefined;

  beforeEach(() => {
    ws = new FakeTpWorkspace();
    project = realpathSync(ws.dir);
  });
  afterEach(async () => {
    await mcp?.close();
    mcp = undefined;
    ws.cleanup();
  });

  it("reports a key that tp rejects as not accepted, with tp's answer", async () => {
    mcp = await connectInMemory({ env: ws.env({ FAKE_TP_REJECT_KEY: '1' }), allowedDirs: [project] });
    const result = await mcp.call('server_status');
    expect(result.isError ?? false).toBe(false);
    expect(result.structuredContent).toMatchObject({
      tp_generation: '0.0.9',
      api_key_set: true,
      api_key_accepted: false,
    });
    const message = (result.structuredContent as { api_key_message: string }).api_key_message;
    expect(message.length).toBeGreaterThan(0);
    expect(message).not.toMatch(/^\* /m); // spinner lines are not tp's answer
    expect(
      ws
        .calls()
        .filter((call) => !isProbe(call))
        .map((call) => call.argv),
    ).toEqual([[G, 'me']]);
  });

  it('without any key: api_key_set false, and `tp me` is not run', async () => {
    mcp = await connectInMemory({
      env: ws.env({ TENSORPOOL_KEY: undefined, FAKE_TP_GENERATION: '0.0.8' }),
      allowedDirs: [project],
    });
    const result = await mcp.call('server_status');
    expect(result.structuredContent).toMatchObject({
      tp_generation: '0.0.8',
      tp_generation_source: 'usage',
      api_key_set: false,
      api_key_accepted: null,
    });
    expect(ws.calls().every(isProbe)).toBe(true);
  });

  it('with tp missing: tp_problem says how to install it, and tools say so too', async () => {
    const missing = join(project, 'no-such-tp');
    mcp = await connectInMemory({ env: ws.env(), allowedDirs: [project], runner: { tpPath: missing } });
    const result = await mcp.call('server_status');
    expect(result.isError ?? false).toBe(false);
    expect(result.structuredContent).toMatchObject({
      tp_path: missing,
      tp_resolved_path: null,
      tp_generation: null,
      api_key_set: true,
      api_key_accepted: null,
    });
    expect((result.structuredContent as { tp_problem: string }).tp_problem).toMatch(/pipx install tensorpool/);
    const tool = await mcp.call('cluster_list');
    expect(tool.isError).toBe(true);
    expect(textOf(tool)).toMatch(/pipx install tensorpool/);
  });
});

// ---------------------------------------------------------------------------------------------
// Servers built by hand: secrets shown on request, and an operator's --tp-generation override

interface Custom {
  call(name: string, args?: Args): Promise<CallToolResult>;
  close(): Promise<void>;
}

async function connectCustom(options: {
  env: Record<string, string | undefined>;
  settings: ConfigInput;
  installation?: (runner: TpRunner) => TpInstallation;
}): Promise<Custom> {
  const runner = new TpRunner({
    ...RUNNER_LIMITS,
    tpPath: FAKE_TP,
    passEnv: FAKE_TP_PASS_ENV,
    env: options.env,
    timeoutMs: 20_000,
    killGraceMs: 500,
  });
  // not about approval: --no-confirm-creates
  const server = createServer({
    runner,
    config: { confirmCreates: false, ...options.settings },
    installation: options.installation?.(runner),
  });
  const client = new Client({ name: 'generations-test', version: '1.0.0' });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  return {
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: async () => {
      await client.close();
      await server.close();
      await runner.shutdown();
    },
  };
}

describe('hand-built servers', () => {
  let ws: FakeTpWorkspace;
  let project: string;
  const open: Custom[] = [];

  beforeEach(() => {
    ws = new FakeTpWorkspace();
    project = realpathSync(ws.dir);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((connection) => connection.close()));
    ws.cleanup();
  });

  async function connect(options: Parameters<typeof connectCustom>[0]): Promise<Custom> {
    const connection = await connectCustom(options);
    open.push(connection);
    return connection;
  }

  it('object_storage_enable masks the secret access key unless allowSecrets', async () => {
    const revealing = await connect({ env: ws.env(), settings: { allowedDirs: [project], allowSecrets: true } });
    const masking = await connect({ env: ws.env(), settings: { allowedDirs: [project] } });

    const shown = await revealing.call('object_storage_enable');
    expect(shown.isError ?? false, textOf(shown)).toBe(false);
    // docs/tp-cli.md §6: enable prints the secret key; find it in what tp printed
    const secretLine = textOf(shown)
      .split('\n')
      .find((line) => /secret/i.test(line));
    expect(secretLine, textOf(shown)).toBeDefined();
    const secret = /secret[^:=]*[:=]\s*(\S+)/i.exec(secretLine!)![1]!;
    expect(secret).not.toMatch(/MASK/i);

    const hidden = await masking.call('object_storage_enable');
    expect(hidden.isError ?? false, textOf(hidden)).toBe(false);
    expect(JSON.stringify(hidden)).not.toContain(secret);
    expect(textOf(hidden)).toMatch(/secret[^\n]*MASKED/i);
    expect(textOf(hidden)).toMatch(/allow-secrets/);
    // everything else tp printed is untouched
    const otherLines = (text: string) => text.split('\n').filter((line) => !/secret/i.test(line));
    expect(otherLines(textOf(hidden))).toEqual(otherLines(textOf(shown)));

    const enables = ws.calls().filter((call) => !isProbe(call));
    expect(enables.map((call) => call.argv)).toEqual([
      [G, 'object-storage', 'enable'],
      [G, 'object-storage', 'enable'],
    ]);
  });

  const OVERRIDES: { override: Gen; fake: Gen; tool: string; args: Args; argv: string[]; fakeAccepts: boolean }[] = [
    {
      override: '0.0.6',
      fake: '0.0.9',
      tool: 'cluster_create',
      args: { instance_type: '1xH100' },
      argv: ['cluster', 'create', '--instance-type=1xH100', G],
      fakeAccepts: false,
    },
    {
      override: '0.0.7',
      fake: '0.0.9',
      tool: 'cluster_create',
      args: { instance_type: '1xH100', container: IMAGE },
      argv: [G, 'cluster', 'create', `--experimental-container=${IMAGE}`, '1xH100'],
      fakeAccepts: false,
    },
    {
      override: '0.0.8',
      fake: '0.0.9',
      tool: 'cluster_create',
      args: { instance_type: '1xH100', container: IMAGE },
      argv: [G, 'cluster', 'create', `--container=${IMAGE}`, '1xH100'],
      fakeAccepts: true,
    },
    {
      override: '0.0.9',
      fake: '0.0.6',
      tool: 'storage_create',
      args: { size_gb: 100 },
      argv: [G, 'storage', 'create', '100'],
      fakeAccepts: false,
    },
    {
      override: '0.0.8',
      fake: '0.0.6',
      tool: 'storage_create',
      args: { volume_type: 'fast' },
      argv: [G, 'storage', 'create', 'fast'],
      fakeAccepts: false,
    },
    {
      override: '0.0.6',
      fake: '0.0.8',
      tool: 'job_cancel',
      args: { job_id: 'job-7', confirm: true },
      argv: [G, 'job', 'cancel', 'job-7'],
      fakeAccepts: true,
    },
  ];

  for (const o of OVERRIDES) {
    it(`override ${o.override} on a tp ${o.fake}: ${o.tool} ${JSON.stringify(o.args)} follows the override`, async () => {
      const mcp = await connect({
        env: ws.env({ FAKE_TP_GENERATION: o.fake }),
        settings: { allowedDirs: [project] },
        installation: (runner) => new TpInstallation(runner, o.override),
      });
      const result = await mcp.call(o.tool, o.args);
      // with an override nothing is probed: the tool's command is the only call
      const calls = ws.calls() as LoggedCall[];
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ argv: o.argv, generation: o.fake });
      if (o.fakeAccepts) {
        expect(result.isError ?? false, textOf(result)).toBe(false);
      } else {
        // tp of another generation rejects what the override built
        expect(result.isError).toBe(true);
        expect(result.structuredContent).toMatchObject({ ok: false, exit_code: 2 });
      }
    });
  }

  it(
    'override: tools and parameters the overridden generation lacks are refused, even if the installed tp has ' +
      'them',
    async () => {
      const mcp = await connect({
        env: ws.env({ FAKE_TP_GENERATION: '0.0.9' }),
        settings: { allowedDirs: [project] },
        installation: (runner) => new TpInstallation(runner, '0.0.6'),
      });
      expectUnsupported(
        await mcp.call('object_storage_bucket_list'),
        '0.0.6',
        /object_storage_bucket_list.*0\.0\.9 or newer/,
      );
      expectUnsupported(
        await mcp.call('job_delete', { job_id: 'job-7', confirm: true }),
        '0.0.6',
        /job_delete.*0\.0\.7 or newer/,
      );
      expectUnsupported(await mcp.call('cluster_list', { instances: true }), '0.0.6', /instances.*0\.0\.7 or newer/);
      expect(ws.calls()).toEqual([]);

      const status = await mcp.call('server_status');
      expect(status.structuredContent).toMatchObject({
        tp_generation: '0.0.6',
        tp_generation_source: 'override',
        tp_version: '0.0.9',
      });
    },
  );

  it('settings.tpGeneration is the same override when no installation is given', async () => {
    const mcp = await connect({
      env: ws.env({ FAKE_TP_GENERATION: '0.0.9' }),
      settings: { allowedDirs: [project], tpGeneration: '0.0.6' },
    });
    await mcp.call('cluster_attach_storage', { cluster_id: 'c-42', storage_id: 's-7' });
    expect(ws.calls().map((call) => call.argv)).toEqual([['cluster', 'attach', G, 'c-42', 's-7']]);
    const status = await mcp.call('server_status');
    expect(status.structuredContent).toMatchObject({ tp_generation: '0.0.6', tp_generation_source: 'override' });
  });
});
