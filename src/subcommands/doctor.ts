import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CLIENTS, clientById } from '../clients/clients.js';
import { claudeMcpAddCommand } from '../clients/launch.js';
import { thisInstallation } from '../clients/installation.js';
import { thisMachine } from '../clients/machine.js';
import { snippetText } from '../clients/snippet.js';
import { runChecks, type DoctorDeps } from '../doctor/checks.js';
import { formatFindings, hasProblem } from '../doctor/checks.js';
import { tpArgv } from '../tp/commands.js';
import { generationOverride, runnerOptions } from '../config/config.js';
import { API_KEY_VARIABLE, type Env } from '../config/api-key.js';
import { TpInstallation } from '../tp/generation.js';
import { TpRunner } from '../tp/runner.js';
import { resolveExecutable } from '../tp/which.js';
import { NAME, VERSION } from '../version.js';
import { launchOnThisMachine } from './machine-launch.js';
import { serverFlagsFrom } from './server-flags.js';

const CHECK_TIMEOUT_MS = 60_000;

/** `env`: the server's environment, as the entry read it (after .env). */
export async function runDoctor(command: Command, env: Env): Promise<number> {
  const cwd = process.cwd();
  const flags = serverFlagsFrom(command, env, cwd);
  const { config } = flags;
  const machine = thisMachine(
    env,
    resolveExecutable('npx', env),
    thisInstallation(process.argv[1], env, command.opts<{ command?: string }>().command),
  );
  const runner = new TpRunner({
    ...runnerOptions(config, env),
    timeoutMs: CHECK_TIMEOUT_MS,
    // the checks run one after another; the probe of tp's generation may overlap tp me
    maxProcesses: 2,
  });
  const installation = new TpInstallation(runner, generationOverride(config));
  const deps: DoctorDeps = {
    nodeVersion: process.version,
    nodePath: process.execPath,
    env,
    resolveExecutable: (name) => resolveExecutable(name, env),
    describeTp: () => installation.describe(),
    accountMe: () => runner.run(tpArgv.accountMe(), { timeoutMs: CHECK_TIMEOUT_MS }),
    redact: (text) => runner.redactor.redact(text),
  };
  try {
    const findings = await runChecks({ ...config, allowDirs: flags.allowDirs, cwd, home: machine.home }, deps);
    const out: string[] = [`${NAME} ${VERSION} doctor`, formatFindings(findings), ''];
    const wanted = command.opts<{ client?: string }>().client;
    const clients = wanted ? [clientById(wanted)] : CLIENTS;
    out.push(`Client configs for this machine (print one with \`${NAME} config --client NAME\`, add it with --write):`);
    const tpFound = resolveExecutable(config.tpPath, env);
    for (const client of clients) {
      const path = client.configPath(machine, cwd);
      const state = !existsSync(path)
        ? 'no file yet'
        : readFileSync(path, 'utf8').includes('tensorpool-mcp')
          ? 'tensorpool-mcp already there'
          : 'file exists, no tensorpool-mcp';
      const launch = launchOnThisMachine(client, machine, flags, cwd, tpFound);
      out.push('', `${client.name}: ${path} (${state})`, indent(snippetText(client, launch)));
      if (client.id === 'claude-code') out.push(indent(`or: ${claudeMcpAddCommand(launch)}`));
    }
    out.push(
      '',
      `Replace <your TensorPool API key> with your key. Claude Code reads ${API_KEY_VARIABLE} from your shell; VS ` +
        `Code asks for it once.`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
    return hasProblem(findings) ? 1 : 0;
  } finally {
    await runner.shutdown();
  }
}

function indent(text: string): string {
  return text.replace(/^/gm, '    ');
}
