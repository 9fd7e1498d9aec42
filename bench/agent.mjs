// `npm run bench:agent`: the comparison of issue 16. The four workflows (bench/agent/workflows.mjs)
// run once as command lines in a shell with `tp`, once as tool calls to the built server over stdio,
// both against the fake tp (test/fake-tp/); the bytes each side reads and writes are printed side by
// side with the targets. `--json` prints the same as JSON. Exits 1 when a workflow failed
// (the targets never change the exit code). Leaves no process and no file behind.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { cleanUp, tempDir } from './agent/cleanup.mjs';
import { formatReport, summarize, summarizeTask } from './agent/report.mjs';
import { ServerSide } from './agent/server-side.mjs';
import { runShellWorkflow } from './agent/shell-side.mjs';
import { FIXED_RESOURCES, WORKFLOWS, WORLD } from './agent/workflows.mjs';
import { paths } from './paths.mjs';

const asJson = process.argv.includes('--json');
if (!existsSync(`${paths.dist}cli.js`))
  throw new Error('dist/ is missing: `npm run bench:agent` builds it first (npm run build)');
const started = performance.now();

/** The harness's environment without anything that could point tp at a real account or engine. */
function cleanEnv() {
  const env = { ...process.env };
  for (const name of Object.keys(env))
    if (name.startsWith('TENSORPOOL') || name.startsWith('FAKE_TP') || name === 'TP_PATH') delete env[name];
  return env;
}

/** The tp commands logged since the last look (the server's --help/--version probes left out). */
function commandLog(file) {
  let seen = 0;
  return () => {
    const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    const fresh = lines.slice(seen).map((line) => JSON.parse(line));
    seen = lines.length;
    return fresh.filter((call) => call.command !== undefined && !call.help && !call.version);
  };
}

const root = tempDir();
const dirs = Object.fromEntries(['bin', 'shell', 'server', 'tmp'].map((name) => [name, join(root, name)]));
for (const dir of Object.values(dirs)) mkdirSync(dir);
chmodSync(paths.fakeTp, 0o755);
symlinkSync(paths.fakeTp, join(dirs.bin, 'tp'));
const common = { ...cleanEnv(), TENSORPOOL_KEY: 'tpk_bench_0123456789abcdef', TMPDIR: dirs.tmp, ...WORLD.env };
const shellEnv = { ...common, PATH: `${dirs.bin}:${process.env.PATH}`, FAKE_TP_LOG: join(root, 'shell.jsonl') };
const serverEnv = { ...common, FAKE_TP_LOG: join(root, 'server.jsonl') };
const shellLog = commandLog(shellEnv.FAKE_TP_LOG);
const serverLog = commandLog(serverEnv.FAKE_TP_LOG);

let exitCode = 0;
const server = await ServerSide.start({
  node: process.execPath,
  bin: paths.bin,
  tpPath: paths.fakeTp,
  dir: dirs.server,
  env: serverEnv,
});
try {
  const serverFixed = await server.fixedCost(FIXED_RESOURCES);
  const tasks = [];
  for (const workflow of WORKFLOWS) {
    const shellCtx = { dir: dirs.shell };
    const serverCtx = { dir: dirs.server };
    // the two sides share nothing (own directory, own call log), so they run side by side
    const [shellSteps, serverSteps] = await Promise.all([
      runShellWorkflow(workflow, shellCtx, { cwd: dirs.shell, env: shellEnv }),
      server.runWorkflow(workflow, serverCtx),
    ]);
    const problems = [
      ...shellSteps.flatMap((step) => step.problems.map((p) => `shell, ${step.step}: ${p}`)),
      ...serverSteps.flatMap((step) => step.problems.map((p) => `server, ${step.step}: ${p}`)),
      ...workflow.verify(shellLog(), shellCtx).map((p) => `shell: ${p}`),
      ...workflow.verify(serverLog(), serverCtx).map((p) => `server: ${p}`),
    ];
    tasks.push(summarizeTask(workflow, shellSteps, serverSteps, problems));
  }
  const { totals, targets } = summarize(tasks, serverFixed);
  const meta = {
    commit: (() => {
      try {
        return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
          cwd: paths.root,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        }).trim();
      } catch {
        return 'unknown';
      }
    })(),
    generation: common.FAKE_TP_GENERATION ?? '0.0.9',
    node: process.version,
    ms: performance.now() - started,
  };
  const report = { meta, serverFixed, tasks, totals, targets, ok: tasks.every((t) => t.ok) };
  process.stdout.write(`${asJson ? JSON.stringify(report, null, 2) : formatReport(report)}\n`);
  if (!report.ok) exitCode = 1;
} finally {
  await server.close();
  cleanUp();
}
process.exitCode = exitCode;
