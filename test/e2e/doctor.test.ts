import {
  realpathSync,
  statSync,
  symlinkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_TP, FakeTpWorkspace, TEST_KEY } from '../helpers/fake-tp.js';
import { BIN, runCli } from '../helpers/server-process.js';
import { clientById } from '../../src/clients/clients.js';

let ws: FakeTpWorkspace;
let home: string;
let project: string;

beforeEach(() => {
  ws = new FakeTpWorkspace();
  home = mkdtempSync(join(tmpdir(), 'tpmcp-home-'));
  project = join(ws.dir, 'project');
  mkdirSync(project);
});
afterEach(() => {
  ws.cleanup();
  rmSync(home, { recursive: true, force: true });
});

/** The built CLI in `project`, with a temporary HOME and nothing of the real user's configuration. */
function cli(args: string[], env: Record<string, string | undefined> = ws.env()) {
  return runCli(args, {
    cwd: project,
    env: { ...env, HOME: home, XDG_CONFIG_HOME: undefined, APPDATA: undefined, CODEX_HOME: undefined },
  });
}

/** The indented JSON snippet printed under the line starting with `heading`. */
function snippetAfter(report: string, heading: string): unknown {
  const lines = report.split('\n');
  const start = lines.findIndex((line) => line.startsWith(heading)) + 1;
  const end = lines.findIndex((line, index) => index > start && !line.startsWith('    '));
  return JSON.parse(lines.slice(start, end).join('\n'));
}

describe('config and doctor print the command that starts this installation', () => {
  const cursorLaunch = (stdout: string) =>
    (JSON.parse(stdout) as { mcpServers: { tensorpool: { command: string; args: string[] } } }).mcpServers.tensorpool;

  it('from a clone: node and the absolute path of bin/tensorpool-mcp.js', async () => {
    const { stdout } = await cli(['config', '--client', 'cursor']);
    expect(cursorLaunch(stdout).command).toBe(process.execPath);
    expect(cursorLaunch(stdout).args[0]).toBe(realpathSync(BIN));
  });

  it('installed globally: the tensorpool-mcp on PATH', async () => {
    const bin = join(ws.dir, 'global-bin');
    mkdirSync(bin);
    symlinkSync(realpathSync(BIN), join(bin, 'tensorpool-mcp'));
    const env = ws.env();
    const { stdout } = await runCli(['config', '--client', 'cursor'], {
      cwd: project,
      env: { ...env, HOME: home, PATH: `${bin}:${env.PATH}` },
    });
    // a client that has the shell's PATH finds it there; one without it gets node and the script
    expect(cursorLaunch(stdout).command).toBe(
      clientById('cursor').lacksShellPath ? process.execPath : 'tensorpool-mcp',
    );
  });

  it('--command overrides it, in config and in doctor', async () => {
    const { stdout } = await cli([
      'config',
      '--client',
      'cursor',
      '--command',
      '/opt/bin/tensorpool-mcp',
      '--read-only',
    ]);
    expect(cursorLaunch(stdout).command).toBe('/opt/bin/tensorpool-mcp');
    expect(cursorLaunch(stdout).args[0]).toBe('--read-only');
    const doctor = await cli([
      'doctor',
      '--tp-path',
      FAKE_TP,
      '--client',
      'cursor',
      '--command',
      '/opt/bin/tensorpool-mcp',
    ]);
    expect(doctor.stdout).toContain('"command": "/opt/bin/tensorpool-mcp"');
  });
});

describe('tensorpool-mcp doctor', () => {
  it('a working set-up: exit 0, every check on one line, the key masked, a config for each client', async () => {
    const { code, stdout, stderr } = await cli(['doctor', '--tp-path', FAKE_TP]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).not.toContain(TEST_KEY);
    expect(stdout).toMatch(/\[ ok \] tp: .*fake-tp\/main\.mjs, version 0\.0\.9, CLI generation 0\.0\.9/);
    expect(stdout).toContain('[ ok ] API key: TENSORPOOL_KEY …CRET accepted by TensorPool (tp me)');
    for (const path of [
      '.config/Claude/claude_desktop_config.json',
      '.cursor/mcp.json',
      '.config/Code/User/mcp.json',
      '.codeium/windsurf/mcp_config.json',
      '.codex/config.toml',
    ]) {
      expect(stdout).toContain(join(home, path));
    }
    expect(stdout).toContain(join(project, '.mcp.json'));
    // GUI clients get this machine's absolute paths, and the launch directory as the allowed one
    const desktop = snippetAfter(stdout, 'Claude Desktop:') as {
      mcpServers: { tensorpool: { command: string; args: string[] } };
    };
    // run from this clone: the snippet starts this clone's bin with this node, which works before any publish
    expect(desktop.mcpServers.tensorpool.args).toEqual([
      realpathSync(BIN),
      '--tp-path',
      FAKE_TP,
      '--allow-dir',
      project,
    ]);
    expect(desktop.mcpServers.tensorpool.command).toBe(process.execPath);
    expect(ws.commandCalls().map((call) => call.argv)).toEqual([['--no-input', 'me']]);
    expect(readdirSync(home)).toEqual([]);
  });

  it('a rejected key: exit 1 and one FAIL line with the fix', async () => {
    const { code, stdout } = await cli(
      ['doctor', '--tp-path', FAKE_TP, '--client', 'cursor'],
      ws.env({ FAKE_TP_REJECT_KEY: '1' }),
    );
    expect(code).toBe(1);
    const failures = stdout.split('\n').filter((line) => line.includes('[FAIL]'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/API key: TENSORPOOL_KEY …CRET rejected by TensorPool: .*Invalid API key.* → fix: /);
    expect(stdout).not.toContain(TEST_KEY);
  });

  it('no tp and no key: exit 1, a line for each with its fix', async () => {
    const env = { ...ws.env(), TENSORPOOL_KEY: undefined, PATH: '/nonexistent' };
    const { code, stdout } = await cli(['doctor', '--client', 'claude-code'], env);
    expect(code).toBe(1);
    expect(stdout).toMatch(/\[FAIL\] tp: tp not found on PATH → fix: install it with `pipx install tensorpool`/);
    expect(stdout).toMatch(/\[FAIL\] API key: TENSORPOOL_API_KEY is not set → fix: /);
  });

  it('reads the key and TP_PATH from --env-file, as the server would', async () => {
    const envFile = join(ws.dir, 'tp.env');
    writeFileSync(envFile, `TENSORPOOL_API_KEY=${TEST_KEY}\nTP_PATH=${FAKE_TP}\n`);
    const { code, stdout } = await cli(['doctor', '--env-file', envFile, '--client', 'cursor'], {
      ...ws.env(),
      TENSORPOOL_KEY: undefined,
    });
    expect(stdout).toContain('[ ok ] API key: TENSORPOOL_API_KEY …CRET accepted');
    expect(stdout).toContain(`[ ok ] tp: ${FAKE_TP}`);
    expect(code).toBe(0);
    // (named by the variable: Node 20 itself exits on a missing --env-file anywhere on its command line)
    const missing = await cli(['doctor'], { ...ws.env(), TENSORPOOL_MCP_ENV_FILE: join(ws.dir, 'missing.env') });
    expect(missing.stderr).toMatch(/^error: --env-file .*missing\.env: no such file\n$/);
    expect(missing.code).toBe(2);
  });

  it('a bad flag is a one-line usage error with exit 2', async () => {
    const { code, stderr } = await cli(['doctor', '--confirm', 'sometimes']);
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/--confirm.*flag, elicit, always-elicit/);
  });
});

describe('tensorpool-mcp config', () => {
  it(
    "takes every stdio flag of the server, so a client's flags can be pasted as they are; HTTP flags are " + 'refused',
    async () => {
      const { code, stdout } = await cli([
        'config',
        '--client',
        'cursor',
        '--tp-path',
        FAKE_TP,
        '--toolsets',
        'all',
        '--dry-run',
        '--timeout',
        '60',
      ]);
      expect(code).toBe(0);
      const snippet = JSON.parse(stdout) as { mcpServers: { tensorpool: { args: string[] } } };
      expect(snippet.mcpServers.tensorpool.args).toEqual([
        realpathSync(BIN),
        '--tp-path',
        FAKE_TP,
        '--timeout',
        '60',
        '--toolsets',
        'all',
        '--dry-run',
        '--allow-dir',
        project,
      ]);
      const http = await cli(['config', '--client', 'cursor', '--port', '3000']);
      expect(http.code).toBe(2);
      expect(http.stderr).toMatch(/unknown option '--port'/);
    },
  );

  it('prints the snippet and writes nothing', async () => {
    const { code, stdout } = await cli(['config', '--client', 'cursor', '--tp-path', FAKE_TP, '--read-only']);
    expect(code).toBe(0);
    const snippet = JSON.parse(stdout) as { mcpServers: { tensorpool: { args: string[] } } };
    expect(snippet.mcpServers.tensorpool.args).toEqual([
      realpathSync(BIN),
      '--tp-path',
      FAKE_TP,
      '--read-only',
      '--allow-dir',
      project,
    ]);
    expect(readdirSync(home)).toEqual([]);
    expect(readdirSync(project)).toEqual([]);
  });

  it('--write creates the file, then finds nothing to change', async () => {
    const first = await cli(['config', '--client', 'claude-desktop', '--write']);
    expect(first.code).toBe(0);
    const path = join(home, '.config/Claude/claude_desktop_config.json');
    expect(first.stdout).toContain(`+++ ${path}`);
    expect(first.stdout).toContain(`wrote ${path}\n`);
    expect(first.stdout).toContain('Replace <your TensorPool API key>');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toHaveProperty('mcpServers.tensorpool.args');
    const second = await cli(['config', '--client', 'claude-desktop', '--write']);
    expect(second.stdout).toBe(`${path} already has this configuration; nothing written.\n`);
  });

  it(
    '--write merges into an existing file: other servers stay, the user’s key stays and is never shown, a backup is ' +
      'kept',
    async () => {
      const path = join(home, '.cursor/mcp.json');
      mkdirSync(join(home, '.cursor'));
      const before = JSON.stringify(
        {
          mcpServers: {
            other: { command: 'other' },
            tensorpool: { command: 'node', args: ['old.js'], env: { TENSORPOOL_API_KEY: TEST_KEY } },
          },
        },
        null,
        2,
      );
      writeFileSync(path, before);
      const { code, stdout } = await cli(['config', '--client', 'cursor', '--write', '--allow-dir', '.']);
      expect(code).toBe(0);
      expect(stdout).not.toContain(TEST_KEY);
      expect(stdout).toMatch(/^-\s+"old\.js"/m);
      const after = JSON.parse(readFileSync(path, 'utf8')) as {
        mcpServers: Record<string, { args?: string[]; env?: Record<string, string> }>;
      };
      expect(after.mcpServers.other).toEqual({ command: 'other' });
      expect(after.mcpServers.tensorpool!.env!.TENSORPOOL_API_KEY).toBe(TEST_KEY);
      expect(after.mcpServers.tensorpool!.args).toContain(project);
      const backups = readdirSync(join(home, '.cursor')).filter((name) => name.endsWith('.bak'));
      expect(backups).toHaveLength(1);
      expect(readFileSync(join(home, '.cursor', backups[0]!), 'utf8')).toBe(before);
      expect(stdout).toContain(`(the previous file is kept as ${join(home, '.cursor', backups[0]!)})`);
    },
  );

  it('--write keeps one backup, private (0600), however often it runs', async () => {
    const path = join(home, '.cursor/mcp.json');
    mkdirSync(join(home, '.cursor'));
    writeFileSync(
      path,
      JSON.stringify({
        mcpServers: { tensorpool: { command: 'node', args: ['old.js'], env: { TENSORPOOL_API_KEY: TEST_KEY } } },
      }),
      { mode: 0o644 },
    );
    expect((await cli(['config', '--client', 'cursor', '--write', '--allow-dir', '.'])).code).toBe(0);
    const middle = readFileSync(path, 'utf8');
    expect((await cli(['config', '--client', 'cursor', '--write', '--allow-dir', '.', '--read-only'])).code).toBe(0);
    const backups = readdirSync(join(home, '.cursor')).filter((name) => name.includes('.bak'));
    expect(backups).toEqual(['mcp.json.bak']);
    expect(readFileSync(`${path}.bak`, 'utf8')).toBe(middle);
    expect(statSync(`${path}.bak`).mode & 0o777).toBe(0o600);
  });

  it('--write into a broken file changes nothing and says why', async () => {
    const path = join(home, '.codex/config.toml');
    mkdirSync(join(home, '.codex'));
    writeFileSync(path, 'model = \n');
    const { code, stderr } = await cli(['config', '--client', 'codex', '--write']);
    expect(code).toBe(1);
    expect(stderr).toContain(`error: ${path} is not valid TOML`);
    expect(readFileSync(path, 'utf8')).toBe('model = \n');
    expect(readdirSync(join(home, '.codex'))).toEqual(['config.toml']);
  });

  it('--write for Codex appends its table to an existing config', async () => {
    const path = join(home, '.codex/config.toml');
    mkdirSync(join(home, '.codex'));
    writeFileSync(path, '# mine\nmodel = "o4"\n');
    expect((await cli(['config', '--client', 'codex', '--write'])).code).toBe(0);
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith('# mine\nmodel = "o4"\n')).toBe(true);
    expect(parseToml(text)).toMatchObject({
      mcp_servers: { tensorpool: { command: process.execPath, args: [realpathSync(BIN)] } },
    });
    // the file before, kept as the one backup
    expect(readFileSync(`${path}.bak`, 'utf8')).toBe('# mine\nmodel = "o4"\n');
  });

  it('an unknown client is a usage error naming the supported ones', async () => {
    const { code, stderr } = await cli(['config', '--client', 'zed']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/claude-desktop, claude-code, cursor, vscode, windsurf, codex/);
  });
});
