import { posix } from 'node:path';
import type { Client } from './clients.js';
import type { Machine } from './machine.js';
import { shellQuote } from '../shell-quote.js';
import { API_KEY_VARIABLE } from '../config/api-key.js';

/** The key clients store the server under. */
export const SERVER_KEY = 'tensorpool';
const PACKAGE = 'tensorpool-mcp';
/** Written where the key goes: a snippet never carries a real key, so it can be pasted, shown and shared. */
export const KEY_PLACEHOLDER = '<your TensorPool API key>';
/** VS Code asks for the key once and keeps it in its secret storage. */
export const VSCODE_KEY_INPUT = 'tensorpool-api-key';

/** How a client starts the server: one process, no shell in between (but Windows' cmd for npx.cmd). */
export interface ServerLaunch {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/**
 * npx through `cmd /c` on Windows (npx is a .cmd script that clients cannot start directly); by
 * absolute path, with node's directory on PATH, for clients started without the shell's PATH;
 * plain `npx` otherwise. `serverArgs` are tensorpool-mcp's own flags.
 */
export function launchFor(client: Client, machine: Machine, serverArgs: readonly string[]): ServerLaunch {
  const npxArgs = ['-y', PACKAGE, ...serverArgs];
  const key = keyReference(client);
  const env: Record<string, string> = { [API_KEY_VARIABLE]: key };
  const installation = machine.installation ?? { kind: 'npx' };
  if (installation.kind === 'command') return { command: installation.command, args: [...serverArgs], env };
  // a clone or a local install: node by absolute path runs it wherever the client starts it
  if (installation.kind === 'script')
    return { command: machine.nodePath, args: [installation.script, ...serverArgs], env };
  if (installation.kind === 'global') {
    // its `#!/usr/bin/env node` needs node on PATH, which a client without the shell's PATH lacks
    if (client.lacksShellPath || machine.platform === 'win32') {
      return { command: machine.nodePath, args: [installation.script, ...serverArgs], env };
    }
    return { command: installation.command, args: [...serverArgs], env };
  }
  if (machine.platform === 'win32') return { command: 'cmd', args: ['/c', 'npx', ...npxArgs], env };
  if (client.lacksShellPath && machine.npxPath) {
    // npx starts the package's `#!/usr/bin/env node` script: node has to be on the PATH the client gives it
    const nodeDir = posix.dirname(machine.nodePath);
    const path = [...new Set([nodeDir, '/usr/local/bin', '/usr/bin', '/bin'])].join(':');
    return { command: machine.npxPath, args: npxArgs, env: { ...env, PATH: path } };
  }
  return { command: 'npx', args: npxArgs, env };
}

/**
 * What stands for the key: VS Code asks for it and keeps it in its secret storage; Claude Code
 * expands variables in .mcp.json, a file that is often checked in, so the key stays in the shell;
 * elsewhere the user replaces a placeholder in their own private file.
 */
function keyReference(client: Client): string {
  if (client.shape === 'vscode') return `\${input:${VSCODE_KEY_INPUT}}`;
  if (client.id === 'claude-code') return `\${${API_KEY_VARIABLE}}`;
  return KEY_PLACEHOLDER;
}

/**
 * `claude mcp add …` for the same launch: Claude Code's own way to add a server (local scope: private to you, this
 * project).
 */
export function claudeMcpAddCommand(launch: ServerLaunch): string {
  const env = Object.entries({ ...launch.env, [API_KEY_VARIABLE]: KEY_PLACEHOLDER }).map(
    ([name, value]) => `--env ${shellQuote([`${name}=${value}`])}`,
  );
  return ['claude mcp add', SERVER_KEY, ...env, '--', shellQuote([launch.command, ...launch.args])].join(' ');
}
