import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findUncoveredKeyFiles, ignoreMatcher, refuseUploadedKeyFiles } from '../../../src/files/upload-secrets.js';

describe('ignoreMatcher: only what any reading of tp\'s ignore would agree on covers a path', () => {
  it.each([
    ['.env', '.env', true],
    ['./.env', '.env', true],
    ['.env*', '.env.local', true],
    ['*.pem', 'a.pem', true],
    ['keys', 'keys/id_rsa', true],
    ['keys/', 'keys/deep/id_rsa', true],
    ['sub/.env', 'sub/.env', true],
    ['*/.env', 'sub/.env', true],
    // not surely: a pattern without a slash may match only at the top, and * may stop at a slash
    ['.env', 'sub/.env', false],
    ['*.pem', 'keys/a.pem', false],
    ['**/.env', '.env', false],
    ['**/.env', 'a/b/.env', false],
    // anchored, upward, Windows-style and bracket patterns mean different things to different matchers
    ['/.env', '.env', false],
    ['../project/.env', '.env', false],
    ['sub\\.env', 'sub/.env', false],
    ['[.]env', '.env', false],
    ['', '.env', false],
  ])('%j covers %s: %s', (entry, path, covered) => {
    expect(ignoreMatcher([entry])(path)).toBe(covered);
  });
});

describe('findUncoveredKeyFiles', () => {
  let dir: string;
  let outside: string;
  beforeEach(() => {
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'tpmcp-upload-')));
    outside = realpathSync(mkdtempSync(join(tmpdir(), 'tpmcp-upload-outside-')));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  const touch = (...paths: string[]) => {
    for (const path of paths) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), '');
    }
  };

  it('finds key files by name, nearest first, case aside, and leaves public keys and look-alikes alone', async () => {
    touch('.env', 'deep/er/credentials.json', 'Server.PEM', 'ssh/id_ed25519', 'ssh/id_ed25519.pub', 'tls.key', '.npmrc', 'README.md', 'tp.env', 'envy', 'keys.txt');
    const found = await findUncoveredKeyFiles(dir, []);
    expect([...found].sort()).toEqual(['.env', '.npmrc', 'Server.PEM', 'deep/er/credentials.json', 'ssh/id_ed25519', 'tls.key']);
    expect(found.map(depth)).toEqual([...found.map(depth)].sort());
  });

  it('does not look into ignored directories, and looks behind symlinked ones once, loops included', async () => {
    touch('.venv/lib/site.key', 'data/.env');
    writeFileSync(join(outside, 'id_rsa'), '');
    symlinkSync(outside, join(dir, 'ssh'));
    symlinkSync(dir, join(dir, 'loop'));
    symlinkSync(join(dir, 'missing'), join(dir, 'dangling'));
    expect(await findUncoveredKeyFiles(dir, ['.venv', 'data/.env'])).toEqual(['ssh/id_rsa']);
  });

  it('refuses naming the files and the config, and passes when all are covered', async () => {
    touch('.env', 'id_rsa');
    await expect(refuseUploadedKeyFiles(dir, [], '/p/job.tp.toml')).rejects.toThrow(/workdir: .* cover them: \.env, id_rsa\. .*ignore in \/p\/job\.tp\.toml .*Nothing was uploaded/);
    await expect(refuseUploadedKeyFiles(dir, ['.env', 'id_rsa'], '/p/job.tp.toml')).resolves.toBeUndefined();
  });
});

function depth(path: string): number {
  return path.split('/').length;
}
