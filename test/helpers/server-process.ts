import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { selectTools, type SelectionOptions } from '../../src/registry/selection.js';
import { allTools } from '../../src/tools/index.js';

export const BIN = resolve(import.meta.dirname, '../../bin/tensorpool-mcp.js');
const BUILT = resolve(import.meta.dirname, '../../dist/cli.js');

export function assertBuilt(): void {
  if (!existsSync(BUILT)) throw new Error('dist/ is missing: run `npm run build` (npm test does it for you)');
}

/** The tool names tools/list should show for a selection (the options of selectTools). No test hard-codes a count. */
export function listedToolNames(selection: SelectionOptions = {}): string[] {
  // what tools/list shows: the deferred tools wait for toolset_enable
  const { tools, deferred } = selectTools(allTools, selection);
  return [
    ...tools.map((tool) => tool.name).filter((name) => !deferred.includes(name)),
    ...(deferred.length > 0 ? ['toolset_enable'] : []),
  ];
}

/** Runs the built CLI to completion (for --help, --version, usage errors). */
export function runCli(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}) {
  assertBuilt();
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    // a hang guard, not a time limit: generous, since a loaded machine is slow
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

export interface HttpServerProcess {
  child: ChildProcess;
  url: string;
  stderr(): string;
  /** Sends SIGTERM and resolves with the exit code; SIGKILL if it does not exit in time. */
  stop(): Promise<number | null>;
}

/** Starts `tensorpool-mcp --http --port 0` and waits until it says where it listens. */
export async function startHttpProcess(
  args: string[],
  env: Record<string, string | undefined>,
  cwd?: string,
  host = '127.0.0.1',
): Promise<HttpServerProcess> {
  assertBuilt();
  const child = spawn(process.execPath, [BIN, '--http', '--port', '0', '--host', host, ...args], {
    env,
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start: ${stderr}`)), 60_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        done(match[1]!);
      }
    });
    child.on('exit', () => fail(new Error(`server exited: ${stderr}`)));
  });
  return {
    child,
    url,
    stderr: () => stderr,
    stop: () => stopProcess(child),
  };
}

export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((done) => {
    // SIGKILL only for a server that hangs; a slow but orderly shutdown must still show its exit code
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done(code);
    });
    child.kill(signal);
  });
}
