import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ToolError } from '../errors.js';
import { isInside } from './allowed-dirs.js';

/**
 * Names of files that usually hold a credential (`*`: any run of characters; case does not matter).
 * Public halves (`*.pub`) are meant to be shared and do not count.
 */
const KEY_FILE_NAMES: readonly string[] = [
  '.env',
  '.env.*',
  '*.pem',
  '*.key',
  'id_rsa*',
  'id_dsa*',
  'id_ecdsa*',
  'id_ed25519*',
  '.npmrc',
  '.pypirc',
  '.netrc',
  '.git-credentials',
  'credentials*',
];

/** More entries than a job upload should have; past it the check gives up rather than stall a call. */
const MAX_ENTRIES = 200_000;
/** How many offending files a refusal names. */
const LISTED = 10;
/** Files up to this size are read for private-key content; a key is a few KB, data files are larger. */
export const CONTENT_CHECK_BYTES = 64 * 1024;

const KEY_NAME = new RegExp(`^(?:${KEY_FILE_NAMES.map(globBody).join('|')})$`, 'i');
/**
 * PEM private keys of any kind (RSA, EC, DSA, OPENSSH, ENCRYPTED, PKCS#8), PuTTY keys, and OpenSSH's format without its
 * armour.
 */
const PRIVATE_KEY_CONTENT = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----|PuTTY-User-Key-File-\d|b3BlbnNzaC1rZXktdjE/;

/** Why a file would not be uploaded. */
type UploadProblemKind = 'name' | 'content' | 'link to a key file' | 'link outside the allowed directories';

export interface UploadProblem {
  /** Relative path with '/'. */
  path: string;
  kind: UploadProblemKind;
}

const KIND_TEXT: Record<UploadProblemKind, string> = {
  name: 'named like a key file',
  content: 'holds a private key',
  'link to a key file': 'a symlink to a key file',
  'link outside the allowed directories': 'a symlink leading outside the allowed directories',
};

/**
 * Refuses to upload a work directory that holds a key file the config's `ignore` list does not cover:
 * one named like one (KEY_FILE_NAMES), a small file holding a private key whatever its name, or a
 * symlink to either or out of the allowed directories. `tp job push` uploads everything not ignored,
 * following links, so a hand-written `ignore = []` next to `.env` would send the API key to TensorPool.
 */
export async function refuseUploadedKeyFiles(
  workdir: string,
  ignore: readonly string[],
  configPath: string,
  allowedDirs?: readonly string[],
): Promise<void> {
  const found = await findUploadProblems(workdir, ignore, allowedDirs);
  if (found.length === 0) return;
  const named =
    found
      .slice(0, LISTED)
      .map((problem) => `${problem.path} (${KIND_TEXT[problem.kind]})`)
      .join(', ') + (found.length > LISTED ? ` and ${found.length - LISTED} more` : '');
  throw new ToolError(
    `workdir: ${workdir} holds files that look like secrets, and the config's ignore list does not cover them: ` +
      `${named}. ` +
      `job push would upload them to TensorPool. Add each to ignore in ${configPath} by its exact relative path ` +
      `(e.g. ignore = [${JSON.stringify(found[0]!.path)}]), or move them out of the directory. Nothing was uploaded.`,
  );
}

/** Relative paths (with '/') of the key files under `workdir` that `ignore` leaves in the upload, nearest first. */
export async function findUncoveredKeyFiles(
  workdir: string,
  ignore: readonly string[],
  allowedDirs?: readonly string[],
): Promise<string[]> {
  return (await findUploadProblems(workdir, ignore, allowedDirs)).map((problem) => problem.path);
}

/**
 * Every file `ignore` leaves in the upload that looks like a secret, nearest first. With `allowedDirs`
 * (real paths), a symlink whose target lies outside them counts too. Symlinked directories inside are
 * looked into, each real directory once.
 */
export async function findUploadProblems(
  workdir: string,
  ignore: readonly string[],
  allowedDirs?: readonly string[],
): Promise<UploadProblem[]> {
  const ignored = ignoreMatcher(ignore);
  const found: UploadProblem[] = [];
  const visited = new Set<string>([await realpath(workdir)]);
  // breadth first: the files next to the config, where a key most often sits, are checked first
  const queue: string[] = [''];
  let seen = 0;
  for (let next = 0; next < queue.length; next++) {
    const dir = queue[next]!;
    let entries;
    try {
      entries = await readdir(join(workdir, dir), { withFileTypes: true });
    } catch {
      continue; // what cannot be read here cannot be uploaded either
    }
    for (const entry of entries) {
      if (++seen > MAX_ENTRIES) {
        throw new ToolError(
          `workdir: ${workdir} holds more than ${MAX_ENTRIES} files that the config's ignore list does not cover, ` +
            `too many to check for key files; ` +
            'add the large data directories to ignore (put data on a storage volume instead). Nothing was uploaded.',
        );
      }
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (ignored(path)) continue;
      const full = join(workdir, path);
      if (isKeyName(entry.name)) found.push({ path, kind: 'name' });
      else if (entry.isFile()) {
        if (await holdsPrivateKey(full)) found.push({ path, kind: 'content' });
      } else if (entry.isSymbolicLink()) {
        const target = await linkTarget(full);
        if (target === undefined) continue; // a dangling link uploads nothing
        if (allowedDirs && !allowedDirs.some((allowed) => isInside(target.real, allowed)))
          found.push({ path, kind: 'link outside the allowed directories' });
        else if (target.isDirectory) {
          if (!visited.has(target.real)) {
            visited.add(target.real);
            queue.push(path);
          }
        } else if (isKeyName(basename(target.real)) || (await holdsPrivateKey(target.real)))
          found.push({ path, kind: 'link to a key file' });
        continue;
      }
      if (entry.isDirectory()) queue.push(path);
    }
  }
  return found;
}

function isKeyName(name: string): boolean {
  return KEY_NAME.test(name) && !/\.pub$/i.test(name);
}

async function linkTarget(path: string): Promise<{ real: string; isDirectory: boolean } | undefined> {
  try {
    const real = await realpath(path);
    return { real, isDirectory: (await stat(real)).isDirectory() };
  } catch {
    return undefined;
  }
}

/** Whether a small regular file holds a private key; larger files and unreadable ones are not read. */
async function holdsPrivateKey(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > CONTENT_CHECK_BYTES || info.size === 0) return false;
    return PRIVATE_KEY_CONTENT.test((await readFile(path)).toString('latin1'));
  } catch {
    return false;
  }
}

/**
 * Whether `ignore` surely keeps a relative path out of the upload. tp's own matching is not documented
 * (docs/tp-cli.md: "paths or globs"), so only what any reading would agree on counts: an entry that
 * matches the path, or one of its parent directories, from the work directory down (a leading `./`
 * and trailing `/` aside), with `*` and `?` never crossing a `/`. `.env` covers `.env` but not
 * `sub/.env`; `*.pem` covers `a.pem` but not `keys/a.pem`; `keys` covers everything under `keys/`.
 */
export function ignoreMatcher(ignore: readonly string[]): (path: string) => boolean {
  const patterns = ignore.flatMap((entry) => {
    const trimmed = entry.replace(/^(?:\.\/)+/, '').replace(/\/+$/, '');
    // absolute, upward and backslashed entries mean different things to different matchers
    if (trimmed === '' || trimmed.startsWith('/') || trimmed.includes('\\') || trimmed.split('/').includes('..'))
      return [];
    return [new RegExp(`^${globBody(trimmed)}$`)];
  });
  return (path) => {
    const parts = path.split('/');
    return parts.some((_, index) => {
      const prefix = parts.slice(0, index + 1).join('/');
      return patterns.some((pattern) => pattern.test(prefix));
    });
  };
}

/** A simple glob as a regular expression body: `*` and `?` within one path segment, everything else literal. */
function globBody(glob: string): string {
  return [...glob]
    .map((char) => (char === '*' ? '[^/]*' : char === '?' ? '[^/]' : char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
}
