// The attacks on the file tools from issue 9, each refused, with nothing written outside the allowed
// directories: a client's roots widening them, a workdir outside them, a config whose outputs climb
// out, a key file uploaded for want of an ignore entry, and a pull that follows a symlink out.
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeTpWorkspace } from '../helpers/fake-tp.js';
import { connectInMemory, textOf, type Connected } from '../helpers/in-memory.js';

let ws: FakeTpWorkspace;
/** The one allowed directory. */
let project: string;
/** A directory beside it that no call may touch (stands in for /etc or ~/.ssh). */
let outside: string;
let mcp: Connected | undefined;

beforeEach(() => {
  ws = new FakeTpWorkspace();
  project = join(realpathSync(ws.dir), 'project');
  mkdirSync(project);
  outside = realpathSync(mkdtempSync(join(tmpdir(), 'tpmcp-outside-')));
  writeFileSync(join(outside, 'id_ed25519'), 'not a real private key\n');
});
afterEach(async () => {
  await mcp?.close();
  mcp = undefined;
  ws.cleanup();
  rmSync(outside, { recursive: true, force: true });
});

async function connect(options: { roots?: string[]; env?: Record<string, string> } = {}) {
  mcp = await connectInMemory({ env: ws.env(options.env), allowedDirs: [project], roots: options.roots });
  return mcp;
}

const commandsRun = (word: string) => ws.commandCalls().filter((call) => call.argv.includes(word));

describe('MCP roots only narrow the allowed directories', () => {
  it(
    'a file:/// root does not widen them: server_status still names only the project, and job_init outside is ' +
      'refused',
    async () => {
      const client = await connect({ roots: ['file:///'] });
      const status = await client.call('server_status');
      expect((status.structuredContent as { allowed_dirs: string[] }).allowed_dirs).toEqual([project]);
      expect(textOf(status)).toContain(`allowed directories: ${project}\n`);

      const init = await client.call('job_init', { workdir: outside });
      expect(init.isError).toBe(true);
      expect(textOf(init)).toMatch(/workdir: .* is outside the allowed directories/);
      expect(readdirSync(outside)).toEqual(['id_ed25519']);
      expect(commandsRun('init')).toHaveLength(0);
    },
  );

  it('a root inside the project narrows the file tools to it', async () => {
    mkdirSync(join(project, 'sub'));
    const client = await connect({ roots: [join(project, 'sub')] });
    expect(textOf(await client.call('job_write_config', { workdir: project, commands: ['x'] }))).toMatch(
      /outside the allowed directories/,
    );
    expect(
      (await client.call('job_write_config', { workdir: join(project, 'sub'), commands: ['x'] })).isError ?? false,
    ).toBe(false);
  });

  it('roots beside the project leave no directory, and the file tools say why', async () => {
    const client = await connect({ roots: [outside] });
    const refused = await client.call('job_write_config', { workdir: outside, commands: ['x'] });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain(
      `your client's roots (${outside}) lie outside the directories the server allows (${project})`,
    );
    expect(readdirSync(outside)).toEqual(['id_ed25519']);
  });
});

describe('job_push', () => {
  function config(text: string, dir = project): string {
    const path = join(dir, 'job.tp.toml');
    writeFileSync(path, text);
    return path;
  }

  it('refuses a workdir outside the allowed directories, even with a file:/// root, and uploads nothing', async () => {
    const client = await connect({ roots: ['file:///'] });
    const result = await client.call('job_push', {
      config_path: config('commands = ["x"]\nignore = [".env"]\n'),
      workdir: outside,
      cluster_id: 'c-1',
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/workdir: .* is outside the allowed directories/);
    expect(commandsRun('push')).toHaveLength(0);
  });

  it('refuses a hand-written ignore = [] next to .env, naming the file; nothing is uploaded', async () => {
    writeFileSync(join(project, '.env'), 'TENSORPOOL_API_KEY=from-the-project\n');
    const client = await connect();
    const result = await client.call('job_push', {
      config_path: config('commands = ["python train.py"]\nignore = []\n'),
      cluster_id: 'c-1',
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      /workdir: .* holds files that look like secrets, .* cover them: \.env \(named like a key file\)\. .*Add each to ignore .*ignore = \["\.env"\]/s,
    );
    expect(commandsRun('push')).toHaveLength(0);
  });

  it(
    'names every uncovered key file, nested ones, and a symlinked directory that leads outside the allowed ' + 'ones',
    async () => {
      mkdirSync(join(project, 'deploy'));
      writeFileSync(join(project, 'deploy', 'server.pem'), '');
      writeFileSync(join(project, 'deploy', 'id_rsa.pub'), ''); // a public key is meant to be shared
      writeFileSync(join(project, '.env'), '');
      symlinkSync(outside, join(project, 'keys'));
      const client = await connect();
      // `.env` covers only the top-level file: whether tp would also skip deploy/.env is not documented
      writeFileSync(join(project, 'deploy', '.env'), '');
      const result = await client.call('job_push', {
        config_path: config('commands = ["x"]\nignore = [".env"]\n'),
        cluster_id: 'c-1',
      });
      expect(result.isError).toBe(true);
      const text = textOf(result);
      for (const name of [
        'deploy/server.pem',
        'deploy/.env',
        'keys (a symlink leading outside the allowed directories)',
      ])
        expect(text).toContain(name);
      expect(text).not.toMatch(/id_rsa\.pub|: \.env,/);
      expect(commandsRun('push')).toHaveLength(0);
    },
  );

  it('runs when the ignore list covers every key file', async () => {
    mkdirSync(join(project, 'deploy'));
    writeFileSync(join(project, 'deploy', 'server.pem'), '');
    writeFileSync(join(project, '.env'), '');
    const client = await connect();
    const result = await client.call('job_push', {
      config_path: config('commands = ["x"]\nignore = ["./.env", "deploy/"]\n'),
      cluster_id: 'c-1',
    });
    expect(result.isError ?? false, textOf(result)).toBe(false);
    expect(commandsRun('push')).toHaveLength(1);
  });
});

describe('job_write_config', () => {
  it.each([
    ['outputs', '../../etc/passwd', /has a '\.\.' segment/],
    ['outputs', '/etc/passwd', /is an absolute path/],
    ['outputs', 'ckpt/../../x', /has a '\.\.' segment/],
    ['outputs', '~/.ssh/id_rsa', /starts with '~'/],
    ['ignore', '..\\secrets', /has a '\.\.' segment/],
    ['ignore', 'C:\\Users', /is an absolute path/],
  ])('refuses %s entry %s, naming the field and the entry; nothing is written', async (field, entry, problem) => {
    const client = await connect();
    const result = await client.call('job_write_config', {
      workdir: project,
      commands: ['x'],
      [field]: ['ok/', entry],
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(`${field}: ${JSON.stringify(entry)} `);
    expect(textOf(result)).toMatch(problem);
    expect(readdirSync(project)).toEqual([]);
  });

  it('accepts relative entries, globs and names that merely contain dots', async () => {
    const client = await connect();
    const result = await client.call('job_write_config', {
      workdir: project,
      commands: ['x'],
      outputs: ['ckpt/', '*.log', 'a..b/c'],
      ignore: ['./.venv'],
    });
    expect(result.isError ?? false, textOf(result)).toBe(false);
  });
});

describe('job_pull', () => {
  const pulled = (result: Awaited<ReturnType<Connected['call']>>) =>
    result.structuredContent as { moved: string[]; kept: string[]; skipped: { path: string; reason: string }[] };

  it('runs tp in a private directory and moves the downloads into the work directory', async () => {
    const client = await connect();
    const result = await client.call('job_pull', { job_id: 'j-1', workdir: project });
    expect(result.isError ?? false, textOf(result)).toBe(false);
    expect(readFileSync(join(project, 'outputs', 'j-1-result.txt'), 'utf8')).toBe('result of j-1');
    expect(pulled(result)).toEqual({ ok: true, moved: ['outputs/j-1-result.txt'] });
    const [call] = commandsRun('pull');
    expect(call!.cwd.startsWith(project)).toBe(false);
    expect(existsSync(call!.cwd)).toBe(false); // removed after the call
    expect(textOf(result)).toMatch(/Job files pulled successfully\nMoved in: outputs\/j-1-result\.txt/);
  });

  it('does not follow a symlink in the work directory out of it', async () => {
    symlinkSync(outside, join(project, 'outputs'));
    const client = await connect();
    const result = await client.call('job_pull', { job_id: 'j-1', workdir: project });
    expect(readdirSync(outside)).toEqual(['id_ed25519']);
    expect(pulled(result).moved).toEqual([]);
    expect(pulled(result).skipped).toEqual([
      {
        path: 'outputs/j-1-result.txt',
        reason: 'outputs in the work directory is a symbolic link that leads out of it',
      },
    ]);
    expect(textOf(result)).toContain(
      'Skipped outputs/j-1-result.txt: outputs in the work directory is a symbolic link that leads out of it',
    );
  });

  it('skips symlinks in the download and paths that climb out with ..; moves the regular files', async () => {
    const client = await connect({
      env: {
        FAKE_TP_PULL_FILES: JSON.stringify(['out/model.bin', '../escaped.txt']),
        FAKE_TP_PULL_COMMAND: `mkdir -p out && ln -s ${outside}/id_ed25519 out/key && ln -s ${outside} out/dir`,
      },
    });
    const result = await client.call('job_pull', { job_id: 'j-2', workdir: project });
    expect(result.isError ?? false, textOf(result)).toBe(false);
    expect(pulled(result).moved).toEqual(['out/model.bin']);
    expect(
      pulled(result)
        .skipped.map((entry) => entry.path)
        .sort(),
    ).toEqual(['../escaped.txt', 'out/dir', 'out/key']);
    expect(readdirSync(join(project, 'out'))).toEqual(['model.bin']);
    expect(existsSync(join(realpathSync(ws.dir), 'escaped.txt'))).toBe(false);
    expect(readdirSync(outside)).toEqual(['id_ed25519']);
  });

  it('keeps existing files unless force=true, and never replaces a symlink in the work directory', async () => {
    mkdirSync(join(project, 'outputs'));
    writeFileSync(join(project, 'outputs', 'j-3-result.txt'), 'mine');
    const client = await connect();
    const kept = await client.call('job_pull', { job_id: 'j-3', workdir: project });
    expect(pulled(kept)).toEqual({ ok: true, moved: [], kept: ['outputs/j-3-result.txt'] });
    expect(readFileSync(join(project, 'outputs', 'j-3-result.txt'), 'utf8')).toBe('mine');

    const forced = await client.call('job_pull', { job_id: 'j-3', workdir: project, force: true });
    expect(pulled(forced).moved).toEqual(['outputs/j-3-result.txt']);
    expect(readFileSync(join(project, 'outputs', 'j-3-result.txt'), 'utf8')).toBe('result of j-3');

    rmSync(join(project, 'outputs', 'j-3-result.txt'));
    symlinkSync(join(outside, 'id_ed25519'), join(project, 'outputs', 'j-3-result.txt'));
    const linked = await client.call('job_pull', { job_id: 'j-3', workdir: project, force: true });
    expect(pulled(linked).skipped).toEqual([
      { path: 'outputs/j-3-result.txt', reason: 'a symbolic link in the work directory has that name; not replaced' },
    ]);
    expect(readFileSync(join(outside, 'id_ed25519'), 'utf8')).toBe('not a real private key\n');
    expect(lstatSync(join(project, 'outputs', 'j-3-result.txt')).isSymbolicLink()).toBe(true);
  });
});
