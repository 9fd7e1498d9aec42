import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { FAKE_TP, FakeTpWorkspace, TEST_KEY, baseEnv } from '../helpers/fake-tp.js';
import { BIN, runCli } from '../helpers/server-process.js';
import packageJson from '../../package.json' with { type: 'json' };

let ws: FakeTpWorkspace;
beforeEach(() => {
  ws = new FakeTpWorkspace();
});
afterEach(() => ws.cleanup());

describe('tensorpool-mcp command line', () => {
  it('--version prints the package version', async () => {
    const { code, stdout } = await runCli(['--version']);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(packageJson.version);
  });

  it('--help lists every option with its environment variable', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const text of [
      '--stdio',
      '--http',
      '--port',
      'PORT',
      '--host',
      'HOST',
      '--tp-path',
      'TP_PATH',
      '--env-file',
      '--timeout',
      '--allow-dir',
      'TENSORPOOL_MCP_ALLOWED_DIRS',
      '--max-result-kb',
      'TENSORPOOL_MCP_MAX_RESULT_KB',
    ]) {
      expect(stdout).toContain(text);
    }
  });

  it('--help shows every option of the table with its variable and the default that really applies', async () => {
    const { OPTIONS } = await import('../../src/config/options.js');
    const { stdout } = await runCli(['--help']);
    const help = stdout.replace(/\s+/g, ' ');
    for (const spec of Object.values(OPTIONS)) {
      expect(help).toContain(spec.flags);
      if (spec.env) expect(help).toContain(spec.env);
    }
    expect(help).toMatch(
      /--allow-dir <dir> .*\(default: the launch directory, unless it is \/ or holds your home directory; env: TENSORPOOL_MCP_ALLOWED_DIRS, ":"-separated\)/,
    );
    expect(help).toMatch(/--sync-budget <seconds> .*\(default: 20; env: TENSORPOOL_MCP_SYNC_BUDGET\)/);
    expect(help).toMatch(/--read-only .*\(env: TENSORPOOL_MCP_READ_ONLY=1\)/);
    expect(help).not.toContain('default: []');
  });

  it.each([
    [['--bogus'], /unknown option '--bogus'/],
    [['--port', 'abc'], /--port must be a whole number/],
    [['--port', '70000'], /--port must be a whole number/],
    [['--timeout', '0'], /--timeout must be a whole number/],
    [['--max-result-kb', '2'], /--max-result-kb must be a whole number from 8 to 100000/],
    [['--stdio', '--http'], /cannot be used with/],
    [['--allow-dir', '/definitely/not/here'], /--allow-dir .*no such directory/],
    [
      ['--toolsets', 'clusters,gpus'],
      /unknown toolset "gpus"; valid toolsets: clusters, jobs, storage, account, object_storage, status, or default, all/,
    ],
    [['--tools', 'cluster_nuke'], /unknown tool "cluster_nuke"; valid tools: cluster_create/],
    [['--exclude-tools', 'nope'], /unknown tool "nope"/],
    [['--tools', 'object_storage_credentials'], /need --allow-secrets/],
    // checked before anything binds: a remote HTTP server has no user files to offer
    [
      ['--http', '--host', '0.0.0.0', '--auth-token', 'a0b1c2d3e4f5a6b7c8d9e0f1', '--tools', 'job_pull,cluster_list'],
      /job_pull touch the server's own files, .*only with an explicit --allow-dir/,
    ],
    [['--confirm', 'sometimes'], /Allowed choices are flag, elicit, always-elicit/],
    [
      ['--tp-generation', '0.0.5'],
      /argument '0\.0\.5' is invalid\. Allowed choices are auto, 0\.0\.6, 0\.0\.7, 0\.0\.8, 0\.0\.9/,
    ],
  ])('%j is a one-line error with exit code 2', async (args, message) => {
    const { code, stderr, stdout } = await runCli(args, { env: baseEnv() });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stdout).toBe('');
  });

  it.each([
    [{ TENSORPOOL_MCP_TIMEOUT: 'nope' }, /from env 'TENSORPOOL_MCP_TIMEOUT' is invalid/],
    [{ TENSORPOOL_MCP_TOOLSETS: 'all,bogus' }, /unknown toolset "bogus"/],
    [{ TENSORPOOL_MCP_READ_ONLY: 'maybe' }, /TENSORPOOL_MCP_READ_ONLY=maybe is not a switch value/],
    [
      { TENSORPOOL_MCP_CONFIRM: 'sometimes' },
      /value 'sometimes' from env 'TENSORPOOL_MCP_CONFIRM' is invalid\. Allowed choices are flag, elicit, always-elicit/,
    ],
    [{ TENSORPOOL_MCP_ALLOWED_DIRS: '/definitely/not/here' }, /--allow-dir \/definitely\/not\/here: no such directory/],
  ])('a bad value from the environment (%j) is reported the same way', async (env, message) => {
    const { code, stderr } = await runCli([], { env: { ...baseEnv(), ...env } });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('a missing named env file is an error; a missing default one is fine', async () => {
    const named = await runCli([], { env: { ...baseEnv(), TENSORPOOL_MCP_ENV_FILE: join(ws.dir, 'nope.env') } });
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/no such file/);
    // with no ./.env the server starts; --help exits right after the env file step
    const fine = await runCli(['--help'], { env: baseEnv(), cwd: ws.dir });
    expect(fine.code).toBe(0);
  });

  it('HOST from the environment never exposes the HTTP server on a non-loopback address by accident', async () => {
    const { code, stderr } = await runCli(['--http', '--port', '0'], { env: { ...baseEnv(), HOST: '0.0.0.0' } });
    expect(code).toBe(2);
    expect(stderr).toMatch(/HOST=0\.0\.0\.0 from the environment is not a loopback address; pass --host 0\.0\.0\.0/);
  });

  it('the env file is loaded before options read the environment', async () => {
    writeFileSync(join(ws.dir, 'custom.env'), 'TENSORPOOL_MCP_TIMEOUT=not-a-number\n');
    const { code, stderr } = await runCli([], {
      env: { ...baseEnv(), TENSORPOOL_MCP_ENV_FILE: join(ws.dir, 'custom.env') },
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/value 'not-a-number' from env 'TENSORPOOL_MCP_TIMEOUT' is invalid/);
  });
});

describe('first run: what a new user sees', () => {
  /** Starts the server over stdio with stdin at end of file: it logs its start-up lines and exits. */
  const startAndEnd = (args: string[], env: Record<string, string | undefined> = {}, cwd = ws.dir) =>
    runCli(['--tp-path', FAKE_TP, ...args], { env: { ...baseEnv(), ...env }, cwd });

  it.each([
    [['doctr'], "error: unknown command 'doctr' (Did you mean doctor?)"],
    [['confg', '--client', 'cursor'], "error: unknown command 'confg' (Did you mean config?)"],
    [['--alow-dir', '.'], "error: unknown option '--alow-dir' (Did you mean --allow-dir?)"],
    [['doctor', '--alow-dir', '.'], "error: unknown option '--alow-dir' (Did you mean --allow-dir?)"],
  ])('%j suggests what was meant, on one line, exit 2', async (args, line) => {
    const { code, stderr } = await runCli(args, { env: baseEnv() });
    expect(code).toBe(2);
    expect(stderr).toBe(`${line}\n`);
  });

  it('warns once when both key variables are set and differ, naming the one used', async () => {
    const { stderr } = await startAndEnd([], {
      TENSORPOOL_KEY: TEST_KEY,
      TENSORPOOL_API_KEY: 'tpk_stale_other_key_123',
    });
    const lines = stderr.split('\n').filter((line) => line.includes('both set'));
    expect(lines).toEqual([
      '[tensorpool-mcp] error: TENSORPOOL_KEY and TENSORPOOL_API_KEY are both set and differ: TENSORPOOL_KEY is used ' +
        '(tp reads it first); unset the one that is stale',
    ]);
    expect(stderr).not.toContain('tpk_stale_other_key_123');
    const same = await startAndEnd([], { TENSORPOOL_KEY: TEST_KEY, TENSORPOOL_API_KEY: TEST_KEY });
    expect(same.stderr).not.toContain('both set');
  });

  it('logs the settings an implicit ./.env held and was not allowed to set (names, never values)', async () => {
    writeFileSync(
      join(ws.dir, '.env'),
      'TENSORPOOL_API_KEY=tpk_from_dotenv_0123456789\nTENSORPOOL_MCP_READ_ONLY=1\nTP_PATH=/opt/tp\n',
    );
    const { stderr } = await startAndEnd([]);
    expect(stderr).toContain(
      './.env: only the API key is read from an implicit .env; ignored TENSORPOOL_MCP_READ_ONLY, TP_PATH (name the ' +
        'file with --env-file to use them)',
    );
    expect(stderr).not.toContain('/opt/tp');
  });

  it('warns when --read-only removes a tool named in --tools', async () => {
    const { stderr } = await startAndEnd(['--read-only', '--tools', 'cluster_list,cluster_create']);
    expect(stderr).toContain(
      'error: --read-only leaves out cluster_create, named in --tools: it changes things; drop --read-only to offer it',
    );
  });

  it('logs a missing tp at start-up, with the fix', async () => {
    const { stderr } = await runCli(['--tp-path', join(ws.dir, 'no-such-tp')], { env: baseEnv(), cwd: ws.dir });
    expect(stderr).toMatch(/error: tp not found \(.*no-such-tp\): install it with `pipx install tensorpool`/);
    const found = await startAndEnd([]);
    expect(found.stderr).not.toContain('tp not found');
  });

  it('on a terminal, a bare start says in one line that it waits for an MCP client on stdin', () => {
    // script(1) gives the server a terminal; stdin at end of file then ends it
    const result = spawnSync('script', ['-qec', `${process.execPath} ${BIN} --tp-path ${FAKE_TP}`, '/dev/null'], {
      env: { ...baseEnv() },
      cwd: ws.dir,
      input: '',
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stdout).toMatch(/tensorpool-mcp \S+ waits for an MCP client on stdin .*Ctrl-C to quit\./);
    // without a terminal, not a word of it
    const piped = spawnSync(process.execPath, [BIN, '--tp-path', FAKE_TP], {
      env: baseEnv(),
      cwd: ws.dir,
      input: '',
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(piped.stderr).not.toContain('waits for an MCP client');
  });
});
