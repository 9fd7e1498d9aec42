import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolError } from '../errors.js';

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

const KEY_NAME = new RegExp(`^(?:${KEY_FILE_NAMES.map(globBody).join('|')})$`, 'i');

/**
 * Refuses to upload a work directory that holds a key file (KEY_FILE_NAMES) the config's `ignore` list
 * does not cover: `tp job push` uploads everything not ignored, so a hand-written `ignore = []` next to
 * `.env` would send the API key to TensorPool. Symlinked directories are looked into as well (an upload
 * may follow them), each real directory once.
 */
export async function refuseUploadedKeyFiles(workdir: string, ignore: readonly string[], configPath: string): Promise<void> {
  const found = await findUncoveredKeyFiles(workdir, ignore);
  if (found.length === 0) return;
  const named = found.slice(0, LISTED).join(', ') + (found.length > LISTED ? ` and ${found.length - LISTED} more` : '');
  throw new ToolError(
    `workdir: ${workdir} holds files whose names usually mean secrets, and the config's ignore list does not cover them: ${named}. ` +
      `job push would upload them to TensorPool. Add each to ignore in ${configPath} by its exact relative path ` +
      `(e.g. ignore = [${JSON.stringify(found[0])}]), or move them out of the directory. Nothing was uploaded.`,
  );
}

/** Relative paths (with '/') of the key files under `workdir` that `ignore` leaves in the upload, nearest first. */
export async function findUncoveredKeyFiles(workdir: string, ignore: readonly string[]): Promise<string[]> {
  const ignored = ignoreMatcher(ignore);
  const found: string[] = [];
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
          `workdir: ${workdir} holds more than ${MAX_ENTRIES} files that the config's ignore list does not cover, too many to check for key files; ` +
            'add the large data directories to ignore (put data on a storage volume instead). Nothing was uploaded.',
        );
      }
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (ignored(path)) continue;
      if (KEY_NAME.test(entry.name) && !/\.pub$/i.test(entry.name)) found.push(path);
      if (entry.isDirectory() || (entry.isSymbolicLink() && (await isNewDirectory(join(workdir, path), visited)))) queue.push(path);
    }
  }
  return found;
}

/** Whether `path` leads to a directory not looked into yet (a symlink loop leads back to one that was). */
async function isNewDirectory(path: string, visited: Set<string>): Promise<boolean> {
  try {
    if (!(await stat(path)).isDirectory()) return false;
    const real = await realpath(path);
    if (visited.has(real)) return false;
    visited.add(real);
    return true;
  } catch {
    return false; // a dangling link uploads nothing
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
    if (trimmed === '' || trimmed.startsWith('/') || trimmed.includes('\\') || trimmed.split('/').includes('..')) return [];
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
  return [...glob].map((char) => (char === '*' ? '[^/]*' : char === '?' ? '[^/]' : char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
}
