// Starting the servers under test with the stand-in tp behind them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, stop } from './lib/processes.mjs';
import { StdioSession } from './lib/stdio-session.mjs';
import { paths } from './paths.mjs';

/** Not a real key: the stand-in never checks it, but the server refuses to run tp without one. */
export const BENCH_KEY = 'tpk_bench_0000000000000000';

/** What every server and tp child gets: no credentials of the person running the bench. */
export function benchEnv(extra = {}) {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TP_PATH: paths.standIn,
    BENCH_TP: paths.standIn,
    TENSORPOOL_API_KEY: BENCH_KEY,
    // the stand-in has no help to read a generation from: no probe, so every call is alike
    TENSORPOOL_MCP_TP_GENERATION: '0.0.9',
    // tp sees only an allow-list of the server's environment: the stand-in's knobs must be passed on
    TENSORPOOL_MCP_PASS_ENV: 'BENCH_TP_*',
    ...extra,
  };
}

/** A stdio server, initialized, with its stderr kept (bounded) for error messages. */
export async function startStdio(node, args, { env = benchEnv(), nodeOptions = [] } = {}) {
  const cwd = mkdtempSync(join(tmpdir(), 'tpmcp-bench-cwd-'));
  const child = start(node.path, [...nodeOptions, ...args], { env, cwd });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4_000)));
  const session = new StdioSession(child);
  try {
    await session.initialize();
  } catch (error) {
    await stop(child);
    throw new Error(`${args.join(' ')}: ${error.message}\n${stderr}`);
  }
  return {
    child,
    session,
    stderr: () => stderr,
    close: async () => {
      await stop(child);
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}
