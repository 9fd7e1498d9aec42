import { Command, CommanderError, Option } from 'commander';
import { commanderErrorLine } from '../config/command-line.js';
import { loadEnvFile } from '../config/env-file.js';
import { CLIENT_IDS } from '../clients/clients.js';
import type { Env } from '../config/api-key.js';
import { ConfigError } from '../errors.js';
import { runConfig } from './config.js';
import { runDoctor } from './doctor.js';
import { addServerFlags } from './server-flags.js';
import { NAME } from '../version.js';

const USAGE_EXIT = 2;

function buildProgram(env: Env): Command {
  const program = new Command(NAME)
    .exitOverride()
    .configureOutput({ outputError: (message, write) => write(commanderErrorLine(message)) });
  addServerFlags(
    program
      .command('doctor')
      .description(
        "Check this machine's set-up the way the server would run it, then print each client's config. Exits 1 when " +
          'something is wrong.',
      )
      .addOption(new Option('--client <name>', 'print only this client’s config').choices(CLIENT_IDS))
      .addOption(commandOption()),
  ).action(async (_options, command: Command) => {
    process.exitCode = await runDoctor(command, env);
  });
  addServerFlags(
    program
      .command('config')
      .description(
        "Print the config that starts tensorpool-mcp from a client; --write merges it into the client's file (diff " +
          'shown, backup kept).',
      )
      .addOption(new Option('--client <name>', 'the client').choices(CLIENT_IDS).makeOptionMandatory())
      .option('--write', "merge it into the client's config file")
      .addOption(commandOption()),
  ).action(async (_options, command: Command) => {
    process.exitCode = await runConfig(command, env);
  });
  return program;
}

/** Both subcommands print the command that starts this installation; --command names another. */
function commandOption(): Option {
  return new Option(
    '--command <executable>',
    'the executable the client runs (default: this installation: tensorpool-mcp when installed globally, node ' +
      '/abs/bin/tensorpool-mcp.js from a clone, npx -y tensorpool-mcp through npx)',
  );
}

/** `tensorpool-mcp doctor …` and `tensorpool-mcp config …`; `env`: the process's environment, which .env may add to. */
export async function runSubcommand(argv: readonly string[], env: Env): Promise<void> {
  try {
    // before parsing, as the server does: the file may set TP_PATH and the other variables flags read
    loadEnvFile(argv.slice(3), env, process.cwd());
    await buildProgram(env).parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : USAGE_EXIT);
    if (error instanceof ConfigError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exit(USAGE_EXIT);
    }
    throw error;
  }
}
