import { mkdtempSync, rmSync } from 'node:fs';
import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set<string>();
let exitHookInstalled = false;

function track(dir: string): string {
  live.add(dir);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // 'exit' handlers must be synchronous; SIGTERM and SIGINT reach this through the CLI's orderly exit
    process.once('exit', () => {
      for (const pending of live) rmSync(pending, { recursive: true, force: true });
    });
  }
  return dir;
}

/**
 * A fresh 0700 directory under the system temp directory, removed by removeTempDir or, at the
 * latest, when the process exits (short of SIGKILL).
 */
export function makeTempDir(prefix: string): string {
  return track(mkdtempSync(tempPrefix(prefix)));
}

export async function makeTempDirAsync(prefix: string): Promise<string> {
  return track(await mkdtemp(tempPrefix(prefix)));
}

/** The owner's pid is in the name, so a later server can tell a dead server's directory from a live one's. */
function tempPrefix(prefix: string): string {
  return join(tmpdir(), `tensorpool-mcp-${prefix}-${process.pid}-`);
}

const OURS = /^tensorpool-mcp-[a-z]+-(\d+)-[A-Za-z0-9]{6}$/;

/**
 * Removes the temporary directories (key files, pulled files, output spools) of servers that died
 * without cleaning up: SIGKILL skips every exit handler. A directory is removed only when it is
 * this user's and no process has its owner's pid; resolves with the paths removed.
 */
export async function sweepStaleTempDirs(dir = tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  const uid = process.getuid?.();
  for (const name of await readdir(dir).catch(() => [])) {
    const pid = Number(OURS.exec(name)?.[1]);
    if (!pid || pid === process.pid || processExists(pid)) continue;
    const path = join(dir, name);
    try {
      const stat = await lstat(path);
      if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) continue;
      await rm(path, { recursive: true, force: true });
      removed.push(path);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, as another user's
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  live.delete(dir);
}

export async function removeTempDirAsync(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  live.delete(dir);
}
