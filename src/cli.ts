import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { config as loadDotenv, parse as parseDotenv } from 'dotenv';
import { ConfigError, ListenError, SelectionError } from './errors.js';
import { resolveAllowedDirs } from './files/allowed-dirs.js';
import type { ConfirmMode } from './registry/confirmation.js';
import { selectTools, type Selection } from './registry/selection.js';
import { TOOLSETS, type ToolDefinition } from './registry/tool.js';
import { allTools } from './tools/index.js';
import { GENERATIONS, TpInstallation, type Generation } from './tp/generation.js';
import { stderrLogger, type Logger } from './log.js';
import { isLoopback } from './net.js';
import { createServer } from './server.js';
import type { ServerSettings } from './settings.js';
import { TpRunner } from './tp/runner.js';
import { NAME, VERSION } from './version.js';
// hosted HTTP (issue 9): auth, allow-lists, CORS, session cap; kept apart for the option table to absorb
import { httpSecurityOptions, resolveHttpSecurity, type HttpSecurityValues } from './http/options.js';
import type { HttpSecurityConfig } from './http/config.js';
import { keyedClient } from './tp/keyed-client.js';
import { redactingLogger } from './log.js';

/** Exit code for bad command-line usage, as argparse and most CLIs use. */
const USAGE_EXIT = 2;

interface CliOptions extends HttpSecurityValues {
  stdio?: boolean;
  http?: boolean;
  port: number;
  host: string;
  tpPath: string;
  envFile?: string;
  timeout: number;
  allowDir: string[];
  toolsets?: string[];
  tools?: string[];
  excludeTools?: string[];
  readOnly?: boolean;
  allowSecrets?: boolean;
  tpGeneration: 'auto' | Generation;
  allowInstanceTypes?: string[];
  maxNodes?: number;
  maxStorageGb?: number;
  dryRun?: boolean;
  confirm: ConfirmMode;
  confirmCreates?: boolean;
  syncBudget: number;
  maxProcesses: number;
  operationTtl: number;
  sessionIdle: number;
}

function list(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((item) => item.trim()).filter(Boolean)];
}

/** Boolean switches also read their env var, where only 1/true/yes and 0/false/no are understood. */
function envSwitch(name: string): boolean | undefined {
  const value = process.env[name]?.trim().toLowerCase();
  if (value === undefined || value === '') return undefined;
  if (['1', 'true', 'yes'].includes(value)) return true;
  if (['0', 'false', 'no'].includes(value)) return false;
  throw new ConfigError(`${name}=${process.env[name]} is not a switch value; use 1/true/yes or 0/false/no`);
}

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || number < min || number > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    }
    return number;
  };
}

function buildProgram(): Command {
  const program = new Command(NAME)
    .description('MCP server for TensorPool GPU clusters, jobs and storage, driving the installed `tp` CLI.')
    .version(VERSION, '-v, --version')
    .addOption(new Option('--stdio', 'serve MCP over stdin/stdout (default)').conflicts('http'))
    .addOption(new Option('--http', 'serve MCP over Streamable HTTP at http://HOST:PORT/mcp'))
    .addOption(new Option('--port <port>', 'HTTP port (0 picks a free one)').env('PORT').default(3000).argParser(integer('--port', 0, 65535)))
    .addOption(new Option('--host <host>', 'HTTP bind address').env('HOST').default('127.0.0.1'))
    .addOption(new Option('--tp-path <path>', 'the tp executable').env('TP_PATH').default('tp'))
    .addOption(
      new Option('--env-file <path>', '.env file to load, without overriding the environment (default: ./.env if present)').env(
        'TENSORPOOL_MCP_ENV_FILE',
      ),
    )
    .addOption(
      new Option('--timeout <seconds>', 'limit for one tp call')
        .env('TENSORPOOL_MCP_TIMEOUT')
        .default(600)
        .argParser(integer('--timeout', 1, 86400)),
    )
    .addOption(
      new Option('--allow-dir <dir>', 'directory file tools may use (repeatable; env TENSORPOOL_MCP_ALLOWED_DIRS, separated by ' + `"${delimiter}")`)
        .default([])
        .argParser((value: string, previous: string[]) => [...previous, value]),
    )
    .addOption(
      new Option('--toolsets <names>', `toolsets to offer, comma-separated: ${TOOLSETS.join(', ')}, or default, all`)
        .env('TENSORPOOL_MCP_TOOLSETS')
        .argParser(list),
    )
    .addOption(new Option('--tools <names>', 'single tools to offer in addition (alone: only these)').env('TENSORPOOL_MCP_TOOLS').argParser(list))
    .addOption(new Option('--exclude-tools <names>', 'tools never to offer').env('TENSORPOOL_MCP_EXCLUDE_TOOLS').argParser(list))
    .addOption(new Option('--read-only', 'offer only tools that change nothing (env TENSORPOOL_MCP_READ_ONLY=1)'))
    .addOption(new Option('--allow-secrets', 'offer object-storage tools that print or write secret keys (env TENSORPOOL_MCP_ALLOW_SECRETS=1)'))
    .addOption(
      new Option('--tp-generation <generation>', 'tp CLI generation to build commands for')
        .choices(['auto', ...GENERATIONS])
        .env('TENSORPOOL_MCP_TP_GENERATION')
        .default('auto'),
    )
    .addOption(
      new Option('--sync-budget <seconds>', 'a call still running after this long returns an operation handle to follow with operation_status')
        .env('TENSORPOOL_MCP_SYNC_BUDGET')
        .default(20)
        .argParser(integer('--sync-budget', 1, 3600)),
    )
    .addOption(
      new Option('--max-processes <n>', 'most tp processes at once; further calls wait in order')
        .env('TENSORPOOL_MCP_MAX_PROCESSES')
        .default(4)
        .argParser(integer('--max-processes', 1, 64)),
    )
    .addOption(
      new Option('--operation-ttl <seconds>', 'how long finished operations stay readable')
        .env('TENSORPOOL_MCP_OPERATION_TTL')
        .default(600)
        .argParser(integer('--operation-ttl', 1, 86400)),
    )
    .addOption(
      new Option('--session-idle <seconds>', 'HTTP: close a session (and stop what it runs) after this long without a request')
        .env('TENSORPOOL_MCP_SESSION_IDLE')
        .default(1800)
        .argParser(integer('--session-idle', 1, 604800)),
    )
    .addOption(
      new Option('--allow-instance-types <list>', 'instance types cluster_create may start, comma-separated, * as wildcard (e.g. 1xH100,*L40S)')
        .env('TENSORPOOL_MCP_ALLOW_INSTANCE_TYPES')
        .argParser(list),
    )
    .addOption(new Option('--max-nodes <n>', 'most nodes one cluster_create may ask for').env('TENSORPOOL_MCP_MAX_NODES').argParser(integer('--max-nodes', 1, 10_000)))
    .addOption(
      new Option('--max-storage-gb <gb>', 'largest volume storage_create or storage_edit may ask for')
        .env('TENSORPOOL_MCP_MAX_STORAGE_GB')
        .argParser(integer('--max-storage-gb', 1, 100_000_000)),
    )
    .addOption(
      new Option('--confirm <mode>', 'how irreversible calls are approved: flag (confirm=true), elicit (ask the person when the client can), always-elicit')
        .choices(['flag', 'elicit', 'always-elicit'])
        .env('TENSORPOOL_MCP_CONFIRM')
        .default('flag'),
    )
    .addOption(new Option('--confirm-creates', 'also approve calls that start billing: cluster_create, storage_create, job_push (env TENSORPOOL_MCP_CONFIRM_CREATES=1)'))
    .addOption(new Option('--dry-run', 'tools that would change anything report the tp command instead of running it (env TENSORPOOL_MCP_DRY_RUN=1)'))
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ outputError: (message, write) => write(message.trim().split('\n')[0] + '\n') });
  for (const option of httpSecurityOptions()) program.addOption(option);
  return program;
}

/**
 * `--env-file` must be known before commander reads PORT, HOST, TP_PATH from the environment.
 * (Node 20 also reads `--env-file` anywhere on its command line, and exits 9 if the file is missing;
 * TENSORPOOL_MCP_ENV_FILE avoids that.)
 */
function envFileFrom(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg === '--env-file') return argv[i + 1];
    if (arg.startsWith('--env-file=')) return arg.slice('--env-file='.length);
  }
  return process.env.TENSORPOOL_MCP_ENV_FILE || undefined;
}

/** What an implicit ./.env may set: it lives in a project that may not be the operator's own. */
const KEY_VARIABLES = ['TENSORPOOL_API_KEY', 'TENSORPOOL_KEY'];

function loadEnvFile(named: string | undefined): void {
  const path = resolve(named ?? '.env');
  if (!existsSync(path)) {
    if (named !== undefined) throw new ConfigError(`--env-file ${named}: no such file`);
    return;
  }
  if (named !== undefined) {
    // quiet: dotenv would otherwise announce itself on stdout, which is the protocol stream
    const { error } = loadDotenv({ path, override: false, quiet: true });
    if (error) throw new ConfigError(`--env-file ${path}: ${error.message}`);
    return;
  }
  // a cloned repository's .env must not pick the tp binary, the engine URL, the bind address or the guards
  const values = parseDotenv(readFileSync(path));
  for (const name of KEY_VARIABLES) {
    if (values[name] !== undefined && process.env[name] === undefined) process.env[name] = values[name];
  }
}

function allowDirsFrom(options: CliOptions): string[] {
  if (options.allowDir.length > 0) return options.allowDir;
  return (process.env.TENSORPOOL_MCP_ALLOWED_DIRS ?? '').split(delimiter).filter((dir) => dir.trim() !== '');
}

/** What the command line and environment ask for, resolved; nothing is started yet. */
export interface ParsedCommandLine {
  options: CliOptions;
  settings: ServerSettings;
  selection: Selection;
  security: HttpSecurityConfig;
  /** Risky choices the operator made on purpose, said loudly at start-up. */
  warnings: string[];
}

/**
 * Reads the command line (and .env, and the environment) into settings, or throws CommanderError,
 * ConfigError or SelectionError; starts nothing and opens no port, so tests can check a command line.
 */
export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  loadEnvFile(envFileFrom(argv.slice(2)));
  const program = buildProgram().parse([...argv]);
  const options = program.opts<CliOptions>();
  if (options.http && program.getOptionValueSource('host') === 'env' && !isLoopback(options.host)) {
    // tcsh and many container images set HOST; it must not silently expose an unauthenticated server
    throw new ConfigError(`HOST=${options.host} from the environment is not a loopback address; pass --host ${options.host} to bind it on purpose`);
  }
  const readOnly = options.readOnly ?? envSwitch('TENSORPOOL_MCP_READ_ONLY') ?? false;
  const allowSecrets = options.allowSecrets ?? envSwitch('TENSORPOOL_MCP_ALLOW_SECRETS') ?? false;
  const allowDirs = allowDirsFrom(options);
  // files on a remote server are the server's, not the user's: only an operator's --allow-dir offers them
  const noServerFiles = Boolean(options.http) && !isLoopback(options.host) && allowDirs.length === 0;
  const selection = selectTools(allTools, {
    toolsets: options.toolsets,
    tools: options.tools,
    excludeTools: options.excludeTools,
    readOnly,
    allowSecrets,
    noServerFiles,
  });
  const settings: ServerSettings = {
    ...resolveAllowedDirs({ allowDirs, cwd: process.cwd(), home: homedir() }),
    allowDirsExplicit: allowDirs.length > 0,
    confirmMode: options.confirm,
    syncBudgetMs: options.syncBudget * 1000,
    operationTtlMs: options.operationTtl * 1000,
    confirmCreates: options.confirmCreates ?? envSwitch('TENSORPOOL_MCP_CONFIRM_CREATES') ?? false,
    tpGeneration: options.tpGeneration === 'auto' ? undefined : options.tpGeneration,
    allowSecrets,
    dryRun: options.dryRun ?? envSwitch('TENSORPOOL_MCP_DRY_RUN') ?? false,
    guardrails: { allowInstanceTypes: options.allowInstanceTypes, maxNodes: options.maxNodes, maxStorageGb: options.maxStorageGb },
    selection: { toolsets: selection.toolsets, readOnly, tools: selection.tools.map((tool) => tool.name) },
  };
  const { config: security, warnings } = resolveHttpSecurity(options, {
    http: Boolean(options.http),
    host: options.host,
    source: (key) => program.getOptionValueSource(key),
  });
  return { options, settings, selection, security, warnings };
}

/** Entry point of the `tensorpool-mcp` command. */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  let parsed: ParsedCommandLine;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed on one line
      process.exit(error.exitCode === 0 ? 0 : USAGE_EXIT);
    }
    if (error instanceof ConfigError || error instanceof SelectionError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(USAGE_EXIT);
    }
    throw error;
  }
  const { options, settings, selection, security } = parsed;

  // with --auth tensorpool-key every session brings its own key: the server's own must never stand in
  const ownKey = security.auth.mode !== 'tensorpool-key';
  const runnerEnv = ownKey ? process.env : { ...process.env, TENSORPOOL_KEY: undefined, TENSORPOOL_API_KEY: undefined };
  const runner = new TpRunner({ tpPath: options.tpPath, env: runnerEnv, timeoutMs: options.timeout * 1000, maxProcesses: options.maxProcesses });
  const logger = stderrLogger(runner.redactor);
  for (const warning of parsed.warnings) logger.error(warning);
  if (settings.allowedDirsProblem) logger.info(settings.allowedDirsProblem);
  if (!ownKey) logger.info("--auth tensorpool-key: each session runs tp with its caller's own API key; the server's is not used.");
  else if (!runner.hasApiKey) logger.info('TENSORPOOL_API_KEY is not set: tools that reach TensorPool will explain how to set it.');

  // one probe of the installed tp serves every session
  const serve: Serve = { runner, settings, logger, tools: selection.tools, installation: new TpInstallation(runner, settings.tpGeneration) };
  if (options.http) await runHttp(options, serve, security);
  else await runStdio(serve);
}

interface Serve {
  runner: TpRunner;
  settings: ServerSettings;
  logger: Logger;
  tools: readonly ToolDefinition[];
  installation: TpInstallation;
}

async function runStdio(serve: Serve): Promise<void> {
  const { runner, logger } = serve;
  const { serveStdio } = await import('./transports/stdio.js');
  const server = createServer(serve);
  await serveStdio({
    server,
    onEnd: (reason) => {
      logger.info(`shutting down (${reason})`);
      void shutdown([server.close(), runner.shutdown()]);
    },
  });
}

async function runHttp(options: CliOptions, serve: Serve, security: HttpSecurityConfig): Promise<void> {
  const { runner, logger } = serve;
  // loaded only here: express and its friends would slow every stdio start-up
  const { startHttpServer } = await import('./transports/http.js');
  const { createAuthenticator } = await import('./http/auth/index.js');
  const { tpReadiness } = await import('./http/readiness.js');
  let http;
  try {
    http = await startHttpServer({
      host: options.host,
      port: options.port,
      version: VERSION,
      // a session opened with a caller's own key runs every tp with that key, and masks it in what it logs
      createServer: (caller) => {
        if (!caller?.tpKey) return createServer(serve);
        const client = keyedClient(runner, caller.tpKey);
        return createServer({ ...serve, runner: client, logger: redactingLogger(logger, client.redactor) });
      },
      sessionIdleMs: options.sessionIdle * 1000,
      security,
      authenticator: await createAuthenticator(security.auth, { runner, mcpPath: '/mcp', onError: logger.error }),
      readiness: tpReadiness(serve.installation),
      onError: logger.error,
      onInfo: logger.info,
    });
  } catch (error) {
    if (!(error instanceof ListenError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    process.exit(1);
  }
  logger.info(`authentication: ${security.auth.mode}; at most ${security.maxSessions} sessions`);
  logger.info(`listening on ${http.url}`);
  let stopping = false;
  const stop = (signal: string) => {
    // a second signal while stopping means now: the exit hook still SIGKILLs every tp group
    if (stopping) process.exit(1);
    stopping = true;
    logger.info(`shutting down (${signal})`);
    void shutdown([http.close(), runner.shutdown()]);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
}

async function shutdown(steps: Promise<unknown>[]): Promise<never> {
  await Promise.allSettled(steps);
  process.exit(0);
}
