// Stdio cold start: spawn until `initialize` and `tools/list` are both answered, for tensorpool-mcp,
// for a bare MCP SDK server with one tool, and for Node answering with canned replies (the floor),
// in rotating order on the same Node. Medians of wall time, and of the CPU the process had used by then.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuMs, start, stop } from './lib/processes.mjs';
import { INITIALIZE } from './lib/stdio-session.mjs';
import { interleaved, median, now } from './lib/stats.mjs';
import { paths } from './paths.mjs';

const REQUESTS = [
  { jsonrpc: '2.0', id: 1, method: 'initialize', params: INITIALIZE },
  { jsonrpc: '2.0', method: 'notifications/initialized' },
  { jsonrpc: '2.0', id: 2, method: 'tools/list' },
]
  .map((message) => `${JSON.stringify(message)}\n`)
  .join('');

function once(node, args, { env, cwd }) {
  return new Promise((resolve, reject) => {
    const started = now();
    const child = start(node, args, { env, cwd, stdio: ['pipe', 'pipe', 'ignore'] });
    let text = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      text += chunk;
      // only whole lines: a tools/list answer of 60 kB arrives in pieces
      const line = text
        .split('\n')
        .slice(0, -1)
        .find((candidate) => candidate.startsWith('{') && JSON.parse(candidate).id === 2);
      if (!line) return;
      const wall = now() - started;
      const cpu = cpuMs(child.pid);
      const tools = JSON.parse(line).result.tools.length;
      child.off('exit', early);
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      stop(child).then(() => resolve({ wall, cpu, tools }), reject);
    });
    child.once('error', reject);
    const early = (code) => reject(new Error(`${args[0]} exited with ${code} before tools/list was answered`));
    child.once('exit', early);
    child.stdin.write(REQUESTS);
  });
}

/**
 * `compileCache`: tensorpool-mcp runs with Node's module compile cache in a directory of its own,
 * warmed by the first runs (as `module.enableCompileCache()` in the bin shim does for users).
 */
export async function measureColdStart({ node, runs, warmup = 2, compileCache = false }) {
  const cwd = mkdtempSync(join(tmpdir(), 'tpmcp-bench-cwd-'));
  const cacheDir = compileCache ? mkdtempSync(join(tmpdir(), 'tpmcp-bench-cache-')) : undefined;
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, TP_PATH: paths.standIn };
  const contestants = {
    'tensorpool-mcp': {
      args: [paths.bin, '--stdio'],
      env: { ...base, ...(cacheDir ? { NODE_COMPILE_CACHE: cacheDir } : {}) },
    },
    'bare SDK server': { args: [paths.bareServer], env: base },
    'Node floor': { args: [paths.nodeFloor], env: base },
  };
  try {
    const samples = await interleaved(runs + warmup, Object.keys(contestants), (name) =>
      once(node.path, contestants[name].args, { env: contestants[name].env, cwd }),
    );
    const summary = {};
    for (const [name, values] of Object.entries(samples)) {
      const measured = values.slice(warmup); // the first runs warm the disk (and the compile) cache
      summary[name] = {
        wall: median(measured.map((v) => v.wall)),
        cpu: median(measured.map((v) => v.cpu)),
        tools: measured[0].tools,
      };
    }
    const cacheFiles = cacheDir ? countFiles(cacheDir) : undefined;
    return { node: node.version, runs, compileCache, cacheFiles, ...summary };
  } finally {
    rmSync(cwd, { recursive: true, force: true });
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  }
}

function countFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).length;
}
