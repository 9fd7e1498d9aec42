import { realpathSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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
