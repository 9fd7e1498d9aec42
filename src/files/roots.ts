import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isInside, type AllowedDirs } from './allowed-dirs.js';

/** The client's MCP roots as real directory paths; roots that are not local, existing directories are skipped. */
export function rootsToDirs(roots: readonly { uri: string }[]): string[] {
  const dirs = new Set<string>();
  for (const root of roots) {
    if (!root.uri.startsWith('file://')) continue;
    try {
      const real = realpathSync(fileURLToPath(root.uri));
      if (statSync(real).isDirectory()) dirs.add(real);
    } catch {
      // a root that does not exist here (say, on the client's own machine) allows nothing
    }
  }
  return [...dirs];
}

/**
 * The client's roots can only narrow what the operator allowed, never widen it: a root inside an allowed
 * directory narrows it to the root, an allowed directory inside a root stays as it is, and a root beside
 * every allowed directory adds nothing. So a `file:///` root leaves the operator's list unchanged, and
 * neither `/` nor the home directory can come from a client. `roots` are real paths (rootsToDirs); with
 * none, the operator's rule stands. Roots come first, so a relative path starts from the client's first root.
 */
export function narrowToRoots(operator: AllowedDirs, roots: readonly string[]): AllowedDirs {
  if (roots.length === 0) return operator;
  const narrowed = new Set<string>();
  for (const root of roots) {
    for (const allowed of operator.allowedDirs) {
      if (isInside(root, allowed)) narrowed.add(root);
      else if (isInside(allowed, root)) narrowed.add(allowed);
    }
  }
  // a directory inside another of the list adds nothing but length to every message
  const dirs = [...narrowed].filter((dir) => ![...narrowed].some((other) => other !== dir && isInside(dir, other)));
  if (dirs.length > 0) return { allowedDirs: dirs };
  const operatorSays =
    operator.allowedDirs.length > 0
      ? `the directories the server allows (${operator.allowedDirs.join(', ')})`
      : `the directories the server allows, which are none: ` +
        `${operator.allowedDirsProblem ?? 'no --allow-dir was given'}`;
  return {
    allowedDirs: [],
    allowedDirsProblem:
      `No directory is allowed for file tools: your client's roots (${roots.join(', ')}) lie outside ` +
      `${operatorSays}. ` +
      'Roots can only narrow the allowed directories, never add to them: open a folder inside them in your client, ' +
      'or restart the server with --allow-dir naming the project.',
  };
}

/**
 * Over stdio without --allow-dir, the client's roots are the allowed directories: the client is the
 * user's own application, and its roots say which folder is open (the launch directory is often $HOME
 * or /, where file tools would have nothing). A root of /, of the home directory or of one of its
 * ancestors would hand over every file, and is refused. `roots` and `home` are real paths.
 */
export function rootsAsAllowedDirs(
  roots: readonly string[],
  home: string,
): { allowed: AllowedDirs | undefined; tooWide: string[] } {
  const tooWide = roots.filter((root) => root === resolve('/') || isInside(home, root));
  const usable = roots.filter((root) => !tooWide.includes(root));
  const dirs = usable.filter((dir) => !usable.some((other) => other !== dir && isInside(dir, other)));
  return { allowed: dirs.length > 0 ? { allowedDirs: dirs } : undefined, tooWide };
}
