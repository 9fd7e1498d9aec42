import { homedir } from 'node:os';
import { CommanderError } from 'commander';
import { API_KEY_VARIABLE, keyVariableConflict, withoutKey } from './config/api-key.js';
import { approvalInForce } from './config/in-words.js';
import { generationOverride, runnerOptions, type Config } from './config/config.js';
import { configFromCommandLine } from './config/command-line.js';
import { ignoredEnvNotice } from './config/env-file.js';
import { ConfigError, ListenError, SelectionError } from './errors.js';
import { heldSecrets } from './config/http-security.js';
import { redactingLogger, stderrLogger } from './log.js';
import { isLoopback } from './net.js';
import { selectTools, type Selection } from './registry/selection.js';
import { SpoolSpace } from './operations/output-spool.js';
import { createServer } from './server/create-server.js';
import { outputReads } from './server/output-resource.js';
import { onShutdown, type ShutdownOptions } from './shutdown.js';
import { sweepStaleTempDirs } from './temp-dirs.js';
import { allTools } from './tools/index.js';
import { TpInstallation } from './tp/generation.js';
import { TpRunner, type SessionScope } from './tp/runner.js';
import { mistypedSubcommand, SUBCOMMANDS } from './subcommands/names.js';
import { NAME, VERSION } from './version.js';

/** Exit code for bad command-line usage, as argparse and most CLIs use. */
const USAGE_EXIT = 2;

/** What main uses of its process; the bin passes the process's own, a test its own. */
export interface CliIo {
  /** Usage errors and the log. */
  stderr: { write(text: string): unknown };
  /** What options and tp read: the environment. */
  env: NodeJS.ProcessEnv;
  /** Where SIGINT, SIGTERM and SIGHUP come from. */
  signals: NonNullable<ShutdownOptions['signals']>;
}

const processIo: CliIo = { stderr: process.stderr, env: process.env, signals: process };

/** A server main started: where it listens (HTTP), and how to stop it as a signal would. */
export interface Serving {
  url?: string;
  /** Ends every session and tp, then resolves with the exit code the process would end with. */
  stop(): Promise<number>;
}

/**
 * How main ended: with an exit code (usage error, --help, a port in use), with a server running, or
 * neither (a subcommand ran; it set process.exitCode if it failed). main never exits the process.
 */
export interface CliOutcome {
  exitCode?: number;
  serving?: Serving;
}

/** Entry point of the `tensorpool-mcp` command: options → Config → tools → transport. */
export async function main(argv: readonly string[] = process.argv, io: CliIo = processIo): Promise<CliOutcome> {
  // `doctor` and `config` have their own parser and code, loaded only when asked for
  if (SUBCOMMANDS.includes(argv[2] ?? '')) {
    await (await import('./subcommands/index.js')).runSubcommand(argv, io.env);
    return {};
  }
  const meant = mistypedSubcommand(argv[2]);
  if (meant) {
    io.stderr.write(`error: unknown command '${argv[2]}' (Did you mean ${meant}?)\n`);
    return { exitCode: USAGE_EXIT };
  }
  let config: Config;
  let selection: Selection;
  let droppedFileTools: string[] = [];
  let notices: StartupNotices;
  try {
    ({ config, notices } = parseCommandLine(argv, io.env));
    // files on a remote server are the server's, not the user's: only an operator's --allow-dir offers them
    const noServerFiles = config.transport === 'http' && !isLoopback(config.host) && !config.allowDirsExplicit;
    selection = selectTools(allTools, { ...config, noServerFiles });
    if (noServerFiles) droppedFileTools = leftOut(selectTools(allTools, config), selection);
    notices.readOnlyDropped = readOnlyDropped(config, selection);
  } catch (error) {
    return { exitCode: startupErrorExit(error, io) };
  }
  return serve(config, selection, droppedFileTools, notices, io);
}

/** What start-up found worth a line in the log, before a logger exists. */
interface StartupNotices {
  /** Names an implicit ./.env held besides the key, which it may not set. */
  ignoredEnv: string[];
  /** What the operator chose that is risky (--allow-unauthenticated, a token file others can read, …). */
  warnings: string[];
  /** Tools named in --tools that --read-only leaves out. */
  readOnlyDropped?: string[];
}

/** Tools named in --tools that --read-only removed: named on purpose, so their absence is said. */
function readOnlyDropped(config: Config, selection: Selection): string[] {
  if (!config.readOnly || !config.tools) return [];
  const kept = new Set(selection.tools.map((tool) => tool.name));
  return config.tools.filter((name) => !kept.has(name));
}

/** Tools `fuller` offers that `selection` does not. */
function leftOut(fuller: Selection, selection: Selection): string[] {
  const kept = new Set(selection.tools.map((tool) => tool.name));
  return fuller.tools.map((tool) => tool.name).filter((name) => !kept.has(name));
}

/**
 * The Config this command line and environment describe, its HTTP security (auth, allow-lists) included,
 * checked before anything starts; .env is loaded first, so options can read it. Starts nothing, so tests
 * (and the deploy blueprint's) can check a command line.
 */
export function parseCommandLine(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): { config: Config; notices: StartupNotices } {
  const { config, ignoredEnv, warnings } = configFromCommandLine(argv, env, {
    cwd: process.cwd(),
    home: homedir(),
  });
  return { config, notices: { ignoredEnv, warnings } };
}

/** The exit code of a command line that cannot start; anything else is a bug and is thrown. */
function startupErrorExit(error: unknown, io: CliIo): number {
  // --help and --version end here with code 0; usage errors were already printed on one line
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : USAGE_EXIT;
  if (error instanceof ConfigError || error instanceof SelectionError) {
    io.stderr.write(`error: ${error.message}\n`);
    return USAGE_EXIT;
  }
  throw error;
}

async function serve(
  config: Config,
  selection: Selection,
  droppedFileTools: readonly string[],
  notices: StartupNotices,
  io: CliIo,
): Promise<CliOutcome> {
  // with --auth tensorpool-key every session brings its own key: the server's own must never stand in
  const security = config.http;
  const ownKey = security?.auth.mode !== 'tensorpool-key';
  const runner = new TpRunner({
    ...runnerOptions(config, ownKey ? io.env : withoutKey(io.env)),
    secrets: heldSecrets(security),
  });
  const logger = stderrLogger(runner.redactor, false, io.stderr);
  // key files of a server that was killed (SIGKILL skips every exit handler) must not stay behind
  void sweepStaleTempDirs().then((removed) => {
    if (removed.length > 0)
      logger.info(
        `removed ${removed.length} temporary director${removed.length === 1 ? 'y' : 'ies'} left by servers that were ` +
          `killed`,
      );
  });
  for (const warning of notices.warnings) logger.error(warning);
  const envNotice = ignoredEnvNotice(notices.ignoredEnv);
  if (envNotice) logger.info(envNotice);
  if (notices.readOnlyDropped?.length) {
    logger.error(
      `--read-only leaves out ${notices.readOnlyDropped.join(', ')}, named in --tools: ` +
        `${notices.readOnlyDropped.length === 1 ? 'it changes' : 'they change'} things; drop --read-only to offer ` +
        `${notices.readOnlyDropped.length === 1 ? 'it' : 'them'}`,
    );
  }
  if (ownKey) {
    const conflict = keyVariableConflict(io.env);
    if (conflict) logger.error(conflict);
  }
  if (!runner.locateTp()) {
    logger.error(
      `tp not found (${config.tpPath}): install it with \`pipx install tensorpool\` (or uv tool install tensorpool), ` +
        `or point --tp-path / TP_PATH at it; until then every tool that runs tp says the same`,
    );
  }
  if (droppedFileTools.length > 0) {
    logger.info(
      `file tools not offered (${droppedFileTools.join(', ')}): on --host ${config.host} their files would be this ` +
        `server's, not its callers'; ` +
        'restart with --allow-dir DIR to offer them for DIR',
    );
  } else if (config.allowedDirsProblem) logger.info(config.allowedDirsProblem);
  logger.info(`approval: ${approvalInForce(config.confirmMode, undefined, config.confirmCreates)}`);
  if (!ownKey)
    logger.info("--auth tensorpool-key: each session runs tp with its caller's own API key; the server's is not used.");
  else if (!runner.hasApiKey)
    logger.info(`${API_KEY_VARIABLE} is not set: tools that reach TensorPool will explain how to set it.`);
  // one probe of the installed tp serves every session
  const installation = new TpInstallation(runner, generationOverride(config));
  // and every session shares one spool space and one limit on output reads
  const spoolSpace = SpoolSpace.forOperations(config.maxOutputBytes);
  const reads = outputReads();
  const newServer = (sessionLogger = logger, lane?: object, key?: SessionScope['key']) =>
    createServer({
      runner,
      key,
      config,
      tools: selection.tools,
      deferred: selection.deferred,
      toolsets: selection.toolsets,
      installation,
      logger: sessionLogger,
      spoolSpace,
      outputReads: reads,
      lane,
    });

  let closeTransport = async (): Promise<void> => {};
  let stopped!: (code: number) => void;
  const exitCode = new Promise<number>((resolve) => (stopped = resolve));
  const shutdown = onShutdown({
    logger,
    stop: () => [closeTransport(), runner.shutdown()],
    signals: io.signals,
    // the process's own io exits as it always did; another's hears the code
    exit: io === processIo ? (code) => process.exit(code) : stopped,
  });
  const stop = () => {
    shutdown('stopped');
    return exitCode;
  };
  if (security) {
    // loaded only here: express and its friends would slow every stdio start-up
    const [{ startHttpServer }, { createAuthenticator }, { tpReadiness }] = await Promise.all([
      import('./transports/http.js'),
      import('./http/auth/index.js'),
      import('./http/readiness.js'),
    ]);
    const authenticator = await createAuthenticator(security.auth, {
      runner,
      mcpPath: '/mcp',
      onError: logger.error,
    });
    let http;
    try {
      http = await startHttpServer({
        host: config.host,
        port: config.port,
        version: VERSION,
        // a session opened with a caller's own key runs every tp with that key, and masks it in what it logs;
        // when tp says TensorPool refused the key, the caller's sessions end
        createServer: (caller, lane) => {
          if (!caller?.tpKey) return newServer(logger, lane);
          const key = { value: caller.tpKey, onRefused: () => authenticator?.revoke?.(caller) };
          return newServer(redactingLogger(logger, runner.redactor.including(key.value)), lane, key);
        },
        sessionIdleMs: config.sessionIdleMs,
        security,
        authenticator,
        readiness: tpReadiness(installation),
        onError: logger.error,
        onInfo: logger.info,
      });
    } catch (error) {
      if (!(error instanceof ListenError)) throw error;
      io.stderr.write(`error: ${error.message}\n`);
      await runner.shutdown();
      return { exitCode: 1 };
    }
    closeTransport = http.close;
    logger.info(
      `authentication: ${security.auth.mode}; at most ${security.maxSessions} sessions, ` +
        `${security.maxSessionsPerCaller} per caller` +
        (security.trustProxy ? '; client addresses from X-Forwarded-For (--trust-proxy)' : ''),
    );
    logger.info(`listening on ${http.url}`);
    return { serving: { url: http.url, stop } };
  } else {
    // a person who ran the command by hand would otherwise see nothing at all
    if (process.stdin.isTTY)
      io.stderr.write(
        `${NAME} ${VERSION} waits for an MCP client on stdin (a client such as Claude or Cursor starts it; see ` +
          `\`${NAME} doctor\`). Ctrl-C to quit.\n`,
      );
    const { serveStdio } = await import('./transports/stdio.js');
    const server = newServer();
    closeTransport = () => server.close();
    await serveStdio({ server, onEnd: shutdown });
    return { serving: { stop } };
  }
}
