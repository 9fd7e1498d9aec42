// Per call: `cluster_list` through tensorpool-mcp over stdio, against a bare SDK server whose one
// tool spawns the same stand-in tp, and against spawning the stand-in directly, in rotating order.
import { spawn } from 'node:child_process';
import { cpuMs } from './lib/processes.mjs';
import { startStdio } from './servers.mjs';
import { interleaved, median, now } from './lib/stats.mjs';
import { paths } from './paths.mjs';

function spawnDirectly() {
  return new Promise((resolve, reject) => {
    const started = now();
    const child = spawn(paths.standIn, ['--no-input', 'cluster', 'list'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.resume();
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(now() - started) : reject(new Error(`stand-in exited ${code}`)),
    );
  });
}

export async function measurePerCall({ node, rounds, warmup = 10 }) {
  const ours = await startStdio(node, [paths.bin, '--stdio']);
  const bare = await startStdio(node, [paths.bareSpawningServer]);
  try {
    const call = async (server) => {
      const { result, ms } = await server.session.callTool('cluster_list', {});
      if (result.isError) throw new Error(`cluster_list failed: ${JSON.stringify(result.content).slice(0, 300)}`);
      return ms;
    };
    const contestants = {
      'tensorpool-mcp': () => call(ours),
      'bare spawning server': () => call(bare),
      'direct spawn': spawnDirectly,
    };
    // CPU of each server over the measured calls only: /proc ticks are 10 ms, too coarse for one call
    const cpu = { ours: 0, bare: 0 };
    const timed = (server, key) => async (round) => {
      const before = cpuMs(server.child.pid);
      const ms = await call(server);
      if (round >= warmup) cpu[key] += cpuMs(server.child.pid) - before;
      return ms;
    };
    contestants['tensorpool-mcp'] = timed(ours, 'ours');
    contestants['bare spawning server'] = timed(bare, 'bare');
    const samples = await interleaved(rounds + warmup, Object.keys(contestants), (name, round) =>
      contestants[name](round),
    );
    const result = {
      node: node.version,
      rounds,
      cpuPerCall: { 'tensorpool-mcp': cpu.ours / rounds, 'bare spawning server': cpu.bare / rounds },
    };
    for (const [name, values] of Object.entries(samples)) result[name] = median(values.slice(warmup));
    return result;
  } finally {
    await Promise.all([ours.close(), bare.close()]);
  }
}
