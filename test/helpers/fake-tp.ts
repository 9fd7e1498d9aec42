import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_CONFIG, runnerLimits } from '../../src/config/config.js';

/** The fake `tp` executable (test/fake-tp/): what every test passes as --tp-path. */
export const FAKE_TP = resolve(import.meta.dirname, '../fake-tp/main.mjs');
// git keeps the executable bit, but a copy made without it must still work
chmodSync(FAKE_TP, 0o755);

/** tp sees only an allow-list of the server's environment: the fake's knobs must be passed to it (--pass-env). */
export const FAKE_TP_PASS_ENV = ['FAKE_TP_*'] as const;

/** A TpRunner's process limit and output bounds as the server's defaults set them. */
export const RUNNER_LIMITS = runnerLimits(DEFAULT_CONFIG);

export const TEST_KEY = 'tpk_test_7f3a9c2e5b1d8046_SECRET';

export interface FakeTpCall {
  argv: string[];
  cwd: string;
  pid: number;
  env: Record<string, string>;
  /** The name of every variable tp saw. */
  envNames: string[];
  stdin: 'devnull' | 'pipe' | 'tty' | 'file' | 'closed';
  generation: string;
  keyFile?: { path: string; mode: string; dirMode: string; content: string };
  config?: string;
  help?: boolean;
  usageError?: boolean;
}

/** A scratch directory with a call log for the fake tp; `cleanup` removes both. */
export class FakeTpWorkspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'tpmcp-test-'));
  readonly logFile = join(this.dir, 'tp-calls.jsonl');
  readonly readyFile = join(this.dir, 'tp-ready.json');
  readonly releaseFile = join(this.dir, 'tp-release');

  /** Environment for a runner or server process: the key, the log, and any scenario knobs. */
  env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return {
      ...baseEnv(),
      TENSORPOOL_KEY: TEST_KEY,
      FAKE_TP_LOG: this.logFile,
      TENSORPOOL_MCP_PASS_ENV: FAKE_TP_PASS_ENV.join(','),
      ...extra,
    };
  }

  /**
   * Knobs that make every tp command print `lines` progress lines, create the ready file, and then
   * wait until release(): a test waits for what it needs to see instead of for a delay to pass.
   */
  hold(lines = 0): Record<string, string> {
    return {
      FAKE_TP_PROGRESS_LINES: String(lines),
      FAKE_TP_READY_FILE: this.readyFile,
      FAKE_TP_RELEASE_FILE: this.releaseFile,
    };
  }

  /** Lets held tp commands (see hold) finish, and any later ones run straight through. */
  release(): void {
    writeFileSync(this.releaseFile, '');
  }

  /** Waits until a held tp has printed its lines; returns that tp's pid. */
  async untilReady(): Promise<number> {
    await waitFor(() => existsSync(this.readyFile), undefined, 'tp to print its lines (the ready file)');
    return (JSON.parse(readFileSync(this.readyFile, 'utf8')) as { tp: number }).tp;
  }

  calls(): FakeTpCall[] {
    if (!existsSync(this.logFile)) return [];
    return readFileSync(this.logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as FakeTpCall);
  }

  /** The calls that ran a tp command, without the server's `--help`/`--version` probes of the installed generation. */
  commandCalls(): FakeTpCall[] {
    return this.calls().filter((call) => !call.argv.includes('--help') && !call.argv.includes('--version'));
  }

  lastCall(): FakeTpCall {
    const calls = this.commandCalls();
    if (calls.length === 0) throw new Error('the fake tp never ran a command');
    return calls[calls.length - 1]!;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The test process's environment without anything that could leak a real key or engine into a test. */
export function baseEnv(): Record<string, string | undefined> {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (name.startsWith('TENSORPOOL') || name.startsWith('FAKE_TP') || name === 'TP_PATH') delete env[name];
  }
  return env;
}

/** Whether a process still runs; a zombie waiting for init to reap it counts as dead. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return !existsSync('/proc/self/stat');
  }
}

/**
 * Polls until `condition` holds, for events that give no callback (a file appears, a process dies).
 * The limit only turns a hang into a failure that names what never happened; it is generous because
 * a loaded machine is slow, and a passing test never waits for it.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
