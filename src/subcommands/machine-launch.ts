import { isAbsolute, resolve } from 'node:path';
import type { Client } from '../clients/clients.js';
import { launchFor, type ServerLaunch } from '../clients/launch.js';
import type { Machine } from '../clients/machine.js';
import { resolveAllowedDirs } from '../files/allowed-dirs.js';
import type { ServerFlags } from './server-flags.js';

/**
 * The launch for `client` on this machine: the flags given, the allowed directories as absolute
 * paths, and for clients without the shell's PATH the tp found here and the launch directory
 * (they start servers in / or the home directory, where no directory would be allowed).
 */
export function launchOnThisMachine(
  client: Client,
  machine: Machine,
  flags: ServerFlags,
  cwd: string,
  tpFound: string | undefined,
): ServerLaunch {
  const args = [...flags.given];
  if (client.lacksShellPath && !args.includes('--tp-path') && tpFound && isAbsolute(tpFound))
    args.push('--tp-path', tpFound);
  let dirs = flags.allowDirs.map((dir) => resolve(cwd, dir));
  if (dirs.length === 0 && client.lacksShellPath)
    dirs = resolveAllowedDirs({ allowDirs: [], cwd, home: machine.home }).allowedDirs.slice();
  for (const dir of dirs) args.push('--allow-dir', dir);
  return launchFor(client, machine, args);
}
