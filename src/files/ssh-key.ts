import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDirAsync, removeTempDirAsync } from '../temp-dirs.js';

const KEY_TYPES = new Set([
  'ssh-ed25519',
  'ssh-rsa',
  'ssh-dss',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
]);

const PRIVATE_KEY_MARKERS = [/PRIVATE KEY/i, /-----BEGIN/, /PuTTY-User-Key-File/i, /openssh-key-v1/];

/**
 * Why `value` is not a usable OpenSSH public key line, or undefined when it is.
 * Messages never include the value: a private key pasted here must not travel further.
 */
export function publicKeyProblem(value: string): string | undefined {
  const text = value.trim();
  if (PRIVATE_KEY_MARKERS.some((marker) => marker.test(text)) || looksLikeBareOpenSshPrivateKey(text)) {
    return 'looks like a PRIVATE key; it was refused and not stored. Pass the public key instead: the one line in the matching .pub file (e.g. ~/.ssh/id_ed25519.pub).';
  }
  if (/[\r\n]/.test(text)) return 'must be a single line ("<type> <base64> [comment]")';
  const [type, blob, ...comment] = text.split(/[ \t]+/);
  if (!type || !KEY_TYPES.has(type)) {
    return `must start with a known key type (${[...KEY_TYPES].join(', ')})`;
  }
  if (!blob || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob) || blob.length % 4 !== 0) {
    return 'must have a base64 key blob after the key type';
  }
  const embedded = embeddedKeyType(Buffer.from(blob, 'base64'));
  if (embedded !== type) return 'has a key blob whose embedded type does not match the key type prefix';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this check rejects
  if (/[\x00-\x1f\x7f]/.test(comment.join(' '))) return 'comment must not contain control characters';
  return undefined;
}

/** SSH wire format: the blob starts with a uint32 length and the key type string. */
function embeddedKeyType(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || blob.length < 4 + length) return undefined;
  return blob.subarray(4, 4 + length).toString('latin1');
}

/** The base64 body of an OpenSSH private key without its armour still decodes to "openssh-key-v1". */
function looksLikeBareOpenSshPrivateKey(text: string): boolean {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/=]{40,}$/.test(compact)) return false;
  return Buffer.from(compact.slice(0, 24), 'base64').toString('latin1').startsWith('openssh-key-v1');
}

/**
 * Writes a validated public key to a fresh private directory (0700, file 0600) for `tp -i PATH`,
 * runs `use`, and removes the directory whatever happens, including when the server exits first.
 */
export async function withPublicKeyFile<T>(publicKey: string, use: (path: string) => Promise<T>): Promise<T> {
  const dir = await makeTempDirAsync('key');
  try {
    const path = join(dir, 'key.pub');
    await writeFile(path, `${publicKey.trim()}\n`, { mode: 0o600, flag: 'wx' });
    return await use(path);
  } finally {
    await removeTempDirAsync(dir);
  }
}
