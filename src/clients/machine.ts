import { homedir } from 'node:os';
import type { Installation } from './installation.js';

/** What client configuration depends on about the machine; injected so tests can be any platform. */
export interface Machine {
  platform: NodeJS.Platform;
  home: string;
  env: Record<string, string | undefined>;
  /** The node running this process: GUI clients may not find one on their PATH. */
  nodePath: string;
  /** npx beside that node, when there is one. */
  npxPath?: string;
  /** How this copy was started (installation.ts); absent: npx, as for a published package. */
  installation?: Installation;
}

/** `env`: the environment the entry read (clients/ never reads process.env itself). */
export function thisMachine(
  env: Record<string, string | undefined>,
  npxPath?: string,
  installation?: Installation,
): Machine {
  return {
    platform: process.platform,
    home: homedir(),
    env,
    nodePath: process.execPath,
    npxPath,
    installation,
  };
}
