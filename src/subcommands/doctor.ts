import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CLIENTS, clientById } from '../clients/clients.js';
import { claudeMcpAddCommand } from '../clients/launch.js';
import { thisInstallation } from '../clients/installation.js';
import { thisMachine } from '../clients/machine.js';
import { snippetText } from '../clients/snippet.js';
import { runChecks, type DoctorDeps } from '../doctor/checks.js';
import { formatFindings, hasProblem } from '../doctor/report.js';
import { tpArgv } from '../tp/commands.js';
import { TpInstallation, type Generation } from '../tp/generation.js';
import { TpRunner } from '../tp/runner.js';
import { resolveExecutable } from '../tp/which.js';
import { NAME, VERSION } from '../version.js';
import { launchOnThisMachine } from './machine-launch.js';
import { serverFlagsFrom } from './server-flags.js';

const CHECK_TIMEOUT_MS = 60_000;

export async function runDoctor(command: Command): Promise<number> {
  const cwd = process.cwd();
  const flags = serverFlagsFrom(command, process.env, cwd);
  const machine = thisMachine(
    resolveExecutable('npx'),
    thisInstallation(process.argv[1], process.env, command.opts<{ command?: string }>().command),
  );
  const runner = new TpRunner({
    tpPath: flags.tpPath,
    env: process.env,
    passEnv: flags.passEnv,
    timeoutMs: CHECK_TIMEOUT_MS,
    maxProcesses: 2,
  });
  const installation = new TpInstallation(runner, flags.tpGeneration as Generation | undefined);
  const deps: DoctorDeps = {
    nodeVersion: process.version,
    nodePath: process.execPath,
    env: process.env,
    resolveExecutable: (name) => resolveExecutable(name),
    describeTp: () => installation.describe(),
    accountMe: () => runner.run(tpArgv.accountMe(), { timeoutMs: CHECK_TIMEOUT_MS }),
    redact: (text) => runner.redactor.redact(text),
  };
  try {
    const findings = await runChecks({ ...flags, cwd, home: machine.home }, deps);
    const out: string[] = [`${NAME} ${VERSION} doctor`, formatFindings(findings), ''];
    const wanted = command.opts<{ client?: string }>().client;
    const clients = wanted ? [clientById(wanted)] : CLIENTS;
    out.push(`Client configs for this machine (print one with \`${NAME} config --client NAME\`, add it with --write):`);
    const tpFound = resolveExecutable(flags.tpPath);
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
      'Replace <your TensorPool API key> with your key. Claude Code reads TENSORPOOL_API_KEY from your shell; VS Code asks for it once.',
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
