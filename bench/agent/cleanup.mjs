// Everything the agent benchmark leaves on the machine, removed however it ends: the child
// processes it starts and its temporary directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const children = new Set();
const pids = new Set();
const dirs = new Set();

/** Remembers a child until it exits, so that an early end can stop it. */
export function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.once('error', () => children.delete(child));
  return child;
}

/** Remembers a process started by someone else (the SDK's stdio transport) until `forget`. */
export function trackPid(pid) {
  pids.add(pid);
  return () => pids.delete(pid);
}

/** A fresh temporary directory (short: its path is part of what the server side writes and reads). */
export function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'tpb-'));
  dirs.add(dir);
  return dir;
}

export function cleanUp() {
  for (const child of children) child.kill('SIGKILL');
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

process.once('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    cleanUp();
    process.exit(130);
  });
}
