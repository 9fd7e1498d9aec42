import { realpathSync } from 'node:fs';
import { sep } from 'node:path';
import { resolveExecutable } from '../tp/which.js';

/**
 * How this copy of tensorpool-mcp was started, so that `config` and `doctor` print a command that
 * starts this installation and not one that exists only once the package is published:
 * - npx: run through npx (its cache holds the package) → `npx -y tensorpool-mcp`;
 * - global: the `tensorpool-mcp` on PATH is this script → that command;
 * - script: anything else (a clone, a local node_modules) → `node /abs/bin/tensorpool-mcp.js`;
 * - command: --command names the executable to run.
 */
export type Installation =
  | { kind: 'npx' }
  | { kind: 'global'; command: string; script: string }
  | { kind: 'script'; script: string }
  | { kind: 'command'; command: string };

export function thisInstallation(
  scriptArg: string | undefined,
  env: Record<string, string | undefined>,
  override?: string,
): Installation {
  if (override) return { kind: 'command', command: override };
  if (!scriptArg) return { kind: 'npx' };
  const script = realOr(scriptArg);
  // npx runs the package from its cache (~/.npm/_npx/…); npm_command is no sign: npx's children inherit it
  if (script.includes(`${sep}_npx${sep}`)) return { kind: 'npx' };
  const onPath = resolveExecutable('tensorpool-mcp', env);
  if (onPath && realOr(onPath) === script) return { kind: 'global', command: 'tensorpool-mcp', script };
  return { kind: 'script', script };
}

function realOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
