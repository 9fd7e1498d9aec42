import { mkdtempSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isPublicKeyPath, publicKeyText } from '../../../src/files/ssh-key.js';
import { publicKeyLine } from '../../helpers/ssh-keys.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const scratch = () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'tpmcp-pub-')));
  dirs.push(dir);
  return dir;
};

describe('a public key given by the path of its .pub file', () => {
  it('reads the key from inside the allowed directory, relative paths against the only one', () => {
    const dir = scratch();
    const key = publicKeyLine('ssh-ed25519');
    writeFileSync(join(dir, 'me.pub'), `${key}\n`);
    expect(isPublicKeyPath('me.pub')).toBe(true);
    expect(publicKeyText('ssh_public_key', 'me.pub', [dir])).toBe(key);
    expect(publicKeyText('ssh_public_key', join(dir, 'me.pub'), [dir])).toBe(key);
    // a key line is passed on as it is
    expect(publicKeyText('ssh_public_key', key, [dir])).toBe(key);
  });

  it('refuses a file outside the allowed directories and ~/.ssh, naming the field', () => {
    const allowed = scratch();
    const elsewhere = scratch();
    writeFileSync(join(elsewhere, 'x.pub'), `${publicKeyLine('ssh-ed25519')}\n`);
    expect(() => publicKeyText('ssh_public_key', join(elsewhere, 'x.pub'), [allowed])).toThrow(
      /^ssh_public_key: .* is outside the allowed directories and ~\/\.ssh/,
    );
  });

  it('refuses a .pub file that holds a private key, without quoting it', () => {
    const dir = scratch();
    const secret = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
    writeFileSync(join(dir, 'oops.pub'), secret);
    let message = '';
    try {
      publicKeyText('public_key', 'oops.pub', [dir]);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^public_key: the content of .*oops\.pub looks like a PRIVATE key/);
    expect(message).not.toContain('b3BlbnNzaC1rZXktdjEAAAAA');
  });

  it('refuses a directory, a missing file and a big file', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'd.pub'));
    writeFileSync(join(dir, 'big.pub'), 'x'.repeat(20_000));
    expect(() => publicKeyText('ssh_public_key', 'd.pub', [dir])).toThrow(/not a public key file/);
    expect(() => publicKeyText('ssh_public_key', 'big.pub', [dir])).toThrow(/not a public key file/);
    expect(() => publicKeyText('ssh_public_key', 'none.pub', [dir])).toThrow(/does not exist/);
  });
});
