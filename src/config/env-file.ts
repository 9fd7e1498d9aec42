import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { config as loadDotenv, parse as parseDotenv } from 'dotenv';
import { ConfigError } from '../errors.js';
import { type Env, KEY_VARIABLES } from './api-key.js';
import { OPTIONS } from './options.js';

/**
 * Loads a .env file into `env` before any option is read, never overriding what is set.
 * A file named with --env-file (or its variable) supplies everything and must exist; the implicit
 * ./.env, if there is one, supplies only the API key: a cloned repository's .env must not pick the
 * tp binary, the engine URL, the bind address or the guards.
 */
export function loadEnvFile(args: readonly string[], env: Env, cwd: string): { ignored: string[] } {
  const named = envFileFrom(args, env);
  const path = resolve(cwd, named ?? '.env');
  if (!existsSync(path)) {
    if (named !== undefined) throw new ConfigError(`--env-file ${named}: no such file`);
    return { ignored: [] };
  }
  if (named !== undefined) {
    // quiet: dotenv would otherwise announce itself on stdout, which is the protocol stream
    const { error } = loadDotenv({ path, override: false, quiet: true, processEnv: env as Record<string, string> });
    if (error) throw new ConfigError(`--env-file ${path}: ${error.message}`);
    return { ignored: [] };
  }
  const values = parseDotenv(readFileSync(path));
  for (const name of KEY_VARIABLES) {
    if (values[name] !== undefined && env[name] === undefined) env[name] = values[name];
  }
  // what an implicit ./.env may set: it lives in a project that may not be the operator's own.
  // names only (never values): the start-up log says what the file wanted and did not get
  return { ignored: Object.keys(values).filter((name) => !KEY_VARIABLES.includes(name)) };
}

/** The start-up line for settings an implicit ./.env held but was not allowed to set. */
export function ignoredEnvNotice(ignored: readonly string[]): string | undefined {
  if (ignored.length === 0) return undefined;
  return (
    `./.env: only the API key is read from an implicit .env; ignored ${ignored.join(', ')} (name the file with ` +
    `--env-file to use them)`
  );
}

/**
 * --env-file must be known before the other options read the environment, so it is picked out of the
 * arguments ahead of the full parse. (Node 20 also reads `--env-file` anywhere on its command line,
 * and exits 9 if the file is missing; the variable avoids that.)
 */
function envFileFrom(args: readonly string[], env: Env): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    if (arg === '--env-file') return args[i + 1];
    if (arg.startsWith('--env-file=')) return arg.slice('--env-file='.length);
  }
  return env[OPTIONS.envFile.env!] || undefined;
}
