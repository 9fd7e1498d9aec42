import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
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
  return track(mkdtempSync(join(tmpdir(), `tensorpool-mcp-${prefix}-`)));
}

export async function makeTempDirAsync(prefix: string): Promise<string> {
  return track(await mkdtemp(join(tmpdir(), `tensorpool-mcp-${prefix}-`)));
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  live.delete(dir);
}

export async function removeTempDirAsync(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  live.delete(dir);
}
