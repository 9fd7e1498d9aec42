// Turns one run's measurements into the table printed on the terminal and kept in docs/performance.md.
import { mb, ms, percent, ratio, seconds } from './lib/stats.mjs';

const TARGETS = {
  coldStart: 0.7,
  coldStartCached: 0.65,
  perCall: 1.0,
  growthMb: 15,
  floodRssMb: 250,
};

const verdict = (met) => (met === undefined ? '' : met ? 'yes' : 'no');

export function resultRows(results) {
  const rows = [];
  for (const cold of results.coldStart ?? []) {
    const ours = cold['tensorpool-mcp'];
    const bare = cold['bare SDK server'];
    const wallRatio = ours.wall / bare.wall;
    const target = cold.compileCache ? TARGETS.coldStartCached : TARGETS.coldStart;
    const label =
      `Cold start, Node ${cold.node}${cold.compileCache ? ' + compile cache' : ''}: spawn → initialize + ` +
      `tools/list (${ours.tools} tools)`;
    rows.push([
      label,
      ms(ours.wall),
      `bare SDK server ${ms(bare.wall)}`,
      ratio(wallRatio),
      `≤ ${target.toFixed(2)}×`,
      verdict(wallRatio <= target),
    ]);
    rows.push([
      `  CPU used by then, Node ${cold.node}`,
      ms(ours.cpu),
      ms(bare.cpu),
      ratio(ours.cpu / bare.cpu),
      '',
      '',
    ]);
    const floor = cold['Node floor'];
    rows.push([
      `  the floor: Node answering with canned replies, importing nothing`,
      '—',
      ms(floor.wall),
      `${ratio(floor.wall / bare.wall)} of bare`,
      '',
      '',
    ]);
  }
  const call = results.perCall;
  if (call) {
    const ours = call['tensorpool-mcp'];
    const bare = call['bare spawning server'];
    const direct = call['direct spawn'];
    rows.push([
      `Per call: cluster_list over stdio, Node ${call.node}`,
      ms(ours),
      `bare SDK server spawning the stand-in ${ms(bare)}`,
      ratio(ours / bare),
      `≤ ${TARGETS.perCall.toFixed(2)}×`,
      verdict(ours / bare <= TARGETS.perCall),
    ]);
    rows.push([
      `  the same against spawning the stand-in directly`,
      ms(ours),
      `direct spawn ${ms(direct)}`,
      ratio(ours / direct),
      'reported',
      '',
    ]);
    const cpu = call.cpuPerCall;
    rows.push([
      `  server CPU per call (mean over the rounds)`,
      ms(cpu['tensorpool-mcp']),
      ms(cpu['bare spawning server']),
      ratio(cpu['tensorpool-mcp'] / cpu['bare spawning server']),
      '',
      '',
    ]);
  }
  const memory = results.memory ?? [];
  const growthAt = (size, progress, flags) =>
    memory.find((m) => m.outputMb === size && m.progress === progress && m.nodeFlags.join(' ') === flags)?.growth;
  for (const m of memory) {
    const size = m.outputMb * 1024 * 1024;
    const flags = m.nodeFlags.join(' ');
    let target = '';
    let met;
    if (m.outputMb === 200) {
      target = `≤ ${TARGETS.growthMb} MB`;
      met = m.growth <= TARGETS.growthMb * 1024 * 1024;
    } else if (m.outputMb > 200 && growthAt(200, m.progress, flags) !== undefined) {
      target = 'not above 200 MB';
      // 10% or 2 MB of slack: RSS is counted in pages and GC timing varies
      const at200 = growthAt(200, m.progress, flags);
      met = m.growth <= Math.max(at200 * 1.1, at200 + 2 * 1024 * 1024);
    }
    rows.push([
      `RSS growth${flags ? ` (node ${flags})` : ''}, ${m.outputMb} MB of tp output, ` +
        `${m.progress ? `progress token (${m.notifications} notifications)` : 'no progress token'}; call ` +
        `${seconds(m.ms)}, peak RSS ${mb(m.peak)}`,
      mb(m.growth),
      `output ${mb(size)}`,
      `${(m.growth / size).toFixed(2)} of output`,
      target,
      verdict(met),
    ]);
  }
  const load = results.httpLoad;
  if (load) {
    rows.push([
      `HTTP: ${load.sessions} sessions × ${load.calls} cluster_list calls, auth ` +
        `${load.auth ? 'on (bearer token)' : 'off (server has no --auth-token)'}; ${load.callsPerSecond.toFixed(0)} ` +
        `calls/s, server CPU ${ms(load.cpuPerCall)} per call (sessions included)`,
      `p50 ${ms(load.p50)}, p99 ${ms(load.p99)}`,
      `RSS ${mb(load.baseRss)} → peak ${mb(load.peakRss)}`,
      `${load.errors} errors`,
      '0 errors',
      verdict(load.errors === 0),
    ]);
  }
  const flood = results.httpFlood;
  if (flood) {
    const refused = Object.entries(flood.refused)
      .map(([status, count]) => `${count} × ${status}`)
      .join(', ');
    rows.push([
      `HTTP flood: ${flood.streams} sessions open SSE streams (${flood.opened} ` +
        `held${refused ? `; refused ${refused}` : ''}), one session sends a ${flood.batch}-call batch (tp ` +
        `${flood.delaySeconds} s each), auth ${flood.auth ? 'on' : 'off'}`,
      `other session's call ${ms(flood.bystanderMs)}: ${flood.bystanderInBudget ? 'result' : 'no result'} within the ` +
        `${flood.syncBudgetSeconds} s budget`,
      `RSS ${mb(flood.baseRss)} → ${mb(flood.rssWithStreams)} with streams, peak ${mb(flood.peakRss)}`,
      `batch: ${flood.batchCompleted} done, ${flood.batchHandles} handles, ${flood.batchErrors} errors`,
      `in budget, RSS < ${TARGETS.floodRssMb} MB`,
      verdict(flood.bystanderInBudget && flood.peakRss < TARGETS.floodRssMb * 1024 * 1024),
    ]);
  }
  const keys = results.keyFlood;
  if (keys) {
    const answered = Object.entries(keys.statuses)
      .map(([status, count]) => `${count} × ${status}`)
      .join(', ');
    rows.push([
      `HTTP key flood (--auth tensorpool-key): ${keys.loops} loops of random keys from one address for ` +
        `${keys.floodSeconds.toFixed(1)} s (${keys.floodRequests} requests: ${answered}) while ${keys.team} team ` +
        `members open sessions from other addresses; tp me takes ${keys.tpSeconds} s`,
      `${keys.teamIn5s}/${keys.team} members in within 5 s (slowest ${ms(keys.teamSlowestMs)})`,
      `RSS ${mb(keys.baseRss)} → peak ${mb(keys.peakRss)}`,
      `${keys.floodChecks} tp me for flood keys`,
      `≥ ${keys.team - 1} members in 5 s, ≤ 20 tp me`,
      verdict(keys.teamIn5s >= keys.team - 1 && keys.floodChecks <= 20),
    ]);
  }
  return rows;
}

export function breakdownRows(profile, coldStart) {
  const counted = profile.steps.filter((step) => !step.name.startsWith('second tools/list'));
  const total = (key) => counted.reduce((sum, step) => sum + step[key], 0);
  const rows = profile.steps.map((step) => [
    step.name,
    ms(step.ms),
    ms(step.cpu),
    counted.includes(step) ? percent(step.cpu, total('cpu')) : '—',
  ]);
  rows.push(['Sum of the steps', ms(total('ms')), ms(total('cpu')), '100%']);
  if (coldStart) {
    rows.push([
      'For scale: the real cold start, medians from the table above (spawn, CLI, stdio and JSON-RPC included)',
      ms(coldStart.wall),
      ms(coldStart.cpu),
      '',
    ]);
  }
  return rows;
}

export function markdownTable(header, rows) {
  const escapeCell = (cell) => String(cell).replaceAll('|', '\\|');
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ].join('\n');
}

export const RESULT_HEADER = ['Measure', 'tensorpool-mcp', 'Baseline', 'Ratio', 'Target', 'Met'];
export const BREAKDOWN_HEADER = [
  'Step (fresh process, each import after the ones above)',
  'Wall',
  'CPU',
  'Share of CPU',
];
