import type { ChildProcess } from 'node:child_process';
import spawn from 'cross-spawn';
import { CapturedStream } from './captured-stream.js';
import type { Env } from './environment.js';
import { groupSpawnOptions, ProcessGroup } from './process-group.js';
import type { Redactor } from './redact.js';

/** Hears about one run as it happens; every text it gets is already redacted. */
export interface RunObserver {
  /** Waiting for a free slot: 1 is next. */
  queued?(position: number): void;
  started?(): void;
  output?(text: string, stream: 'stdout' | 'stderr'): void;
}

export interface TpResult {
  /** What ran: the executable as configured (see displayedArgv) and its arguments, secrets masked. */
  argv: string[];
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  cancelled: boolean;
  truncated: boolean;
  /** Set when --dry-run stood in for tp: nothing ran. */
  dryRun?: boolean;
}

export interface TpProcessOptions {
  executable: string;
  args: readonly string[];
  cwd: string;
  env: Env;
  redactor: Redactor;
  timeoutMs: number;
  /** Time between SIGTERM and SIGKILL. */
  graceMs: number;
  /** Bytes kept from the start and from the end of each of stdout and stderr. */
  headBytes: number;
  tailBytes: number;
  signal?: AbortSignal;
  observer?: RunObserver;
}

/**
 * Where one run stands. A timeout or a cancellation moves `running` to `stopping`; tp's exit moves
 * either to `exited`; the result (or the spawn error) moves any of them to `settled`, after which
 * no event changes anything.
 * - running: tp runs;
 * - stopping: tp's group got SIGTERM, and SIGKILL follows after the grace period; tp has not exited yet;
 * - exited: tp is gone; what it left running in its group is being stopped, and the pipes drained;
 * - settled: the caller has its answer.
 */
export type TpProcessState = 'running' | 'stopping' | 'exited' | 'settled';

/**
 * How long the pipes may stay open once tp's group is gone: a descendant that left the group can hold them for ever.
 */
const PIPE_DRAIN_MS = 1000;

/**
 * One run of `tp`, from spawn to result: argv array, no shell, stdin from /dev/null, its own process
 * group, a deadline, cancellation, output bounded for the result and relayed, redacted, as it comes.
 * `result` rejects only when tp could not be started (the spawn error, with its code).
 */
export class TpProcess {
  readonly result: Promise<TpResult>;
  private current: TpProcessState = 'running';
  private timedOut = false;
  private cancelled = false;
  private exitCode: number | null = null;
  private exitSignal: string | null = null;
  private groupStopped: Promise<void> | undefined;
  private drainTimer: NodeJS.Timeout | undefined;
  private readonly deadline: NodeJS.Timeout;
  private readonly startedAt = performance.now();
  private readonly child: ChildProcess;
  private readonly group: ProcessGroup;
  private readonly stdout: CapturedStream;
  private readonly stderr: CapturedStream;
  private resolve!: (result: TpResult) => void;
  private reject!: (error: Error) => void;

  constructor(private readonly options: TpProcessOptions) {
    this.result = new Promise<TpResult>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    const bounds = { headBytes: options.headBytes, tailBytes: options.tailBytes };
    const listener = options.observer?.output?.bind(options.observer);
    this.stdout = new CapturedStream('stdout', bounds, options.redactor, listener);
    this.stderr = new CapturedStream('stderr', bounds, options.redactor, listener);

    this.child = spawn(options.executable, [...options.args], {
      cwd: options.cwd,
      env: options.env,
      // our own stdin is the MCP stream in stdio mode; tp must never read it or wait on it
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      ...groupSpawnOptions,
    });
    this.group = new ProcessGroup(this.child);
    options.observer?.started?.();

    this.deadline = setTimeout(() => this.stop('timeout'), options.timeoutMs);
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.child.stdout!.on('data', (chunk: Buffer) => this.stdout.push(chunk));
    this.child.stderr!.on('data', (chunk: Buffer) => this.stderr.push(chunk));
    this.child.on('error', (error) => this.fail(error));
    this.child.on('exit', (code, signal) => this.exited(code, signal));
    // 'close' can precede the group's cleanup; the result waits until no descendant is left
    this.child.on('close', () => void this.stopGroup().then(() => this.settle()));
  }

  get state(): TpProcessState {
    return this.current;
  }

  /** Stops tp's whole group (server shutdown) without calling it a timeout or a cancellation. */
  kill(): Promise<void> {
    return this.stopGroup();
  }

  private readonly onAbort = (): void => this.stop('cancel');

  /** Once tp has exited its result stands: a late timeout or cancel must not turn a success into a failure. */
  private stop(reason: 'timeout' | 'cancel'): void {
    if (this.current !== 'running' && this.current !== 'stopping') return;
    if (reason === 'timeout') this.timedOut = true;
    else this.cancelled = true;
    this.current = 'stopping';
    void this.stopGroup();
  }

  /** SIGTERM to the group, SIGKILL after the grace period; one such sequence per run, whoever asks. */
  private stopGroup(): Promise<void> {
    return (this.groupStopped ??= this.group.terminate(this.options.graceMs));
  }

  private exited(code: number | null, signal: string | null): void {
    if (this.current === 'settled') return;
    this.current = 'exited';
    this.exitCode = code;
    this.exitSignal = signal;
    // tp is gone, but commands it started may still be running in its group (and hold our pipes)
    void this.stopGroup().then(() => {
      if (this.current === 'settled') return;
      this.drainTimer = setTimeout(() => {
        this.child.stdout?.destroy();
        this.child.stderr?.destroy();
        this.settle();
      }, PIPE_DRAIN_MS).unref();
    });
  }

  private settle(): void {
    if (this.current === 'settled') return;
    this.stdout.end();
    this.stderr.end();
    this.cleanUp();
    const { executable, args, redactor } = this.options;
    this.resolve({
      argv: displayedArgv(executable, args, redactor),
      exitCode: this.exitCode,
      signal: this.exitSignal,
      stdout: this.stdout.render(),
      stderr: this.stderr.render(),
      durationMs: Math.round(performance.now() - this.startedAt),
      timedOut: this.timedOut,
      cancelled: this.cancelled,
      truncated: this.stdout.truncated || this.stderr.truncated,
    });
  }

  private fail(error: Error): void {
    if (this.current === 'settled') return;
    this.cleanUp();
    this.reject(error);
  }

  private cleanUp(): void {
    this.current = 'settled';
    clearTimeout(this.deadline);
    clearTimeout(this.drainTimer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
  }
}

/**
 * The command as results, operations and dry runs show it: the executable the runner starts, then
 * exactly the arguments tp receives, secrets masked. The executable is the configured tp path as the
 * runner holds it: a relative path made absolute, a bare name such as `tp` left as it is (PATH decides
 * at each spawn; server_status shows where it resolves). Pasted into a shell, it runs the same thing.
 */
export function displayedArgv(executable: string, args: readonly string[], redactor: Redactor): string[] {
  return [executable, ...args].map((arg) => redactor.redact(arg));
}
