import { isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import { addOptions, optionValues } from '../config/command-line.js';
import { configFromOptions, type Config } from '../config/config.js';
import { defaultOptionValues, OPTIONS, type OptionName, type OptionSpec } from '../config/options.js';

/**
 * The server's own options that doctor checks and config writes into a client's snippet: every stdio option of
 * the table, so a client's flags can be pasted as they are. Same flags, variables and parsers as the server.
 */
const SERVER_FLAGS = (Object.keys(OPTIONS) as OptionName[]).filter(
  (name) => name !== 'stdio' && name !== 'http' && !(OPTIONS[name] as OptionSpec<unknown>).httpOnly,
);
type ServerFlagName = (typeof SERVER_FLAGS)[number];

export interface ServerFlags {
  /**
   * The Config the server would start with, from the same table and the same derivation. Its allowedDirs
   * stay empty: doctor resolves --allow-dir itself, to report a problem instead of stopping.
   */
  config: Config;
  /** --allow-dir as given (relative paths against the launch directory). */
  allowDirs: readonly string[];
  /** The flags as given on this command line, for a snippet. */
  given: string[];
}

export function addServerFlags(command: Command): Command {
  return addOptions(command, SERVER_FLAGS);
}

export function serverFlagsFrom(command: Command, env: Record<string, string | undefined>, cwd: string): ServerFlags {
  const { values, fromCli } = optionValues(command, env, SERVER_FLAGS);
  const given: string[] = [];
  for (const name of fromCli) {
    // directories are added by the launch, as absolute paths; the env file is the shell's, not the client's
    if (name === 'allowDir' || name === 'envFile') continue;
    given.push(...flagFor(name, values[name], cwd));
  }
  return { config: configFromOptions({ ...defaultOptionValues(), ...values }), allowDirs: values.allowDir, given };
}

function flagFor(name: ServerFlagName, value: unknown, cwd: string): string[] {
  const flag = OPTIONS[name].flags.split(' ')[0]!;
  // a --no-… switch given on the command line holds false
  if (typeof value === 'boolean') return value === !flag.startsWith('--no-') ? [flag] : [];
  if (Array.isArray(value)) return [flag, value.join(',')];
  const text = String(value);
  // a client starts the server elsewhere: a relative tp path in a snippet is made absolute
  if (name === 'tpPath' && text.includes('/') && !isAbsolute(text)) return [flag, resolve(cwd, text)];
  return [flag, text];
}
