import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { clientById } from '../clients/clients.js';
import { claudeMcpAddCommand, KEY_PLACEHOLDER } from '../clients/launch.js';
import { thisInstallation } from '../clients/installation.js';
import { thisMachine } from '../clients/machine.js';
import { mergeConfig } from '../clients/merge.js';
import { ConfigFileError } from '../errors.js';
import { snippetText } from '../clients/snippet.js';
import { applyWrite, planWrite } from '../clients/write.js';
import { maskKey } from '../doctor/checks.js';
import type { Env } from '../config/api-key.js';
import { resolveExecutable } from '../tp/which.js';
import { launchOnThisMachine } from './machine-launch.js';
import { serverFlagsFrom } from './server-flags.js';

/**
 * Prints the client's snippet; with --write merges it into the client's file, showing the diff and keeping a backup.
 * `env`: the server's environment, as the entry read it (after .env).
 */
export async function runConfig(command: Command, env: Env): Promise<number> {
  const cwd = process.cwd();
  const options = command.opts<{ client: string; write?: boolean }>();
  const client = clientById(options.client);
  const flags = serverFlagsFrom(command, env, cwd);
  const machine = thisMachine(
    env,
    resolveExecutable('npx', env),
    thisInstallation(process.argv[1], env, command.opts<{ command?: string }>().command),
  );
  const launch = launchOnThisMachine(client, machine, flags, cwd, resolveExecutable(flags.config.tpPath, env));
  if (!options.write) {
    process.stdout.write(`${snippetText(client, launch)}\n`);
    if (client.id === 'claude-code') process.stderr.write(`or run: ${claudeMcpAddCommand(launch)}\n`);
    process.stderr.write(
      `Paste it into ${client.configPath(machine, cwd)}, or run again with --write to merge it there.\n`,
    );
    return 0;
  }
  const path = client.configPath(machine, cwd);
  const before = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  let merged;
  try {
    merged = mergeConfig(client, before, launch, path);
  } catch (error) {
    if (error instanceof ConfigFileError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const after = merged.text;
  const plan = planWrite(path, after);
  if (!plan.diff) {
    process.stdout.write(`${path} already has this configuration; nothing written.\n`);
    return 0;
  }
  // a key the user already put in the file stays there, but is not shown
  const key = merged.keptKey;
  process.stdout.write(key ? plan.diff.replaceAll(key, maskKey(key)) : plan.diff);
  const backup = applyWrite(plan);
  process.stdout.write(`wrote ${path}${backup ? ` (the previous file is kept as ${backup})` : ''}\n`);
  if (after.includes(KEY_PLACEHOLDER))
    process.stdout.write(`Replace ${KEY_PLACEHOLDER} in ${path} with your key, then restart ${client.name}.\n`);
  else process.stdout.write(`Restart ${client.name} to start it.\n`);
  return 0;
}
