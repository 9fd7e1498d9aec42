// The shell side: each step's command line runs through /bin/sh in one working directory, with the
// fake tp on PATH as `tp` and stdin on /dev/null (as an agent's shell tool runs it). Bytes written
// are the line as typed; bytes read are everything it printed, stdout and stderr.
import { spawn } from 'node:child_process';
import { track } from './cleanup.mjs';
import { expandSteps } from './steps.mjs';

/** Runs one line; resolves with its exit code and its combined output. */
function runLine(line, { cwd, env }) {
  return new Promise((resolve, reject) => {
    const child = track(spawn('/bin/sh', ['-c', line], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }));
    const chunks = [];
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? signal, output: Buffer.concat(chunks) }));
  });
}

/**
 * Runs a workflow's shell steps; returns one record per command line.
 * @param {{ cwd: string, env: Record<string, string> }} where
 */
export async function runShellWorkflow(workflow, ctx, where) {
  const records = [];
  for (const { step, item } of expandSteps(workflow.shell, ctx)) {
    const line = step.line(ctx, item);
    const { code, output } = await runLine(line, where);
    const text = output.toString('utf8');
    const record = { step: line, written: Buffer.byteLength(line), read: output.length, problems: [] };
    records.push(record);
    if (code !== (step.exit ?? 0)) record.problems.push(`exit ${code}, expected ${step.exit ?? 0}:\n${text}`);
    try {
      step.take?.(text, ctx, item);
    } catch (error) {
      record.problems.push(error.message);
    }
    if (record.problems.length > 0) break;
  }
  return records;
}
