import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, OptionValueError } from '../errors.js';
import { resolveAllowedDirs } from '../files/allowed-dirs.js';
import { isLoopback } from '../net.js';
import { SUBCOMMANDS_HELP } from '../subcommands/names.js';
import { NAME, VERSION } from '../version.js';
import type { Env } from './api-key.js';
import { configFromOptions, type Config } from './config.js';
import { loadEnvFile } from './env-file.js';
import { HELP_GROUPS, OPTIONS, type OptionName, type OptionSpec, type OptionValues } from './options.js';

export interface ReadOptions {
  values: OptionValues;
  /** Options whose value came from their environment variable. */
  fromEnv: ReadonlySet<OptionName>;
}

/**
 * Reads every option of the table: the flag wins, then its environment variable, then the default.
 * An empty variable counts as unset. Throws commander's CommanderError for --help, --version and usage
 * errors (already printed, on one line), and ConfigError for a bad variable.
 */
export function readOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  /** Where commander's one-line usage errors go; tests collect them instead of printing them. */
  writeErr: (text: string) => void = (text) => process.stderr.write(text),
): ReadOptions {
  const program = buildProgram(writeErr);
  program.parse([...argv]);
  // stdio uses no port: a PORT=abc (or HOST) left in the shell must neither stop it nor show up in its settings
  const read = optionValues(
    program,
    program.getOptionValue('http') === true ? env : withoutHttpVariables(env),
    entries().map(([name]) => name),
  );
  if (!read.values.http) {
    // `--port 3000` alone would otherwise quietly serve stdio
    const stray = entries().find(([name, spec]) => spec.httpOnly && read.fromCli.has(name));
    if (stray)
      throw new ConfigError(
        `${stray[1].flags.split(' ')[0]} applies only to the HTTP transport; add --http, or drop it to serve stdio`,
      );
  }
  return read;
}

/**
 * The Config a command line and environment describe, checked before anything starts: .env is loaded into
 * `env` first (never overriding it), so options can read it. Also returns what start-up says about it: the
 * names an implicit ./.env held but may not set, and the risky choices (said loudly).
 */
export function configFromCommandLine(
  argv: readonly string[],
  env: Env,
  where: { cwd: string; home: string },
): { config: Config; ignoredEnv: string[]; warnings: string[] } {
  const { ignored } = loadEnvFile(argv.slice(2), env, where.cwd);
  const { values, fromEnv } = readOptions(argv, env);
  if (values.http && fromEnv.has('host') && !isLoopback(values.host)) {
    // tcsh and many container images set HOST; it must not silently expose an unauthenticated server
    throw new ConfigError(
      `HOST=${values.host} from the environment is not a loopback address; pass --host ${values.host} (with an auth ` +
        `mode, see --auth) to bind it on purpose`,
    );
  }
  const warnings: string[] = [];
  const dirs = resolveAllowedDirs({ allowDirs: values.allowDir, cwd: where.cwd, home: where.home });
  const config = configFromOptions(values, dirs, (warning) => warnings.push(warning));
  return { config, ignoredEnv: ignored, warnings };
}

/** Adds the table's options `names` to a command (the subcommands take some of the server's flags). */
export function addOptions(command: Command, names: readonly OptionName[]): Command {
  for (const name of names) command.addOption(commanderOption(name, OPTIONS[name] as OptionSpec<unknown>));
  return command.configureHelp({ optionDescription: describe });
}

/** The values of options `names` of a parsed command: the flag, else its variable, else the default. */
export function optionValues<N extends OptionName>(
  command: Command,
  env: Readonly<Record<string, string | undefined>>,
  names: readonly N[],
): { values: Pick<OptionValues, N>; fromEnv: ReadonlySet<N>; fromCli: ReadonlySet<N> } {
  const flags = command.opts();
  const values: Record<string, unknown> = {};
  const fromEnv = new Set<N>();
  const fromCli = new Set<N>();
  for (const name of names) {
    const spec = OPTIONS[name] as OptionSpec<unknown>;
    const raw = spec.env === undefined ? undefined : env[spec.env];
    if (command.getOptionValueSource(name) === 'cli') {
      values[name] = flags[name];
      fromCli.add(name);
    } else if (raw !== undefined && raw.trim() !== '') {
      values[name] = fromVariable(spec, raw);
      fromEnv.add(name);
    } else values[name] = spec.default;
  }
  return { values: values as Pick<OptionValues, N>, fromEnv, fromCli };
}

function withoutHttpVariables(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const httpVariables = new Set(entries().flatMap(([, spec]) => (spec.httpOnly && spec.env ? [spec.env] : [])));
  return Object.fromEntries(Object.entries(env).filter(([name]) => !httpVariables.has(name)));
}

function entries(): [OptionName, OptionSpec<unknown>][] {
  return Object.entries(OPTIONS) as [OptionName, OptionSpec<unknown>][];
}

function fromVariable(spec: OptionSpec<unknown>, raw: string): unknown {
  try {
    return spec.parseEnv ? spec.parseEnv(raw) : spec.parse!(raw, undefined);
  } catch (error) {
    if (!(error instanceof OptionValueError)) throw error;
    // the wording commander uses for its own variables
    if (spec.parse)
      throw new ConfigError(
        `option '${spec.flags}' value '${raw}' from env '${spec.env}' is invalid. ${error.message}`,
      );
    throw new ConfigError(`${spec.env}=${raw} is not a switch value; ${error.message}`);
  }
}

function buildProgram(writeErr: (text: string) => void): Command {
  const program = new Command(NAME)
    .description('MCP server for TensorPool GPU clusters, jobs and storage, driving the installed `tp` CLI.')
    .version(VERSION, '-v, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (message) => writeErr(commanderErrorLine(message)) })
    .configureHelp({ optionDescription: describe })
    .addHelpText('after', SUBCOMMANDS_HELP);
  for (const [name, spec] of entries()) program.addOption(commanderOption(name, spec));
  return program;
}

const specs = new WeakMap<Option, OptionSpec<unknown>>();

function commanderOption(name: OptionName, spec: OptionSpec<unknown>): Option {
  const option = new Option(spec.flags, spec.help).helpGroup(HELP_GROUPS[spec.group]);
  if (option.attributeName() !== name)
    throw new Error(`option table: ${spec.flags} must be listed as ${option.attributeName()}`);
  if (spec.conflicts) option.conflicts(spec.conflicts);
  const parse = spec.parse;
  if (parse) {
    option.argParser((value: string, previous: unknown) => {
      try {
        return parse(value, previous);
      } catch (error) {
        throw error instanceof OptionValueError ? new InvalidArgumentError(error.message) : error;
      }
    });
  }
  specs.set(option, spec);
  return option;
}

/** The help line of an option: its text, then its choices, true default and variable. */
function describe(option: Option): string {
  const spec = specs.get(option);
  if (!spec) return option.description;
  const extra = [];
  if (spec.choices) extra.push(`choices: ${spec.choices.join(', ')}`);
  const defaultText = spec.defaultHelp ?? (spec.parse && spec.default !== undefined ? String(spec.default) : undefined);
  if (defaultText !== undefined) extra.push(`default: ${defaultText}`);
  if (spec.env) extra.push(`env: ${spec.envHelp ?? spec.env}`);
  return extra.length > 0 ? `${option.description} (${extra.join('; ')})` : option.description;
}

/** commander's error on one line, its "(Did you mean --allow-dir?)" suggestion included. */
export function commanderErrorLine(message: string): string {
  return `${message
    .trim()
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ')}\n`;
}
