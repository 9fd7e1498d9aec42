import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CONTENT_CHECK_BYTES,
  findUncoveredKeyFiles,
  findUploadProblems,
  ignoreMatcher,
  refuseUploadedKeyFiles,
} from '../../../src/files/upload-secrets.js';

describe("ignoreMatcher: only what any reading of tp's ignore would agree on covers a path", () => {
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
    touch(
      '.env',
      'deep/er/credentials.json',
      'Server.PEM',
      'ssh/id_ed25519',
      'ssh/id_ed25519.pub',
      'tls.key',
      '.npmrc',
      'README.md',
      'tp.env',
      'envy',
      'keys.txt',
    );
    const found = await findUncoveredKeyFiles(dir, []);
    expect([...found].sort()).toEqual([
      '.env',
      '.npmrc',
      'Server.PEM',
      'deep/er/credentials.json',
      'ssh/id_ed25519',
      'tls.key',
    ]);
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
    await expect(refuseUploadedKeyFiles(dir, [], '/p/job.tp.toml')).rejects.toThrow(
      /workdir: .* cover them: \.env \(named like a key file\), id_rsa \(named like a key file\)\. .*ignore in \/p\/job\.tp\.toml .*Nothing was uploaded/,
    );
    await expect(refuseUploadedKeyFiles(dir, ['.env', 'id_rsa'], '/p/job.tp.toml')).resolves.toBeUndefined();
  });
});

describe('findUploadProblems: links and content, not just names', () => {
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
  const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n';
  const OPENSSH =
    '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----\n';

  it('refuses a harmless-looking name that links to a key file, even inside the allowed directories', async () => {
    mkdirSync(join(dir, 'keys'));
    writeFileSync(join(dir, 'keys', 'id_rsa'), 'x');
    symlinkSync(join(dir, 'keys', 'id_rsa'), join(dir, 'notes.txt'));
    expect(await findUploadProblems(dir, ['keys'], [dir])).toEqual([{ path: 'notes.txt', kind: 'link to a key file' }]);
  });

  it('refuses a link whose target lies outside the allowed directories, file or directory', async () => {
    writeFileSync(join(outside, 'data.csv'), 'a,b\n');
    symlinkSync(join(outside, 'data.csv'), join(dir, 'data.csv'));
    symlinkSync(outside, join(dir, 'shared'));
    const found = await findUploadProblems(dir, [], [dir]);
    expect(found.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'data.csv', kind: 'link outside the allowed directories' },
      { path: 'shared', kind: 'link outside the allowed directories' },
    ]);
    // the same links are fine where the operator allowed the other directory too
    expect(await findUploadProblems(dir, [], [dir, outside])).toEqual([]);
  });

  it.each([
    ['PEM (RSA)', PEM],
    ['OpenSSH', OPENSSH],
    ['PKCS#8', '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n'],
    ['encrypted PKCS#8', '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIE\n'],
    ['EC, inside other text', `notes\n\n-----BEGIN EC PRIVATE KEY-----\nMHcC\n`],
  ])('recognises %s private-key content whatever the file is called', async (_kind, content) => {
    writeFileSync(join(dir, 'notes.txt'), content);
    expect(await findUploadProblems(dir, [])).toEqual([{ path: 'notes.txt', kind: 'content' }]);
  });

  it(
    'leaves public keys, certificates and large files alone, and a link to a private key is caught by ' + 'content',
    async () => {
      writeFileSync(join(dir, 'cert.txt'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
      writeFileSync(join(dir, 'pub.txt'), '-----BEGIN PUBLIC KEY-----\nMIIB\n');
      writeFileSync(join(dir, 'big.log'), 'x'.repeat(CONTENT_CHECK_BYTES) + PEM);
      writeFileSync(join(outside, 'deploy'), OPENSSH);
      expect(await findUploadProblems(dir, [])).toEqual([]);
      symlinkSync(join(outside, 'deploy'), join(dir, 'readme'));
      expect(await findUploadProblems(dir, [])).toEqual([{ path: 'readme', kind: 'link to a key file' }]);
    },
  );

  it('names each kind in the refusal', async () => {
    writeFileSync(join(dir, 'notes.txt'), PEM);
    await expect(refuseUploadedKeyFiles(dir, [], '/p/job.tp.toml', [dir])).rejects.toThrow(
      /notes\.txt \(holds a private key\)/,
    );
    await expect(refuseUploadedKeyFiles(dir, ['notes.txt'], '/p/job.tp.toml', [dir])).resolves.toBeUndefined();
  });
});

function depth(path: string): number {
  return path.split('/').length;
}
