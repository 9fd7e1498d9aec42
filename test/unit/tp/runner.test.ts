import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { delimiter, join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { childEnvironment } from '../../../src/tp/environment.js';
import { TpNotFoundError } from '../../../src/errors.js';
import { TpRunner } from '../../../src/tp/runner.js';
import {
  FAKE_TP,
  FAKE_TP_PASS_ENV,
  FakeTpWorkspace,
  TEST_KEY,
  isAlive,
  waitFor,
  RUNNER_LIMITS,
} from '../../helpers/fake-tp.js';

let ws: FakeTpWorkspace;
let runner: TpRunner | undefined;
beforeEach(() => {
  ws = new FakeTpWorkspace();
});
afterEach(async () => {
  await runner?.shutdown();
  runner = undefined;
  ws.cleanup();
});

function makeRunner(
  env: Record<string, string | undefined>,
  extra: Partial<ConstructorParameters<typeof TpRunner>[0]> = {},
) {
  runner = new TpRunner({
    ...RUNNER_LIMITS,
    tpPath: FAKE_TP,
    passEnv: FAKE_TP_PASS_ENV,
    env,
    timeoutMs: 10_000,
    killGraceMs: 300,
    ...extra,
  });
  return runner;
}

describe('childEnvironment', () => {
  it('bridges TENSORPOOL_API_KEY and sets the non-TTY settings', () => {
    const env = childEnvironment({ TENSORPOOL_API_KEY: 'k-1', PATH: '/bin' });
    expect(env).toMatchObject({
      TENSORPOOL_KEY: 'k-1',
      PYTHONUNBUFFERED: '1',
      TQDM_DISABLE: '1',
      COLUMNS: '1000',
      PATH: '/bin',
    });
  });

  it('gives tp only its allow-list of the environment: other credentials and settings stay with the server', () => {
    const env = childEnvironment({
      TENSORPOOL_API_KEY: 'k-1',
      AWS_SECRET_ACCESS_KEY: 'a',
      GITHUB_TOKEN: 'b',
      OPENAI_API_KEY: 'c',
      DB_PASSWORD: 'd',
      DATABASE_URL: 'postgres://u:p@db/x',
      HF_TOKEN_X: 'hf',
      TENSORPOOL_MCP_AUTH_TOKENS: 'server-token',
      SSH_AUTH_SOCK: '/tmp/agent',
      PATH: '/bin',
      HOME: '/root',
      HTTPS_PROXY: 'http://proxy',
      REQUESTS_CA_BUNDLE: '/ca.pem',
      LC_ALL: 'C.UTF-8',
      TENSORPOOL_ENGINE: 'http://e',
      PYTHONPATH: '/py',
      SYSTEMROOT: 'C:\\Windows',
    });
    expect(Object.keys(env).sort()).toEqual([
      'COLUMNS',
      'HOME',
      'HTTPS_PROXY',
      'LC_ALL',
      'PATH',
      'PYTHONPATH',
      'PYTHONUNBUFFERED',
      'REQUESTS_CA_BUNDLE',
      'SYSTEMROOT',
      'TENSORPOOL_ENGINE',
      'TENSORPOOL_KEY',
      'TQDM_DISABLE',
    ]);
    expect(env.TENSORPOOL_KEY).toBe('k-1');
  });

  it('passes what --pass-env names, one name or a NAME* prefix, and nothing else', () => {
    const server = {
      PATH: '/bin',
      DATABASE_URL: 'postgres://x',
      HF_HOME: '/hf',
      HF_TOKEN_X: 'hf',
      WANDB_MODE: 'offline',
      WANDB_API_KEY: 'w',
    };
    expect(childEnvironment(server, ['HF_HOME'])).toMatchObject({ HF_HOME: '/hf' });
    expect(childEnvironment(server, ['HF_HOME'])).not.toHaveProperty('HF_TOKEN_X');
    const wandb = childEnvironment(server, ['WANDB_*']);
    expect(wandb).toMatchObject({ WANDB_MODE: 'offline', WANDB_API_KEY: 'w' });
    expect(wandb).not.toHaveProperty('DATABASE_URL');
  });

  it('keeps TENSORPOOL_KEY when both are set and drops an empty engine URL', () => {
    expect(
      childEnvironment({ TENSORPOOL_KEY: 'a', TENSORPOOL_API_KEY: 'b', TENSORPOOL_ENGINE: '' }),
    ).not.toHaveProperty('TENSORPOOL_ENGINE');
    expect(childEnvironment({ TENSORPOOL_KEY: 'a', TENSORPOOL_API_KEY: 'b' }).TENSORPOOL_KEY).toBe('a');
  });
});

describe('TpRunner', () => {
  it('masks the other secrets it is given (auth tokens), plain and encoded, like the key', async () => {
    const token = 'server-auth-token-0123456789abcdef';
    const printed =
      `token ${token} b64 ${Buffer.from(token).toString('base64')} hex ` + `${Buffer.from(token).toString('hex')}`;
    const result = await makeRunner(ws.env({ FAKE_TP_STDERR: printed }), { secrets: [token] }).run([
      '--no-input',
      'me',
    ]);
    expect(result.stderr).toBe(`token [REDACTED] b64 [REDACTED] hex [REDACTED]\n`);
  });

  it('tp sees DATABASE_URL and HF_TOKEN_X only when --pass-env names them', async () => {
    const env = ws.env({ DATABASE_URL: 'postgres://user:pw@db/prod', HF_TOKEN_X: 'hf_secret', HF_HOME: '/hf' });
    await makeRunner(env).run(['--no-input', 'me']);
    expect(ws.lastCall().envNames).toContain('PATH');
    expect(ws.lastCall().envNames).not.toContain('DATABASE_URL');
    expect(ws.lastCall().envNames).not.toContain('HF_TOKEN_X');
    expect(ws.lastCall().envNames).not.toContain('HF_HOME');
    await runner!.shutdown();
    await makeRunner(env, { passEnv: [...FAKE_TP_PASS_ENV, 'HF_HOME'] }).run(['--no-input', 'me']);
    expect(ws.lastCall().envNames).toContain('HF_HOME');
    expect(ws.lastCall().envNames).not.toContain('HF_TOKEN_X');
  });

  it('runs tp with stdin from /dev/null, the bridged key and settings, in a private empty directory', async () => {
    const env = {
      ...ws.env({ TENSORPOOL_ENGINE: 'http://127.0.0.1:9' }),
      TENSORPOOL_KEY: undefined,
      TENSORPOOL_API_KEY: TEST_KEY,
    };
    const result = await makeRunner(env).run(['--no-input', 'cluster', 'list']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('* Authenticating...');
    const call = ws.lastCall();
    expect(call.argv).toEqual(['--no-input', 'cluster', 'list']);
    expect(call.stdin).toBe('devnull');
    expect(call.env).toMatchObject({
      TENSORPOOL_KEY: TEST_KEY,
      PYTHONUNBUFFERED: '1',
      TQDM_DISABLE: '1',
      COLUMNS: '1000',
      TENSORPOOL_ENGINE: 'http://127.0.0.1:9',
    });
    expect(call.cwd).not.toBe(realpathSync(process.cwd()));
    expect(call.cwd).toMatch(/tensorpool-mcp-cwd-/);
  });

  it('without a key refuses before spawning, with instructions', async () => {
    const r = makeRunner({ ...ws.env(), TENSORPOOL_KEY: undefined });
    await expect(r.run(['--no-input', 'me'])).rejects.toThrow(/TENSORPOOL_API_KEY.*\.env/s);
    expect(ws.calls()).toHaveLength(0);
    // help needs no key
    const help = await r.run(['cluster', '--help'], { requiresKey: false });
    expect(help.stdout).toMatch(/^usage: tp cluster/);
  });

  it('names the path tried and how to install tp when it is missing', async () => {
    const r = makeRunner(ws.env(), { tpPath: '/nonexistent/tp' });
    const error = await r.run(['me']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TpNotFoundError);
    expect(String(error)).toMatch(
      /\/nonexistent\/tp.*pipx install tensorpool.*uv tool install tensorpool.*pip install tensorpool.*--tp-path.*TP_PATH/s,
    );
  });

  it('reports the exit code, stdout and stderr of a failure', async () => {
    const result = await makeRunner(ws.env({ FAKE_TP_FAIL: '1', FAKE_TP_EXIT_CODE: '3', FAKE_TP_STDERR: 'boom' })).run([
      '--no-input',
      'me',
    ]);
    expect(result).toMatchObject({ exitCode: 3, timedOut: false, cancelled: false, truncated: false });
    expect(result.stdout).toContain('simulated failure');
    expect(result.stderr).toContain('boom');
  });

  it('masks the API key wherever tp prints it', async () => {
    const result = await makeRunner(ws.env({ FAKE_TP_ECHO_KEY: '1' })).run(['--no-input', 'me']);
    expect(result.stdout + result.stderr).not.toContain(TEST_KEY);
    expect(result.stdout).toContain('[REDACTED]');
  });

  it('bounds output: head and tail kept, marker in between', async () => {
    const r = makeRunner(ws.env({ FAKE_TP_OUTPUT_BYTES: String(5 * 1024 * 1024) }), {
      outputHeadBytes: 4096,
      outputTailBytes: 4096,
    });
    const result = await r.run(['--no-input', 'cluster', 'list']);
    expect(result.exitCode).toBe(0);
    expect(result.truncated).toBe(true);
    expect(result.stdout.length).toBeLessThan(10_000);
    expect(result.stdout).toMatch(/^\* Authenticating\.\.\./);
    expect(result.stdout).toMatch(/bytes of output cut by tensorpool-mcp/);
  });

  /**
   * A call that times out once tp has started its grandchild (and written the pid file). A loaded
   * machine can take longer than the first limit to get tp that far: then the limit doubles.
   */
  async function runUntilTimeout(env: Record<string, string | undefined>, pidFile: string) {
    for (let timeoutMs = 1500; ; timeoutMs *= 2) {
      const result = await makeRunner(env, { timeoutMs }).run(['--no-input', 'cluster', 'list']);
      if (existsSync(pidFile) || timeoutMs >= 12_000) return result;
      await runner!.shutdown();
    }
  }

  it('on timeout kills tp and the commands it started', async () => {
    const pidFile = join(ws.dir, 'pids.json');
    const result = await runUntilTimeout(
      ws.env({ FAKE_TP_GRANDCHILD: '1', FAKE_TP_PIDFILE: pidFile, FAKE_TP_DELAY_MS: '60000' }),
      pidFile,
    );
    expect(result.timedOut).toBe(true);
    const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { tp: number; grandchild: number };
    expect(isAlive(pids.tp)).toBe(false);
    expect(isAlive(pids.grandchild)).toBe(false);
  });

  it('SIGKILLs a tp that ignores SIGTERM, grandchild included', async () => {
    const pidFile = join(ws.dir, 'pids.json');
    const env = ws.env({
      FAKE_TP_GRANDCHILD: '1',
      FAKE_TP_PIDFILE: pidFile,
      FAKE_TP_DELAY_MS: '60000',
      FAKE_TP_IGNORE_SIGTERM: '1',
    });
    const result = await runUntilTimeout(env, pidFile);
    expect(result).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL' });
    const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { tp: number; grandchild: number };
    expect(isAlive(pids.grandchild)).toBe(false);
  });

  it('stops tp when the call is aborted, and shutdown stops everything still running', async () => {
    const pidFile = join(ws.dir, 'pids.json');
    const r = makeRunner(ws.env({ FAKE_TP_GRANDCHILD: '1', FAKE_TP_PIDFILE: pidFile, FAKE_TP_DELAY_MS: '60000' }));
    const controller = new AbortController();
    const pending = r.run(['--no-input', 'job', 'listen', 'j-1'], { signal: controller.signal });
    await waitFor(() => existsSync(pidFile), 10_000, 'the fake tp to start');
    controller.abort();
    const result = await pending;
    expect(result.cancelled).toBe(true);
    const first = JSON.parse(readFileSync(pidFile, 'utf8')) as { tp: number; grandchild: number };
    expect(isAlive(first.grandchild)).toBe(false);

    const second = r.run(['--no-input', 'job', 'listen', 'j-2']);
    await waitFor(() => JSON.parse(readFileSync(pidFile, 'utf8')).tp !== first.tp, 10_000, 'the second fake tp');
    const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { tp: number; grandchild: number };
    await r.shutdown();
    expect((await second).cancelled || (await second).exitCode === null).toBe(true);
    expect(isAlive(pids.tp)).toBe(false);
    expect(isAlive(pids.grandchild)).toBe(false);
    await expect(r.run(['me'])).rejects.toThrow(/shutting down/);
  });

  it('reaps commands tp left running after it exited normally', async () => {
    const pidFile = join(ws.dir, 'pids.json');
    const result = await makeRunner(ws.env({ FAKE_TP_GRANDCHILD: '1', FAKE_TP_PIDFILE: pidFile })).run([
      '--no-input',
      'cluster',
      'list',
    ]);
    expect(result.exitCode).toBe(0);
    const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { tp: number; grandchild: number };
    expect(isAlive(pids.grandchild)).toBe(false);
  });

  it('reports death by signal', async () => {
    const result = await makeRunner(ws.env({ FAKE_TP_EXIT_SIGNAL: 'SIGSEGV' })).run(['--no-input', 'me']);
    expect(result).toMatchObject({ exitCode: null, signal: 'SIGSEGV' });
  });

  it('refuses a working directory that does not exist', async () => {
    await expect(makeRunner(ws.env()).run(['me'], { cwd: join(ws.dir, 'missing') })).rejects.toThrow(/does not exist/);
  });

  it('shows in argv the executable it ran and exactly the arguments tp got, the key masked', async () => {
    const result = await makeRunner(ws.env()).run(['--no-input', 'cluster', 'info', TEST_KEY]);
    expect(result.argv).toEqual([FAKE_TP, '--no-input', 'cluster', 'info', '[REDACTED]']);
    expect(ws.lastCall().argv).toEqual(['--no-input', 'cluster', 'info', TEST_KEY]);
  });

  it('shows a relative tp path made absolute, and a name looked up on PATH as that name', async () => {
    const relativePath = relative(process.cwd(), FAKE_TP);
    expect((await makeRunner(ws.env(), { tpPath: relativePath }).run(['me'])).argv[0]).toBe(FAKE_TP);
    await runner!.shutdown();
    const bin = join(ws.dir, 'bin');
    mkdirSync(bin);
    symlinkSync(FAKE_TP, join(bin, 'tp'));
    const env = ws.env();
    const onPath = await makeRunner({ ...env, PATH: `${bin}${delimiter}${env.PATH ?? ''}` }, { tpPath: 'tp' }).run([
      'me',
    ]);
    expect(onPath).toMatchObject({ exitCode: 0, argv: ['tp', 'me'] });
  });

  it(
    'replaces its private working directory when a temp cleaner removed it, instead of reporting tp ' + 'missing',
    async () => {
      const r = makeRunner(ws.env());
      await r.run(['--no-input', 'me']);
      const removed = ws.lastCall().cwd;
      rmSync(removed, { recursive: true, force: true });
      const result = await r.run(['--no-input', 'me']);
      expect(result.exitCode).toBe(0);
      expect(ws.lastCall().cwd).not.toBe(removed);
      expect(ws.lastCall().cwd).toMatch(/tensorpool-mcp-cwd-/);
    },
  );

  it('does not wait for ever on a descendant that left the process group and holds the pipes', async () => {
    const script = join(ws.dir, 'escaping-tp.mjs');
    const pidFile = join(ws.dir, 'escaped.pid');
    writeFileSync(
      script,
      [
        '#!/usr/bin/env node',
        "import { spawn } from 'node:child_process';",
        "import { writeFileSync } from 'node:fs';",
        // its own session: the group kill cannot reach it, and it inherits our stdout and stderr
        "const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000); setTimeout(() => " +
          "process.exit(0), 60000)'], { stdio: ['ignore', 'inherit', 'inherit'], detached: true });",
        'writeFileSync(process.env.ESCAPED_PID_FILE, String(child.pid));',
        'child.unref();',
        "console.log('tp is done');",
      ].join('\n'),
    );
    chmodSync(script, 0o755);
    try {
      const result = await makeRunner(ws.env({ ESCAPED_PID_FILE: pidFile }), {
        tpPath: script,
        passEnv: ['ESCAPED_PID_FILE'],
      }).run(['me']);
      expect(result).toMatchObject({ exitCode: 0, timedOut: false, cancelled: false, stdout: 'tp is done\n' });
      expect(isAlive(Number(readFileSync(pidFile, 'utf8')))).toBe(true);
    } finally {
      if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
    }
  });
});
