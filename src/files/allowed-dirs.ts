import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { ConfigError, ToolError } from '../errors.js';

/** Where file tools may read and write. */
export interface AllowedDirs {
  /** Real paths; empty: file tools refuse. */
  readonly allowedDirs: readonly string[];
  /** Why `allowedDirs` is empty, phrased for the model and the user. */
  readonly allowedDirsProblem?: string | undefined;
}

/**
 * The directories file tools may touch. Named directories must exist. Without any, the launch
 * directory is used, unless it is / or the home directory: that would hand the model every file.
 */
export function resolveAllowedDirs(input: { allowDirs: readonly string[]; cwd: string; home: string }): AllowedDirs {
  if (input.allowDirs.length > 0) {
    const dirs = input.allowDirs.map((dir) => {
      const real = realOrUndefined(resolve(input.cwd, dir));
      if (!real || !statSync(real).isDirectory()) throw new ConfigError(`--allow-dir ${dir}: no such directory`);
      return real;
    });
    return { allowedDirs: [...new Set(dirs)] };
  }
  const cwd = realOrUndefined(input.cwd) ?? input.cwd;
  const home = realOrUndefined(input.home) ?? input.home;
  // an ancestor of home (/home, /Users) would allow the whole home directory too
  if (cwd === resolve('/') || isInside(home, cwd)) {
    return {
      allowedDirs: [],
      allowedDirsProblem:
        `No directory is allowed for file tools: the server was started in ${cwd}, which is too broad to allow by ` +
        `default. ` +
        'Restart it with --allow-dir DIR (repeatable) or TENSORPOOL_MCP_ALLOWED_DIRS naming your project directory.',
    };
  }
  return { allowedDirs: [cwd] };
}

/**
 * Resolves a path given by the model to a real path inside the allowed directories, or throws.
 * Relative paths start from the first allowed directory. Symlinks and '..' are resolved before
 * the check, so neither can lead outside.
 */
export function confinePath(field: string, given: string, allowed: AllowedDirs, expect: 'directory' | 'file'): string {
  const [base] = allowed.allowedDirs;
  if (base === undefined) throw new ToolError(allowed.allowedDirsProblem ?? 'No directory is allowed for file tools.');
  const absolute = isAbsolute(given) ? given : join(base, given);
  const real = realOrUndefined(absolute);
  if (real === undefined) throw new ToolError(`${field}: ${absolute} does not exist.`);
  if (!allowed.allowedDirs.some((dir) => isInside(real, dir))) {
    throw new ToolError(
      `${field}: ${absolute} is outside the allowed directories (${allowed.allowedDirs.join(', ')}). ` +
        'Use a path inside them, or restart the server with --allow-dir naming the directory.',
    );
  }
  const isDirectory = statSync(real).isDirectory();
  if (expect === 'directory' && !isDirectory) throw new ToolError(`${field}: ${absolute} is not a directory.`);
  if (expect === 'file' && isDirectory) throw new ToolError(`${field}: ${absolute} is a directory, not a file.`);
  return real;
}

export function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

function realOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}
