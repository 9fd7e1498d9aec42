import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeTpWorkspace, baseEnv } from '../helpers/fake-tp.js';
import { runCli } from '../helpers/server-process.js';
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
    for (const text of ['--stdio', '--http', '--port', 'PORT', '--host', 'HOST', '--tp-path', 'TP_PATH', '--env-file', '--timeout', '--allow-dir', 'TENSORPOOL_MCP_ALLOWED_DIRS']) {
      expect(stdout).toContain(text);
    }
  });

  it.each([
    [['--bogus'], /unknown option '--bogus'/],
    [['--port', 'abc'], /--port must be a whole number/],
    [['--port', '70000'], /--port must be a whole number/],
    [['--timeout', '0'], /--timeout must be a whole number/],
    [['--stdio', '--http'], /cannot be used with/],
    [['--allow-dir', '/definitely/not/here'], /--allow-dir .*no such directory/],
  ])('%j is a one-line error with exit code 2', async (args, message) => {
    const { code, stderr, stdout } = await runCli(args, { env: baseEnv() });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stdout).toBe('');
  });

  it('a bad value from the environment is reported the same way', async () => {
    const { code, stderr } = await runCli([], { env: { ...baseEnv(), PORT: 'nope' } });
    expect(code).toBe(2);
    expect(stderr).toMatch(/from env 'PORT' is invalid/);
  });

  it('a missing named env file is an error; a missing default one is fine', async () => {
    const named = await runCli([], { env: { ...baseEnv(), TENSORPOOL_MCP_ENV_FILE: join(ws.dir, 'nope.env') } });
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/no such file/);
    // with no ./.env the server starts; --help exits right after the env file step
    const fine = await runCli(['--help'], { env: baseEnv(), cwd: ws.dir });
    expect(fine.code).toBe(0);
  });

  it('the env file is loaded before options read the environment', async () => {
    writeFileSync(join(ws.dir, 'custom.env'), 'PORT=not-a-port\n');
    const { code, stderr } = await runCli([], { env: { ...baseEnv(), TENSORPOOL_MCP_ENV_FILE: join(ws.dir, 'custom.env') } });
    expect(code).toBe(2);
    expect(stderr).toMatch(/value 'not-a-port' from env 'PORT' is invalid/);
  });
});
