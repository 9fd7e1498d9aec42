import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { parse } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ToolDefinition } from '../../src/registry/tool.js';
import { allTools } from '../../src/tools/index.js';
import { FakeTpWorkspace, type FakeTpCall } from '../helpers/fake-tp.js';
import { connectInMemory, textOf, type Connected } from '../helpers/in-memory.js';
import { publicKeyLine } from '../helpers/ssh-keys.js';

/**
 * Argument injection (docs/tp-cli.md §9.1–9.2): every string parameter of every tool, given values that
 * argparse or the engine's URLs would misread. Each value must be refused before anything runs
 * (naming the field), or reach the fake tp only harmlessly: inside a `--flag=value` element, as a
 * positional that cannot be read as an option, inside a file, or as the working directory. Never
 * as an argv element of its own that starts with '-', and never split into several elements.
 * Runs on the fake's default generation (0.0.9).
 */

const HOSTILE: readonly (readonly [label: string, value: string])[] = [
  ['--help', '--help'],
  ['-x', '-x'],
  ['--no-input', '--no-input'],
  ['a b', 'a b'],
  ['a/b?c#d', 'a/b?c#d'],
  ['newline', 'line1\nline2'],
  ['empty', ''],
  ['10 kB', 'x'.repeat(10 * 1024)],
];

/** The hostile values that can be names on disk: path fields may legitimately accept them. */
const ON_DISK = ['--help', '-x', '--no-input', 'a b', 'a/b?c#d'];

const KEY = publicKeyLine('ssh-ed25519');
/** Key fields also get a valid key whose comment carries the payload: accepted, it may only land in the key file. */
const KEY_FIELDS = new Set(['ssh_public_key', 'public_key']);
const KEY_VARIANTS: readonly (readonly [string, string])[] = [
  ...ON_DISK.map((payload) => [`key + ${payload}`, `${KEY} ${payload}`] as const),
  ['key + newline + --help', `${KEY}\n--help`],
];

const CONFIG_TEXT = 'commands = ["python train.py"]\n';

interface Roots {
  /** Holds a directory for every ON_DISK name, and `proj`. */
  dirs: string;
  /** Holds a job config file for every ON_DISK name, `job.tp.toml`, and a `proj` directory. */
  files: string;
  privateKey: string;
}

/** A valid value for every string parameter any tool has, so the others can be filled in. */
function validValues(roots: Roots): Record<string, unknown> {
  return {
    cluster_id: 'c-42',
    storage_id: 's-7',
    job_id: 'job-5',
    key_id: 'key-1',
    instance_type: '8xH100',
    name: 'nm1',
    container: 'img:1',
    bucket_name: 'my-bucket',
    volume_type: 'fast',
    status: 'FAILED',
    command: 'cluster create',
    filename: 'out.tp.toml',
    commands: ['python train.py'],
    outputs: ['ckpt/'],
    ignore: ['.venv'],
    workdir: 'proj',
    config_path: 'job.tp.toml',
    private_key_path: roots.privateKey,
    ssh_public_key: KEY,
    public_key: KEY,
  };
}

/** What some tools need besides their schema's required fields to run at all on 0.0.9. */
const EXTRA: Record<string, Record<string, unknown>> = {
  cluster_edit: { deletion_protection: true },
  storage_edit: { size_gb: 200 },
  storage_create: { size_gb: 100 },
  job_push: { cluster_id: 'c-9' },
  job_write_config: { overwrite: true },
};

interface StringField {
  name: string;
  /** An array of strings: the hostile value goes in as its only item. */
  list: boolean;
}

interface JsonProperty {
  type?: string;
  items?: { type?: string };
}

function describeSchema(tool: ToolDefinition) {
  const schema = z.toJSONSchema(z.object(tool.inputSchema), { io: 'input' }) as {
    properties?: Record<string, JsonProperty>;
    required?: string[];
  };
  const properties = schema.properties ?? {};
  const fields: StringField[] = [];
  for (const [name, property] of Object.entries(properties)) {
    if (property.type === 'string') fields.push({ name, list: false });
    else if (property.type === 'array' && property.items?.type === 'string') fields.push({ name, list: true });
  }
  return { fields, required: new Set(schema.required ?? []), properties: Object.keys(properties) };
}

const PROBES = [['--version'], ['storage', 'create', '--help'], ['cluster', 'create', '--help']];
const isProbe = (call: FakeTpCall) => PROBES.some((probe) => JSON.stringify(probe) === JSON.stringify(call.argv));

/** argv with the per-call temporary key file path replaced, so two calls compare. */
const normalised = (call: FakeTpCall) =>
  call.argv.map((arg) => (call.keyFile ? arg.split(call.keyFile.path).join('<KEY FILE>') : arg));

let ws: FakeTpWorkspace;
let roots: Roots;
/** `tool.field = label` of every value that was accepted, to show the accepting branches ran. */
const accepted = new Set<string>();

beforeAll(() => {
  ws = new FakeTpWorkspace();
  const project = realpathSync(ws.dir);
  roots = { dirs: join(project, 'dirs'), files: join(project, 'files'), privateKey: join(project, 'id_test') };
  mkdirSync(join(roots.dirs, 'proj'), { recursive: true });
  mkdirSync(join(roots.files, 'proj'), { recursive: true });
  writeFileSync(join(roots.files, 'job.tp.toml'), CONFIG_TEXT);
  for (const name of ON_DISK) {
    mkdirSync(join(roots.dirs, name), { recursive: true });
    mkdirSync(dirname(join(roots.files, name)), { recursive: true });
    writeFileSync(join(roots.files, name), CONFIG_TEXT);
  }
  writeFileSync(roots.privateKey, 'not a real private key\n', { mode: 0o600 });
});
afterAll(() => ws?.cleanup());

// the operation tools never reach tp: their one string, operation_id, is an op_<hex> pattern checked by the schema
const tested = allTools
  .filter((tool) => !tool.name.startsWith('operation_'))
  .map((tool) => ({ tool, ...describeSchema(tool) }))
  .filter((entry) => entry.fields.length > 0);

it('finds the string parameters of every tool, and has a valid value for each', () => {
  const names = tested.flatMap(({ tool, fields }) => fields.map((field) => `${tool.name}.${field.name}`));
  expect(names).toEqual(
    expect.arrayContaining([
      'cluster_create.instance_type',
      'cluster_create.ssh_public_key',
      'cluster_create.container',
      'cluster_info.cluster_id',
      'storage_create.volume_type',
      'job_push.config_path',
      'job_pull.private_key_path',
      'job_write_config.commands',
      'ssh_key_add.public_key',
      'object_storage_bucket_create.bucket_name',
      'tp_help.command',
    ]),
  );
  const valid = validValues({ dirs: '/d', files: '/f', privateKey: '/k' });
  for (const name of names) expect(valid, name).toHaveProperty(name.split('.')[1]!);
});

for (const { tool, fields, required, properties } of tested) {
  describe(tool.name, () => {
    let mcp: Connected;
    // job_push takes files; every other path field takes directories (or, for the key, must be absolute)
    let root: string;
    const baselines = new Map<string, FakeTpCall | null>();

    beforeAll(async () => {
      root = tool.name === 'job_push' ? roots.files : roots.dirs;
      mcp = await connectInMemory({ env: ws.env(), allowedDirs: [root] });
    });
    afterAll(async () => {
      await mcp?.close();
    });

    /** The other fields filled in with valid values. */
    function argsFor(field: StringField, value: string | undefined): Record<string, unknown> {
      const valid = validValues(roots);
      const args: Record<string, unknown> = { ...EXTRA[tool.name] };
      for (const name of properties) {
        if (name === 'confirm') args.confirm = true;
        else if (required.has(name) && !(name in args)) {
          if (!(name in valid)) throw new Error(`test table: no valid value for ${tool.name}.${name}`);
          args[name] = valid[name];
        }
      }
      args[field.name] = value === undefined ? valid[field.name] : field.list ? [value] : value;
      return args;
    }

    async function call(
      args: Record<string, unknown>,
    ): Promise<{ result: CallToolResult; fresh: FakeTpCall[]; spawned: FakeTpCall[] }> {
      const before = ws.calls().length;
      const result = await mcp.call(tool.name, args);
      const fresh = ws.calls().slice(before);
      // tp_help never probes (since: 'none'), and its own call may look like a probe
      return { result, fresh, spawned: tool.name === 'tp_help' ? fresh : fresh.filter((entry) => !isProbe(entry)) };
    }

    /** The call the tool makes with a valid value in `field`: what an accepted value is compared with. */
    async function baseline(field: StringField): Promise<FakeTpCall | null> {
      if (!baselines.has(field.name)) {
        const { result, spawned } = await call(argsFor(field, undefined));
        expect(result.isError ?? false, `baseline for ${field.name}: ${textOf(result)}`).toBe(false);
        expect(spawned.length, `baseline for ${field.name}`).toBeLessThanOrEqual(1);
        baselines.set(field.name, spawned[0] ?? null);
      }
      return baselines.get(field.name)!;
    }

    for (const field of fields) {
      const values = [...HOSTILE, ...(KEY_FIELDS.has(field.name) ? KEY_VARIANTS : [])];
      for (const [label, value] of values) {
        it(`${field.name} = ${label}`, async () => {
          const { result, fresh, spawned } = await call(argsFor(field, value));

          if (spawned.length === 0 && result.isError) {
            // refused before anything ran, saying which field is wrong
            expect(textOf(result)).toContain(field.name);
            return;
          }

          if (spawned.length === 0) {
            // accepted by a local-only tool (job_write_config): nothing ran, and the value lands in the file as given
            expect(fresh).toEqual([]);
            expect(result.isError ?? false, textOf(result)).toBe(false);
            // the path comes back relative to the one allowed directory
            const written = resolve(root, (result.structuredContent as { path: string }).path);
            const document = { ...parse(readFileSync(written, 'utf8')) } as Record<string, unknown>;
            if (field.name === 'workdir') expect(dirname(written)).toBe(join(root, value));
            else if (field.name === 'filename') expect(basename(written)).toBe(value);
            // job_write_config always adds .env to ignore, so the API key is never uploaded
            else if (field.name === 'ignore') expect(document.ignore).toEqual([value, '.env']);
            else expect(document[field.name]).toEqual(field.list ? [value] : value);
            accepted.add(`${tool.name}.${field.name} = ${label}`);
            return;
          }

          const reference = await baseline(field);
          expect(reference, 'with a valid value the tool runs tp too').not.toBeNull();

          // accepted: it reached tp, exactly once, and tp's parser took it as a value
          expect(spawned).toHaveLength(1);
          const tp = spawned[0]!;
          expect(tp.generation).toBe('0.0.9');
          accepted.add(`${tool.name}.${field.name} = ${label}`);
          expect(tp.usageError ?? false, JSON.stringify(tp.argv)).toBe(false);
          const argv = normalised(tp);
          const expected = normalised(reference!);

          if (value === '') {
            // nothing to carry: no empty element and no option with an empty value
            for (const arg of argv) expect(arg === '' || arg.endsWith('='), JSON.stringify(argv)).toBe(false);
            return;
          }

          // same shape as with a valid value, the valid value swapped for this one and nothing split off
          const validValue = argsFor(field, undefined)[field.name];
          const valid = String(Array.isArray(validValue) ? validValue[0] : validValue);
          const carriers = expected.map((arg) => arg.includes(valid));
          expect(argv).toEqual(expected.map((arg) => arg.split(valid).join(value)));
          argv.forEach((arg, index) => {
            if (carriers[index] && arg.startsWith('-'))
              expect(arg, 'an option may carry the value only as --flag=value').toMatch(/^--[a-z][a-z-]*=/);
          });

          // job_pull runs tp in a private directory and moves what it downloads into workdir
          const pulledInto =
            tool.name === 'job_pull' && field.name === 'workdir' && existsSync(join(root, value, 'outputs'));
          const whole =
            argv.some((arg) => arg.includes(value)) ||
            (tp.keyFile?.content ?? '').includes(value.trim()) ||
            (tp.config ?? '').includes(value) ||
            tp.cwd === join(root, value) ||
            pulledInto;
          expect(whole, 'the value reached tp whole: in argv, in a file, or as the working directory').toBe(true);
          if (field.name === 'workdir' && tool.name !== 'job_pull') expect(tp.cwd).toBe(join(root, value));
          if (KEY_FIELDS.has(field.name)) expect(tp.keyFile?.content).toBe(`${value.trim()}\n`);
        });
      }
    }
  });
}

it('the accepting branches above did run: some hostile values are legitimately accepted', () => {
  expect([...accepted]).toEqual(
    expect.arrayContaining([
      'job_init.workdir = --help',
      'job_pull.workdir = a b',
      'job_push.config_path = --no-input',
      'job_push.config_path = a/b?c#d',
      'cluster_create.ssh_public_key = key + --help',
      'ssh_key_add.public_key = key + -x',
      'job_write_config.commands = --help',
      'job_write_config.commands = newline',
      'job_write_config.workdir = -x',
      'tp_help.command = empty',
    ]),
  );
});
