// Starting, watching and stopping the processes a benchmark runs. Every child is tracked, so
// whatever happens, the harness stops them all before it exits.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const children = new Set();

export function start(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], ...options });
  children.add(child);
  child.once('exit', () => children.delete(child));
  // a failed spawn must reject where it is awaited, not crash the harness
  child.once('error', () => children.delete(child));
  return child;
}

/** Ends a child: its stdin first (how an MCP client says goodbye), then SIGTERM, then SIGKILL. */
export function stop(child, { graceMs = 5_000 } = {}) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const term = setTimeout(() => child.kill('SIGTERM'), graceMs);
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs * 2);
    child.once('exit', () => {
      clearTimeout(term);
      clearTimeout(kill);
      resolve();
    });
    if (child.stdin && !child.stdin.destroyed) child.stdin.end();
    else child.kill('SIGTERM');
  });
}

function stopAll() {
  for (const child of children) child.kill('SIGKILL');
}
process.once('exit', stopAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    stopAll();
    process.exit(130);
  });
}

/** RSS of a process in bytes, from /proc on Linux (ps elsewhere). */
export function rss(pid) {
  try {
    return statusField(pid, 'VmRSS');
  } catch {
    return psRss(pid);
  }
}

/**
 * Peak RSS since the last resetPeak(): Linux keeps it (VmHWM) and lets the owner reset it, so no
 * sampling can miss a short spike. Elsewhere a 20 ms sampler stands in.
 */
export function peakTracker(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    const base = statusField(pid, 'VmRSS');
    return { base, peak: () => statusField(pid, 'VmHWM'), stop: () => {} };
  } catch {
    const base = rss(pid);
    let peak = base;
    const timer = setInterval(() => (peak = Math.max(peak, rss(pid))), 20);
    return { base, peak: () => Math.max(peak, rss(pid)), stop: () => clearInterval(timer) };
  }
}

function statusField(pid, field) {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no ${field} for ${pid}`);
  return Number(match[1]) * 1024;
}

function psRss(pid) {
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024;
}

/** Clock ticks per second in /proc/<pid>/stat: 100 on every Linux Node supports. */
const TICKS_PER_SECOND = 100;

/** User + system CPU time a process has used so far, in ms (all its threads); NaN where /proc is missing. */
export function cpuMs(pid) {
  try {
    // the fields after the command name, which is in parentheses and may hold spaces
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}
