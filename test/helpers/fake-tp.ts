import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const FAKE_TP = resolve(import.meta.dirname, '../fixtures/fake-tp.mjs');
// git keeps the executable bit, but a copy made without it must still work
chmodSync(FAKE_TP, 0o755);

export const TEST_KEY = 'tpk_test_7f3a9c2e5b1d8046_SECRET';

export interface FakeTpCall {
  argv: string[];
  cwd: string;
  pid: number;
  env: Record<string, string>;
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

  /** Environment for a runner or server process: the key, the log, and any scenario knobs. */
  env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return { ...baseEnv(), TENSORPOOL_KEY: TEST_KEY, FAKE_TP_LOG: this.logFile, ...extra };
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

export async function waitFor(condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
