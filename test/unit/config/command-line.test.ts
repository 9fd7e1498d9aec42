import { delimiter } from 'node:path';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { readOptions } from '../../../src/config/command-line.js';
import { OPTIONS } from '../../../src/config/options.js';
import { ConfigError } from '../../../src/errors.js';

const read = (args: string[], env: Record<string, string> = {}) =>
  readOptions(['node', 'tensorpool-mcp', ...args], env, () => {});

describe('reading options: flag, then variable, then default', () => {
  it('gives every option its declared default when nothing is set', () => {
    const { values, fromEnv } = read([]);
    for (const [name, spec] of Object.entries(OPTIONS))
      expect(values[name as keyof typeof values], name).toEqual(spec.default);
    expect(fromEnv.size).toBe(0);
  });

  it('a flag wins over its variable, and a variable over the default', () => {
    expect(read(['--http', '--port', '8080'], { PORT: '9090' }).values.port).toBe(8080);
    const fromEnv = read(['--http'], { PORT: '9090', TENSORPOOL_MCP_SYNC_BUDGET: '5' });
    expect(fromEnv.values).toMatchObject({ port: 9090, syncBudget: 5 });
    expect([...fromEnv.fromEnv].sort()).toEqual(['port', 'syncBudget']);
  });

  it('an empty variable counts as unset', () => {
    expect(read(['--http'], { PORT: '', HOST: ' ', TENSORPOOL_MCP_READ_ONLY: '' }).values).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      readOnly: false,
    });
  });

  it.each([
    ['1', true],
    ['true', true],
    ['YES', true],
    ['0', false],
    ['false', false],
    ['no', false],
  ])('a switch variable reads %s as %s; the flag always means on', (value, expected) => {
    expect(read([], { TENSORPOOL_MCP_READ_ONLY: value }).values.readOnly).toBe(expected);
    expect(read(['--read-only'], { TENSORPOOL_MCP_READ_ONLY: '0' }).values.readOnly).toBe(true);
  });

  it('lists: comma-separated in flags and variables; directories repeat the flag or use the path delimiter', () => {
    expect(read(['--toolsets', 'clusters, jobs', '--toolsets', 'status']).values.toolsets).toEqual([
      'clusters',
      'jobs',
      'status',
    ]);
    expect(read([], { TENSORPOOL_MCP_EXCLUDE_TOOLS: 'job_delete,,job_cancel' }).values.excludeTools).toEqual([
      'job_delete',
      'job_cancel',
    ]);
    expect(read(['--allow-dir', '/a', '--allow-dir', '/b,c']).values.allowDir).toEqual(['/a', '/b,c']);
    expect(read([], { TENSORPOOL_MCP_ALLOWED_DIRS: ['/a', '', '/b'].join(delimiter) }).values.allowDir).toEqual([
      '/a',
      '/b',
    ]);
    expect(read(['--allow-dir', '/c'], { TENSORPOOL_MCP_ALLOWED_DIRS: '/a' }).values.allowDir).toEqual(['/c']);
  });

  it.each([
    [
      { PORT: 'nope' },
      "option '--port <port>' value 'nope' from env 'PORT' is invalid. --port must be a whole number from 0 to 65535.",
    ],
    [
      { TENSORPOOL_MCP_CONFIRM: 'sometimes' },
      "option '--confirm <mode>' value 'sometimes' from env 'TENSORPOOL_MCP_CONFIRM' is invalid. Allowed choices are " +
        'flag, elicit, always-elicit.',
    ],
    [
      { TENSORPOOL_MCP_DRY_RUN: 'maybe' },
      'TENSORPOOL_MCP_DRY_RUN=maybe is not a switch value; use 1/true/yes or 0/false/no',
    ],
  ])('a bad variable (%j) is a ConfigError naming it', (env, message) => {
    expect(() => read(['--http'], env)).toThrow(new ConfigError(message));
  });

  it('stdio reads none of the HTTP variables: a stray PORT=abc or HOST in the shell neither stops it nor shows', () => {
    const stdio = read([], {
      PORT: 'abc',
      HOST: '0.0.0.0',
      TENSORPOOL_MCP_MAX_SESSIONS: 'lots',
      TENSORPOOL_MCP_SYNC_BUDGET: '5',
    });
    expect(stdio.values).toMatchObject({ http: false, port: 3000, host: '127.0.0.1', maxSessions: 100, syncBudget: 5 });
    expect([...stdio.fromEnv]).toEqual(['syncBudget']);
    // with --http the same PORT is read, and refused
    expect(() => read(['--http'], { PORT: 'abc' })).toThrow(/from env 'PORT' is invalid/);
  });

  it('a bad flag is a usage error from commander', () => {
    expect(() => read(['--max-nodes', '0'])).toThrow(CommanderError);
  });

  it.each([
    ['--port', '3000'],
    ['--host', '0.0.0.0'],
    ['--session-idle', '60'],
  ])('%s without --http is refused, not ignored', (flag, value) => {
    expect(() => read([flag, value])).toThrow(
      new ConfigError(`${flag} applies only to the HTTP transport; add --http, or drop it to serve stdio`),
    );
    expect(() => read(['--http', flag, value])).not.toThrow();
    // the variables (PORT is set by many platforms) stay quiet
    expect(read([], { PORT: '8080', HOST: '0.0.0.0' }).values.http).toBe(false);
  });

  it('--trust-client-roots (or its variable) is an HTTP switch: stdio always uses roots to narrow', () => {
    expect(() => read(['--trust-client-roots'])).toThrow(
      new ConfigError('--trust-client-roots applies only to the HTTP transport; add --http, or drop it to serve stdio'),
    );
    expect(read(['--http', '--trust-client-roots']).values.trustClientRoots).toBe(true);
    expect(read(['--http'], { TENSORPOOL_MCP_TRUST_CLIENT_ROOTS: '1' }).values.trustClientRoots).toBe(true);
    expect(read(['--http']).values.trustClientRoots).toBe(false);
  });

  it.each(['--allow-instance-types', '--toolsets', '--tools', '--exclude-tools'])(
    'an empty %s is a usage error, not an empty allow-list',
    (flag) => {
      expect(() => read([flag, ''])).toThrow(CommanderError);
      expect(() => read([flag, ' , '])).toThrow(CommanderError);
      expect(() => read([], { TENSORPOOL_MCP_ALLOW_INSTANCE_TYPES: ',' })).toThrow(/needs at least one name/);
    },
  );
});
