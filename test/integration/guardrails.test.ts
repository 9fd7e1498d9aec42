import { existsSync, readFileSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/config.js';
import { FAKE_TP, FakeTpWorkspace } from '../helpers/fake-tp.js';
import { connectInMemory, textOf, type Connected } from '../helpers/in-memory.js';

let ws: FakeTpWorkspace;
let project: string;
let mcp: Connected;

async function connect(config: ConfigInput, env: Record<string, string | undefined> = {}) {
  mcp = await connectInMemory({ env: ws.env(env), allowedDirs: [project], config });
  return mcp;
}

beforeEach(() => {
  ws = new FakeTpWorkspace();
  project = realpathSync(ws.dir);
});
afterEach(async () => {
  await mcp?.close();
  ws.cleanup();
});

describe('spending guardrails', () => {
  const guardrails = { allowInstanceTypes: ['1xH100', '2xH100', '*L40S'], maxNodes: 2, maxStorageGb: 500 };

  it.each([
    [
      'cluster_create',
      { instance_type: '8xH100' },
      /instance_type 8xH100 is not allowed on this server \(allowed: 1xH100, 2xH100, \*L40S\).*--allow-instance-types/,
    ],
    [
      'cluster_create',
      { instance_type: '1xH100', num_nodes: 4 },
      /num_nodes 4 is over this server's limit of 2.*--max-nodes/,
    ],
    ['storage_create', { size_gb: 1000 }, /size_gb 1000 is over this server's limit of 500 GB.*--max-storage-gb/],
    ['storage_edit', { storage_id: 's-1', size_gb: 501 }, /size_gb 501 is over/],
    [
      'job_write_config',
      { workdir: '.', commands: ['x'], instance_type: '8xB200' },
      /instance_type 8xB200 is not allowed/,
    ],
  ])('%s %j is refused with the limit it broke, and nothing runs', async (name, args, message) => {
    await connect({ guardrails });
    const result = await mcp.call(name, args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
    expect(ws.commandCalls()).toHaveLength(0);
    expect(existsSync(join(project, 'job.tp.toml'))).toBe(false);
  });

  it.each([
    ['cluster_create', { instance_type: '2xH100', num_nodes: 2 }],
    ['cluster_create', { instance_type: '4xl40s' }],
    ['storage_create', { size_gb: 500 }],
  ])('%s %j inside the limits runs', async (name, args) => {
    await connect({ guardrails });
    const result = await mcp.call(name, args);
    expect(result.isError ?? false, textOf(result)).toBe(false);
    expect(ws.commandCalls()).toHaveLength(1);
  });

  it('server_status reports the limits', async () => {
    await connect({ guardrails, dryRun: true });
    const result = await mcp.call('server_status');
    expect(result.structuredContent).toMatchObject({
      dry_run: true,
      guardrails: { allow_instance_types: ['1xH100', '2xH100', '*L40S'], max_nodes: 2, max_storage_gb: 500 },
    });
  });
});

describe('--dry-run', () => {
  it('changing tools return the exact command and run nothing; read-only tools still run', async () => {
    await connect({ dryRun: true });
    const create = await mcp.call('cluster_create', { instance_type: '1xH100', name: 'its' });
    expect(create.isError ?? false).toBe(false);
    expect(textOf(create)).toContain(
      `Dry run: nothing was run. Without --dry-run the server would run:\n${FAKE_TP} --no-input cluster create ` +
        `--name=its 1xH100`,
    );
    expect(create.structuredContent).toEqual({ ok: true, dry_run: true });
    const destroy = await mcp.call('cluster_destroy', { cluster_id: 'c-1', confirm: true });
    expect(textOf(destroy)).toContain(`would run:\n${FAKE_TP} cluster destroy --no-input c-1`);
    expect(ws.commandCalls()).toHaveLength(0);

    const list = await mcp.call('cluster_list');
    expect(list.structuredContent).toMatchObject({ ok: true });
    expect(list.structuredContent).not.toHaveProperty('dry_run');
    expect(ws.commandCalls()).toHaveLength(1);
  });

  it('job_write_config shows the file it would write without writing it; job_push names its directory', async () => {
    mkdirSync(join(project, 'p'));
    writeFileSync(join(project, 'p', 'job.tp.toml'), 'commands = ["x"]\n');
    await connect({ dryRun: true });
    const write = await mcp.call('job_write_config', {
      workdir: 'p',
      commands: ['python train.py'],
      filename: 'new.tp.toml',
    });
    expect(textOf(write)).toMatch(/nothing was written.*new\.tp\.toml/s);
    expect(existsSync(join(project, 'p', 'new.tp.toml'))).toBe(false);
    const push = await mcp.call('job_push', { config_path: 'p/job.tp.toml', cluster_id: 'c-1' });
    expect(textOf(push)).toContain(
      `\n${FAKE_TP} --no-input job push ${join(project, 'p', 'job.tp.toml')} c-1\n(in ${join(project, 'p')})`,
    );
    expect(ws.commandCalls()).toHaveLength(0);
  });

  it('job_write_config: a dry run refuses what a real call refuses (an existing file without overwrite)', async () => {
    mkdirSync(join(project, 'p'));
    writeFileSync(join(project, 'p', 'job.tp.toml'), 'commands = ["old"]\n');
    await connect({ dryRun: true });
    const refused = await mcp.call('job_write_config', { workdir: 'p', commands: ['python train.py'] });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toBe(
      `${join(project, 'p', 'job.tp.toml')} already exists; pass overwrite=true to replace it.`,
    );
    const allowed = await mcp.call('job_write_config', {
      workdir: 'p',
      commands: ['python train.py'],
      overwrite: true,
    });
    expect(textOf(allowed)).toMatch(/nothing was written/);
    expect(readFileSync(join(project, 'p', 'job.tp.toml'), 'utf8')).toBe('commands = ["old"]\n');
  });

  it('masks the key even in a dry-run command line', async () => {
    await connect({ dryRun: true });
    const result = await mcp.call('cluster_create', { instance_type: '1xH100' });
    expect(JSON.stringify(result)).not.toContain(ws.env().TENSORPOOL_KEY);
  });
});
