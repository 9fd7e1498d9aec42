// Where a cold start goes: runs profile-child.mjs in fresh processes and takes the median of each step.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { start } from './lib/processes.mjs';
import { median } from './lib/stats.mjs';
import { paths } from './paths.mjs';

/** Whether dist/ imports its dependencies or carries them (the bundle of issue 10). */
export function distIsBundled() {
  const files = readdirSync(paths.dist).filter((name) => name.endsWith('.js'));
  return !files.some((name) =>
    /from\s*["'](zod|@modelcontextprotocol\/sdk)[/"']/.test(readFileSync(join(paths.dist, name), 'utf8')),
  );
}

function once(node, bundled) {
  return new Promise((resolve, reject) => {
    const child = start(
      node.path,
      [paths.profileChild, pathToFileURL(paths.dist).href, bundled ? 'bundled' : 'modules'],
      {
        cwd: paths.root,
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err = (err + chunk).slice(-2_000)));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`profile child exited ${code}: ${err}`)),
    );
  });
}

export async function profileColdStart({ node, runs, warmup = 1 }) {
  const bundled = distIsBundled();
  const samples = [];
  for (let run = 0; run < runs + warmup; run++) {
    const sample = await once(node, bundled);
    if (run >= warmup) samples.push(sample);
  }
  const steps = samples[0].steps.map((step, i) => ({
    name: step.name,
    ms: median(samples.map((sample) => sample.steps[i].ms)),
    cpu: median(samples.map((sample) => sample.steps[i].cpu)),
  }));
  return { node: node.version, runs, bundled, tools: samples[0].tools, steps };
}
