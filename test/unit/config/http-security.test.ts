import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { readOptions } from '../../../src/config/command-line.js';
import { resolveHttpSecurity } from '../../../src/config/http-security.js';

const TOKEN = 'a0b1c2d3e4f5a6b7c8d9';
const OTHER = 'zyxwvutsrqponmlkjihg';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tpmcp-options-'));
  for (const name of Object.keys(process.env)) if (name.startsWith('TENSORPOOL_MCP_')) vi.stubEnv(name, undefined);
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The options as the server reads them (flag, then variable, then default); without --http nothing is resolved, as in
 * the CLI.
 */
function read(args: string[], { http = true, env = {} as Record<string, string> } = {}) {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return readOptions(['node', 'tensorpool-mcp', ...(http ? ['--http'] : []), ...args], process.env, () => {}).values;
}

function resolve(args: string[], { host = '127.0.0.1', env = {} as Record<string, string> } = {}) {
  return resolveHttpSecurity(read(args, { env }), { host });
}

const problem = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a ConfigError');
};

describe('a network bind needs an auth mode', () => {
  it.each([['0.0.0.0'], ['0'], ['::'], ['[::]'], ['10.1.2.3'], ['my-host.example']])(
    'refuses --host %s without auth, in one line naming the way out',
    (host) => {
      const error = problem(() => resolve([], { host }));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toBe(
        `--host ${host} is reachable from other machines, so it needs authentication: --auth-token, --auth ` +
          `tensorpool-key or --auth oauth ` +
          '(or --allow-unauthenticated, when a proxy in front authenticates)',
      );
    },
  );

  it.each([['127.0.0.1'], ['::1'], ['[::1]'], ['::ffff:127.0.0.1'], ['localhost']])(
    'serves --host %s without auth',
    (host) => {
      const { config, warnings } = resolve([], { host });
      expect(config.auth).toEqual({ mode: 'none' });
      expect(warnings).toEqual([]);
    },
  );

  it('--allow-unauthenticated lets it start, with a loud warning', () => {
    const { config, warnings } = resolve(['--allow-unauthenticated'], { host: '0.0.0.0' });
    expect(config.auth.mode).toBe('none');
    expect(warnings).toEqual([
      expect.stringMatching(/^WARNING: --allow-unauthenticated: anyone who can reach --host 0\.0\.0\.0 can run/),
    ]);
  });

  it.each([
    [['--auth-token', TOKEN], 'token'],
    [['--auth', 'tensorpool-key'], 'tensorpool-key'],
    [
      [
        '--auth',
        'oauth',
        '--oauth-issuer',
        'https://auth.example.com',
        '--oauth-audience',
        'https://mcp.example.com/mcp',
      ],
      'oauth',
    ],
  ])('%j is enough for 0.0.0.0', (args, mode) => {
    expect(resolve(args, { host: '0.0.0.0' }).config.auth.mode).toBe(mode);
  });
});

describe('static tokens', () => {
  it('come from the flag, comma-separated', () => {
    expect(resolve(['--auth-token', `${TOKEN},${OTHER}`]).config.auth).toEqual({
      mode: 'token',
      tokens: [TOKEN, OTHER],
    });
  });

  it('come from the env var, or from a file of lines with comments', () => {
    expect(resolve([], { env: { TENSORPOOL_MCP_AUTH_TOKENS: `${TOKEN}, ${OTHER}` } }).config.auth).toEqual({
      mode: 'token',
      tokens: [TOKEN, OTHER],
    });
    vi.stubEnv('TENSORPOOL_MCP_AUTH_TOKENS', undefined);
    const file = join(dir, 'tokens');
    writeFileSync(file, `# team tokens\n${TOKEN}\n\n  ${OTHER}  \n`, { mode: 0o600 });
    const { config, warnings } = resolve(['--auth-token-file', file]);
    expect(config.auth).toEqual({ mode: 'token', tokens: [TOKEN, OTHER] });
    expect(warnings).toEqual([]);
  });

  it('warn when the token file is readable by others', () => {
    const file = join(dir, 'tokens');
    writeFileSync(file, `${TOKEN}\n`);
    chmodSync(file, 0o644);
    expect(resolve(['--auth-token-file', file]).warnings).toEqual([
      expect.stringMatching(/can be read by other users; chmod 600/),
    ]);
  });

  it.each([
    [
      ['--auth-token', 'short'],
      /token 1 must be at least 16 characters .* \(it has 5\); make one with: openssl rand -hex 32/,
    ],
    [['--auth-token', `${TOKEN},has space in it here`], /token 2 must be at least 16 characters/],
    [['--auth', 'token'], /--auth token needs tokens/],
    [['--auth-token-file', '/no/such/tokens'], /--auth-token-file \/no\/such\/tokens: no such file/],
    [
      ['--auth', 'tensorpool-key', '--auth-token', TOKEN],
      /--auth-token and --auth-token-file go with --auth token, not --auth tensorpool-key/,
    ],
  ])('refuse %j clearly, without echoing a token', (args, message) => {
    const error = problem(() => resolve(args));
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('short');
    expect(error.message).not.toContain(TOKEN);
  });

  it('refuse an empty token file', () => {
    const file = join(dir, 'tokens');
    writeFileSync(file, '# nothing yet\n', { mode: 0o600 });
    expect(problem(() => resolve(['--auth-token-file', file])).message).toMatch(/holds no token/);
  });
});

describe('oauth', () => {
  it('takes issuer, audience and scopes', () => {
    const { config } = resolve([
      '--auth',
      'oauth',
      '--oauth-issuer',
      'http://127.0.0.1:9000',
      '--oauth-audience',
      'aud',
      '--oauth-scope',
      'mcp,tp',
    ]);
    expect(config.auth).toEqual({
      mode: 'oauth',
      issuer: 'http://127.0.0.1:9000',
      audience: 'aud',
      scopes: ['mcp', 'tp'],
    });
  });

  it.each([
    [['--auth', 'oauth', '--oauth-audience', 'a'], /--auth oauth needs --oauth-issuer/],
    [['--auth', 'oauth', '--oauth-issuer', 'https://auth.example.com'], /--auth oauth needs --oauth-audience/],
    [
      ['--auth', 'oauth', '--oauth-issuer', 'http://auth.example.com', '--oauth-audience', 'a'],
      /--oauth-issuer http:\/\/auth.example.com must use https/,
    ],
    [
      ['--auth', 'oauth', '--oauth-issuer', 'auth.example.com', '--oauth-audience', 'a'],
      /--oauth-issuer auth.example.com is not a URL/,
    ],
    [['--oauth-issuer', 'https://auth.example.com'], /go with --auth oauth, not --auth none/],
  ])('refuses %j', (args, message) => {
    expect(problem(() => resolve(args)).message).toMatch(message);
  });
});

describe('allow-lists, CORS, session cap', () => {
  it('adds --allowed-hosts to the defaults; * turns the check off, with a warning when nothing else guards', () => {
    const { config } = resolve(['--allowed-hosts', 'MCP.example.com,mcp.example.com:8443']);
    expect(config.allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]', 'mcp.example.com', 'mcp.example.com:8443']);
    const open = resolve(['--allowed-hosts', '*']);
    expect(open.config.allowedHosts).toBe('any');
    expect(open.warnings).toEqual([expect.stringMatching(/DNS rebinding/)]);
    expect(resolve(['--allowed-hosts', '*', '--auth-token', TOKEN]).warnings).toEqual([]);
    expect(problem(() => resolve(['--allowed-hosts', 'https://x.example/'])).message).toMatch(
      /--allowed-hosts: "https:\/\/x.example\/" is not a host name/,
    );
  });

  it('normalizes origins and refuses what is not one', () => {
    const { config } = resolve([
      '--allowed-origins',
      'https://App.example.com:443',
      '--cors-origin',
      'http://localhost:5173',
    ]);
    expect(config.allowedOrigins).toEqual(['https://app.example.com']);
    expect(config.corsOrigins).toEqual(['http://localhost:5173']);
    expect(resolve([]).config.corsOrigins).toBeUndefined();
    expect(resolve(['--cors-origin', '*']).config.corsOrigins).toBe('any');
    expect(problem(() => resolve(['--cors-origin', 'localhost:5173'])).message).toMatch(
      /--cors-origin: "localhost:5173" is not a web origin/,
    );
  });

  it('caps sessions at 100 unless told otherwise, within 1..100000', () => {
    expect(resolve([]).config.maxSessions).toBe(100);
    expect(resolve(['--max-sessions', '7']).config.maxSessions).toBe(7);
    expect(resolve([], { env: { TENSORPOOL_MCP_MAX_SESSIONS: '9' } }).config.maxSessions).toBe(9);
    expect(() => resolve(['--max-sessions', '0'])).toThrow(/--max-sessions must be a whole number from 1 to 100000/);
  });

  it(
    'caps one caller at 16 sessions unless told otherwise; reads client addresses from X-Forwarded-For only with ' +
      '--trust-proxy',
    () => {
      expect(resolve([]).config).toMatchObject({ maxSessionsPerCaller: 16, trustProxy: false });
      expect(resolve(['--max-sessions-per-caller', '4', '--trust-proxy']).config).toMatchObject({
        maxSessionsPerCaller: 4,
        trustProxy: true,
      });
      expect(
        resolve([], { env: { TENSORPOOL_MCP_MAX_SESSIONS_PER_CALLER: '2', TENSORPOOL_MCP_TRUST_PROXY: '1' } }).config,
      ).toMatchObject({
        maxSessionsPerCaller: 2,
        trustProxy: true,
      });
      expect(() => resolve(['--max-sessions-per-caller', '0'])).toThrow(
        /--max-sessions-per-caller must be a whole number from 1 to 100000/,
      );
    },
  );
});

describe('without --http', () => {
  it('refuses the HTTP options on the command line, and ignores them from the environment', () => {
    expect(problem(() => read(['--auth-token', TOKEN], { http: false })).message).toBe(
      '--auth-token applies only to the HTTP transport; add --http, or drop it to serve stdio',
    );
    expect(problem(() => read(['--max-sessions', '3'], { http: false })).message).toBe(
      '--max-sessions applies only to the HTTP transport; add --http, or drop it to serve stdio',
    );
    expect(() => read([], { http: false, env: { TENSORPOOL_MCP_AUTH_TOKENS: TOKEN } })).not.toThrow();
  });
});
