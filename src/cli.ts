import { homedir } from 'node:os';
import { CommanderError } from 'commander';
import { configFromOptions, generationOverride, type Config } from './config/config.js';
import { readOptions } from './config/command-line.js';
import { loadEnvFile } from './config/env-file.js';
import { ConfigError, SelectionError } from './errors.js';
import { resolveAllowedDirs } from './files/allowed-dirs.js';
import { stderrLogger } from './log.js';
import { isLoopback } from './net.js';
import { selectTools, type Selection } from './registry/selection.js';
import { createServer } from './server/create-server.js';
import { onShutdown } from './shutdown.js';
import { allTools } from './tools/index.js';
import { TpInstallation } from './tp/generation.js';
import { streamBounds } from './tp/output-bounds.js';
import { TpRunner } from './tp/runner.js';
import { SUBCOMMANDS } from './subcommands/names.js';
import { VERSION } from './version.js';

/** Exit code for bad command-line usage, as argparse and most CLIs use. */
const USAGE_EXIT = 2;

/** Entry point of the `tensorpool-mcp` command: options → Config → tools → transport. */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  // `doctor` and `config` have their own parser and code, loaded only when asked for
  if (SUBCOMMANDS.includes(argv[2] ?? '')) return (await import('./subcommands/index.js')).runSubcommand(argv);
  let config: Config;
  let selection: Selection;
  try {
    config = configure(argv);
    // files on a remote server are the server's, not the user's: only an operator's --allow-dir offers them
    const noServerFiles = config.transport === 'http' && !isLoopback(config.host) && !config.allowDirsExplicit;
    selection = selectTools(allTools, { ...config, noServerFiles });
  } catch (error) {
    exitOnStartupError(error);
  }
  await serve(config, selection);
}

/** The Config this command line and environment describe; .env is loaded first, so options can read it. */
function configure(argv: readonly string[]): Config {
  loadEnvFile(argv.slice(2), process.env, process.cwd());
  const { values, fromEnv } = readOptions(argv, process.env);
  if (values.http && fromEnv.has('host') && !isLoopback(values.host)) {
    // tcsh and many container images set HOST; it must not silently expose an unauthenticated server
    throw new ConfigError(`HOST=${values.host} from the environment is not a loopback address; pass --host ${values.host} to bind it on purpose`);
  }
  return configFromOptions(values, resolveAllowedDirs({ allowDirs: values.allowDir, cwd: process.cwd(), home: homedir() }));
}

function exitOnStartupError(error: unknown): never {
  // --help and --version end here with code 0; usage errors were already printed on one line
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : USAGE_EXIT);
  if (error instanceof ConfigError || error instanceof SelectionError) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exit(USAGE_EXIT);
  }
  throw error;
}

async function serve(config: Config, selection: Selection): Promise<void> {
  const { headBytes, tailBytes } = streamBounds(config.maxResultBytes);
  const runner = new TpRunner({
    tpPath: config.tpPath, env: process.env, timeoutMs: config.timeoutMs, maxProcesses: config.maxProcesses,
    outputHeadBytes: headBytes, outputTailBytes: tailBytes,
  });
  const logger = stderrLogger(runner.redactor);
  if (config.allowedDirsProblem) logger.info(config.allowedDirsProblem);
  if (!runner.hasApiKey) logger.info('TENSORPOOL_API_KEY is not set: tools that reach TensorPool will explain how to set it.');
  // one probe of the installed tp serves every session
  const installation = new TpInstallation(runner, generationOverride(config));
  const newServer = () => createServer({ runner, config, tools: selection.tools, toolsets: selection.toolsets, installation, logger });

  let closeTransport = async (): Promise<void> => {};
  const shutdown = onShutdown({ logger, stop: () => [closeTransport(), runner.shutdown()] });
  if (config.transport === 'http') {
    // loaded only here: express and its friends would slow every stdio start-up
    const { startHttpServer } = await import('./transports/http.js');
    const http = await startHttpServer({
      host: config.host,
      port: config.port,
      version: VERSION,
      createServer: newServer,
      sessionIdleMs: config.sessionIdleMs,
      onError: logger.error,
    });
    closeTransport = http.close;
    logger.info(`listening on ${http.url}`);
  } else {
    const { serveStdio } = await import('./transports/stdio.js');
    const server = newServer();
    closeTransport = () => server.close();
    await serveStdio({ server, onEnd: shutdown });
  }
}
