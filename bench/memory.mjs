// Memory under huge tp output: one cluster_list call whose stand-in tp prints N MB, through the real
// server over stdio, with and without a progress token. Growth is the server's peak RSS during the
// call above its RSS just before; each run gets a fresh server so no run inherits another's heap.
// Growth is the largest of the runs (the target is a ceiling), duration the median.
import { benchEnv, startStdio } from './servers.mjs';
import { peakTracker } from './lib/processes.mjs';
import { median } from './lib/stats.mjs';
import { paths } from './paths.mjs';

const MB = 1024 * 1024;

async function once(node, outputMb, progress, nodeFlags) {
  const env = benchEnv({ BENCH_TP_OUTPUT_BYTES: String(outputMb * MB) });
  // budget and timeout out of the way: this measures one long call, not the handle it would become
  const server = await startStdio(
    node,
    [...nodeFlags, paths.bin, '--stdio', '--sync-budget', '3600', '--timeout', '3600'],
    { env },
  );
  try {
    await server.session.request('tools/list');
    let notifications = 0;
    server.session.onNotification = (message) => {
      if (message.method === 'notifications/progress') notifications++;
    };
    const tracker = peakTracker(server.child.pid);
    const { result, ms } = await server.session.callTool(
      'cluster_list',
      {},
      progress ? { progressToken: 'bench' } : undefined,
    );
    const peak = tracker.peak();
    tracker.stop();
    if (result.isError) throw new Error(`cluster_list failed: ${JSON.stringify(result.content).slice(0, 300)}`);
    return { growth: peak - tracker.base, peak, ms, notifications, resultBytes: JSON.stringify(result).length };
  } finally {
    await server.close();
  }
}

/**
 * `nodeFlags`: given to node before the bin, e.g. the small young generation the MCP bundle and the Render blueprint
 * use.
 */
export async function measureMemory({ node, sizesMb, runs, nodeFlags = [] }) {
  const samples = new Map();
  for (let run = 0; run < runs; run++) {
    for (const size of sizesMb) {
      // alternate which goes first, so neither always runs on a cooler machine
      const order = run % 2 === 0 ? [false, true] : [true, false];
      for (const progress of order) {
        const key = `${size}:${progress}`;
        if (!samples.has(key)) samples.set(key, []);
        samples.get(key).push(await once(node, size, progress, nodeFlags));
      }
    }
  }
  return sizesMb.flatMap((size) =>
    [false, true].map((progress) => {
      const values = samples.get(`${size}:${progress}`);
      return {
        outputMb: size,
        progress,
        nodeFlags,
        // a ceiling is the target here: the worst run counts
        growth: Math.max(...values.map((v) => v.growth)),
        // the same start-up can leave a few MB more or less resident: the peak tells the two apart
        peak: Math.max(...values.map((v) => v.peak)),
        ms: median(values.map((v) => v.ms)),
        notifications: median(values.map((v) => v.notifications)),
        resultBytes: median(values.map((v) => v.resultBytes)),
      };
    }),
  );
}
