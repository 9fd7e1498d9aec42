import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicKeyProblem, withPublicKeyFile } from '../../../src/files/ssh-key.js';
import { openSshPrivateKeyBody, pemPrivateKey, publicKeyLine } from '../../helpers/ssh-keys.js';

describe('publicKeyProblem', () => {
  it.each(['ssh-ed25519', 'ssh-rsa', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384'] as const)(
    'accepts a real %s key',
    (type) => {
      expect(publicKeyProblem(publicKeyLine(type))).toBeUndefined();
      expect(publicKeyProblem(publicKeyLine(type, ''))).toBeUndefined();
      expect(publicKeyProblem(`${publicKeyLine(type)}\n`)).toBeUndefined();
    },
  );

  it('refuses PEM and OpenSSH private keys without quoting them', () => {
    const pem = pemPrivateKey();
    const openssh = `-----BEGIN OPENSSH PRIVATE KEY-----\n${openSshPrivateKeyBody()}\n-----END OPENSSH PRIVATE KEY-----\n`;
    for (const secret of [pem, openssh, openSshPrivateKeyBody()]) {
      const problem = publicKeyProblem(secret);
      expect(problem).toMatch(/PRIVATE key/);
      const secretLine = secret.split('\n').find((line) => line.length > 30) ?? secret;
      expect(problem).not.toContain(secretLine.slice(0, 20));
    }
  });

  it('refuses a blob whose embedded type differs from the prefix', () => {
    const rsaBlob = publicKeyLine('ssh-rsa').split(' ')[1];
    expect(publicKeyProblem(`ssh-ed25519 ${rsaBlob}`)).toMatch(/does not match/);
  });

  it.each([
    ['', /known key type/],
    ['hello world', /known key type/],
    ['ssh-ed25519', /base64/],
    ['ssh-ed25519 not*base64', /base64/],
    ['ssh-ed25519 AAAA', /does not match/],
    ['ssh-foo AAAAC3NzaC1lZDI1NTE5AAAAIGZha2U=', /known key type/],
  ])('refuses %j', (value, message) => {
    expect(publicKeyProblem(value)).toMatch(message);
  });

  it('refuses two keys on two lines and control characters in the comment', () => {
    const key = publicKeyLine('ssh-ed25519', '');
    expect(publicKeyProblem(`${key}\n${key}`)).toMatch(/single line/);
    expect(publicKeyProblem(`${key} me\x07you`)).toMatch(/control characters/);
  });
});

describe('withPublicKeyFile', () => {
  it('writes the key 0600 in a 0700 directory and removes both afterwards', async () => {
    const key = publicKeyLine('ssh-ed25519');
    let seen = '';
    await withPublicKeyFile(key, async (path) => {
      seen = path;
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
    });
    expect(existsSync(dirname(seen))).toBe(false);
  });

  it('removes the file when the call fails', async () => {
    let seen = '';
    await expect(
      withPublicKeyFile(publicKeyLine('ssh-ed25519'), async (path) => {
        seen = path;
        throw new Error('tp blew up');
      }),
    ).rejects.toThrow('tp blew up');
    expect(existsSync(dirname(seen))).toBe(false);
  });
});
