import {
  chmodSync,
  copyFileSync,
  existsSync,
  rmSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { createTwoFilesPatch } from 'diff';

export interface PlannedWrite {
  path: string;
  before: string | undefined;
  after: string;
  /** Unified diff of before → after; empty when nothing changes. */
  diff: string;
}

export function planWrite(path: string, after: string): PlannedWrite {
  const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  const diff =
    before === after
      ? ''
      : createTwoFilesPatch(
          before === undefined ? '/dev/null' : path,
          path,
          before ?? '',
          after,
          undefined,
          undefined,
          { context: 3 },
        );
  return { path, before, after, diff };
}

/**
 * Writes the planned file (through a temporary file and a rename); the old one is kept beside it first,
 * as one `.bak` file that each write replaces (a client config may hold the API key: one copy, private,
 * not a new one per run). Returns the backup's path.
 */
export function applyWrite(plan: PlannedWrite): string | undefined {
  mkdirSync(dirname(plan.path), { recursive: true });
  let backup: string | undefined;
  if (plan.before !== undefined) {
    backup = `${plan.path}.bak`;
    rmSync(backup, { force: true });
    copyFileSync(plan.path, backup);
    chmodSync(backup, 0o600);
  }
  const temporary = `${plan.path}.tensorpool-mcp.tmp`;
  // a new file may hold a key once the user fills it in: private; an existing one keeps its mode
  const mode = plan.before === undefined ? 0o600 : statSync(plan.path).mode & 0o777;
  writeFileSync(temporary, plan.after, { mode });
  renameSync(temporary, plan.path);
  return backup;
}
