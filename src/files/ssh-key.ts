import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { ToolError } from '../errors.js';
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
    return (
      'looks like a PRIVATE key; it was refused and not stored. Pass the public key instead: the one line in ' +
      'the matching .pub file (e.g. ~/.ssh/id_ed25519.pub).'
    );
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

/** A value that names a public key file rather than holding the key: a path ending in `.pub`. */
export function isPublicKeyPath(value: string): boolean {
  const text = value.trim();
  return text.endsWith('.pub') && !/\s/.test(text) && !KEY_TYPES.has(text.split(/\s/)[0]!);
}

const MAX_PUBLIC_KEY_FILE = 16 * 1024;

/**
 * The key a `.pub` path names, so an agent passes `~/.ssh/id_ed25519.pub` instead of reading and
 * retyping the key. The file must be inside the allowed directories, or a `.pub` file directly in
 * ~/.ssh (public keys are public; nothing else there is read), and must hold one public key line.
 */
function readPublicKeyFile(field: string, given: string, allowedDirs: readonly string[]): string {
  const home = homedir();
  const expanded = given.trim().replace(/^~(?=\/|$)/, home);
  const base = allowedDirs.length === 1 ? allowedDirs[0] : undefined;
  if (!isAbsolute(expanded) && !base)
    throw new ToolError(`${field}: ${given} is relative; give the .pub file's absolute path.`);
  const path = resolve(base ?? '/', expanded);
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw new ToolError(`${field}: ${path} does not exist.`);
  }
  const sshDir = join(home, '.ssh');
  const inSshDir = dirname(real) === (existsSync(sshDir) ? realpathSync(sshDir) : sshDir);
  if (!inSshDir && !allowedDirs.some((dir) => real === dir || real.startsWith(dir.endsWith(sep) ? dir : dir + sep))) {
    throw new ToolError(
      `${field}: ${path} is outside the allowed directories and ~/.ssh; pass a .pub file from there, or the key's ` +
        `one line.`,
    );
  }
  const stats = statSync(real);
  if (!stats.isFile() || stats.size > MAX_PUBLIC_KEY_FILE)
    throw new ToolError(`${field}: ${path} is not a public key file (a regular file of at most 16 KB).`);
  const text = readFileSync(real, 'utf8').trim();
  const problem = publicKeyProblem(text);
  if (problem) throw new ToolError(`${field}: the content of ${path} ${problem}`);
  return text;
}

/** The key line a public key argument holds, or that the `.pub` file it names holds. */
export function publicKeyText(field: string, value: string, allowedDirs: readonly string[]): string {
  return isPublicKeyPath(value) ? readPublicKeyFile(field, value, allowedDirs) : value;
}
