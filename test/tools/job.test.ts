import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { afterEach, describe, expect, it } from 'vitest';
import { jobTools } from '../../src/tools/job.js';
import { FakeTpWorkspace } from '../helpers/fake-tp.js';
import { type Connected, connectInMemory, textOf } from '../helpers/in-memory.js';
import { expectBadInputRefused, expectRunsArgv } from '../helpers/tool-cases.js';
import { sharedToolServer } from '../helpers/tool-server.js';
import { describeToolsnaps } from '../helpers/toolsnaps.js';

/**
 * The job tools: their schemas (toolsnaps), the argv they run, their files, and what they refuse. Every generation:
 * generations.test.ts.
 */

describeToolsnaps(jobTools);

const server = sharedToolServer();

/** A fresh directory inside the allowed one, so that the file cases do not see each other's files. */
let dirs = 0;
function freshDir(): string {
  const name = `work-${++dirs}`;
  mkdirSync(join(server.project, name));
  return name;
}

describe('against the fake tp', () => {
  it.each([
    ['job_list', {}, ['--no-input', 'job', 'list']],
    ['job_info', { job_id: 'job-7' }, ['--no-input', 'job', 'info', 'job-7']],
    ['job_cancel', { job_id: 'job-7', confirm: true }, ['job', 'cancel', '--no-input', 'job-7']],
  ])('%s %j runs tp with the exact argv and returns its output', async (name, args, argv) => {
    await expectRunsArgv(server, name, args, argv);
  });

  it('job_cancel without confirm refuses and never starts tp', async () => {
    const { result, spawned } = await server.call('job_cancel', { job_id: 'j-1', confirm: false });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Not done: .*cannot be undone.*confirm=true/);
    expect(spawned).toEqual([]);
  });
});

describe('bad input is refused before anything runs', () => {
  it.each([
    ['job_info', { job_id: 'a/b?c#d' }, /job_id/],
    ['job_info', { job_id: 'abc\n' }, /job_id/],
    ['job_info', { job_id: '' }, /job_id must not be empty/],
    ['job_info', { job_id: 'x'.repeat(10_240) }, /job_id must be at most 128/],
    ['job_info', { job_id: 42 }, /job_id/],
    ['job_write_config', { workdir: 'proj', commands: [] }, /commands must hold at least one/],
    [
      'job_write_config',
      { workdir: 'proj', commands: ['x'], filename: '../evil.toml' },
      /filename must be a plain file name/,
    ],
    ['job_write_config', { workdir: 'proj', commands: ['x'], filename: 'job.txt' }, /filename/],
  ])('%s %j', async (name, args, message) => {
    await expectBadInputRefused(server, name, args as Record<string, unknown>, message);
    expect(existsSync(join(server.project, 'evil.toml'))).toBe(false);
    expect(readdirSync(join(server.project, 'proj'))).toEqual([]);
  });
});

describe('file tools stay inside the allowed directories', () => {
  it('job_write_config writes TOML that round-trips, and refuses to overwrite by default', async () => {
    const dir = freshDir();
    const commands = ['pip install -r "requirements.txt"', 'python train.py --lr=3e-4 \\\n  --name "run 1" 🚀'];
    const { result, spawned } = await server.call('job_write_config', {
      workdir: dir,
      commands,
      outputs: ['ckpt/'],
      ignore: ['.venv'],
    });
    expect(result.isError ?? false, textOf(result)).toBe(false);
    const path = join(server.project, dir, 'job.tp.toml');
    // the model wrote the content: it reads back only where it went, relative to the one allowed directory
    expect(result.structuredContent).toEqual({ ok: true, path: `${dir}/job.tp.toml` });
    expect(textOf(result)).toBe(`Wrote ${dir}/job.tp.toml`);
    // .env is always ignored: it usually holds the API key
    expect({ ...parse(readFileSync(path, 'utf8')) }).toEqual({
      commands,
      outputs: ['ckpt/'],
      ignore: ['.venv', '.env'],
    });

    const again = await server.call('job_write_config', { workdir: dir, commands: ['other'] });
    expect(again.result.isError).toBe(true);
    expect(textOf(again.result)).toMatch(/already exists; pass overwrite=true/);
    const forced = await server.call('job_write_config', { workdir: dir, commands: ['other'], overwrite: true });
    expect(forced.result.isError ?? false).toBe(false);
    expect(readFileSync(path, 'utf8')).toContain('other');
    expect([...spawned, ...again.spawned, ...forced.spawned]).toEqual([]);
  });

  it('refuses workdirs outside, through .. or a symlink', async () => {
    const { project } = server;
    const dir = freshDir();
    symlinkSync('/tmp', join(project, dir, 'escape'));
    for (const workdir of ['/tmp', join(project, '..'), `${dir}/escape`, join(project, 'proj', '..', '..')]) {
      const { result } = await server.call('job_write_config', { workdir, commands: ['x'] });
      expect(result.isError, workdir).toBe(true);
      expect(textOf(result)).toMatch(/workdir: .*outside the allowed directories/);
    }
  });

  it('job_push runs in the config directory, or in workdir, and passes the real config path', async () => {
    const dir = freshDir();
    mkdirSync(join(server.project, dir, 'sub'));
    const config = join(server.project, dir, 'sub', 'job.tp.toml');
    writeFileSync(config, 'commands = ["python train.py"]\n');
    const unconfirmed = await server.call('job_push', { config_path: config, cluster_id: 'c-9', teardown: true });
    expect(textOf(unconfirmed.result)).toMatch(
      /Not done: destroying cluster c-9 when the job ends \(teardown\).*confirm=true/,
    );
    expect(unconfirmed.ran).toEqual([]);
    const { result, ran } = await server.call('job_push', {
      config_path: config,
      cluster_id: 'c-9',
      teardown: true,
      confirm: true,
    });
    expect(result.isError ?? false, textOf(result)).toBe(false);
    expect(ran).toEqual([
      expect.objectContaining({
        argv: ['--no-input', 'job', 'push', '--teardown', config, 'c-9'],
        cwd: join(server.project, dir, 'sub'),
      }),
    ]);

    const workdir = join(server.project, dir);
    const inWorkdir = await server.call('job_push', {
      config_path: `${dir}/sub/job.tp.toml`,
      cluster_id: 'c-9',
      workdir,
    });
    expect(inWorkdir.ran, textOf(inWorkdir.result)).toEqual([
      expect.objectContaining({ argv: ['--no-input', 'job', 'push', config, 'c-9'], cwd: workdir }),
    ]);
  });

  it('job_push refuses a config outside the allowed directories without running tp', async () => {
    const { result, ran } = await server.call('job_push', { config_path: '/etc/hostname', cluster_id: 'c-9' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/config_path: .*outside the allowed directories/);
    expect(ran).toEqual([]);
  });

  it('job_pull downloads into workdir, and keeps existing files unless force', async () => {
    const dir = freshDir();
    const first = await server.call('job_pull', { job_id: 'job-5', workdir: dir });
    expect(first.result.isError ?? false, textOf(first.result)).toBe(false);
    expect(first.ran.map((call) => call.argv)).toEqual([['--no-input', 'job', 'pull', 'job-5']]);
    expect(readdirSync(join(server.project, dir), { recursive: true })).toContain(join('outputs', 'job-5-result.txt'));
    expect(textOf((await server.call('job_pull', { job_id: 'job-5', workdir: dir })).result)).toMatch(
      /Kept \(already there; force=true replaces them\): outputs\/job-5-result\.txt/,
    );
    const again = await server.call('job_pull', { job_id: 'job-5', workdir: dir, force: true });
    expect(again.ran.map((call) => call.argv)).toEqual([['--no-input', 'job', 'pull', '--force', 'job-5']]);
    expect(again.result.structuredContent).toMatchObject({ moved: ['outputs/job-5-result.txt'] });
  });
});

describe('with no directory allowed', () => {
  let ws: FakeTpWorkspace | undefined;
  let mcp: Connected | undefined;
  afterEach(async () => {
    await mcp?.close();
    ws?.cleanup();
  });

  it('file tools refuse, and say how to allow one', async () => {
    ws = new FakeTpWorkspace();
    mcp = await connectInMemory({ env: ws.env() });
    const result = await mcp.call('job_pull', { job_id: 'job-5', workdir: ws.dir });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/No directory is allowed/);
    expect(ws.commandCalls()).toHaveLength(0);
  });
});
