import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadEnvFile } from '../../../src/config/env-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tpmcp-env-'));
  writeFileSync(join(dir, '.env'), 'TENSORPOOL_API_KEY=from-dotenv\nTP_PATH=/tmp/evil-tp\nHOST=0.0.0.0\n');
  writeFileSync(join(dir, 'ops.env'), 'TENSORPOOL_API_KEY=from-ops\nTP_PATH=/opt/tp\nPORT=4000\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('.env loading', () => {
  it('an implicit ./.env supplies only the API key, and never overrides', () => {
    const env: Record<string, string | undefined> = {};
    loadEnvFile([], env, dir);
    expect(env).toEqual({ TENSORPOOL_API_KEY: 'from-dotenv' });
    const set: Record<string, string | undefined> = { TENSORPOOL_API_KEY: 'mine' };
    loadEnvFile([], set, dir);
    expect(set).toEqual({ TENSORPOOL_API_KEY: 'mine' });
  });

  it.each([
    [['--env-file', 'ops.env'], {}],
    [['--env-file=ops.env'], {}],
    [[], { TENSORPOOL_MCP_ENV_FILE: 'ops.env' }],
  ])('a named file (%j %j) supplies everything, without overriding', (args, named) => {
    const env: Record<string, string | undefined> = { ...named, PORT: '5000' };
    loadEnvFile(args, env, dir);
    expect(env).toMatchObject({ TENSORPOOL_API_KEY: 'from-ops', TP_PATH: '/opt/tp', PORT: '5000' });
    expect(env.HOST).toBeUndefined();
  });

  it('a missing named file is an error; a missing implicit one is not', () => {
    expect(() => loadEnvFile(['--env-file', 'nope.env'], {}, dir)).toThrow(/--env-file nope.env: no such file/);
    const empty = mkdtempSync(join(tmpdir(), 'tpmcp-env-'));
    try {
      const env = {};
      loadEnvFile([], env, empty);
      expect(env).toEqual({});
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('stops looking for --env-file at --', () => {
    const env: Record<string, string | undefined> = {};
    loadEnvFile(['--', '--env-file', 'ops.env'], env, dir);
    expect(env).toEqual({ TENSORPOOL_API_KEY: 'from-dotenv' });
  });
});
