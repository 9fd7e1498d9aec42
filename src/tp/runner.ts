import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { shellQuote } from '../shell-quote.js';
import { makeTempDir, removeTempDir } from '../temp-dirs.js';
import { apiKeyFrom, KEY_VARIABLES, TP_KEY_VARIABLE } from '../config/api-key.js';
import { childEnvironment, type Env } from './environment.js';
import { NoApiKeyError, ToolError, TpNotFoundError } from '../errors.js';
import { Redactor } from './redact.js';
import { Slots } from './slots.js';
import { displayedArgv, TpProcess, type RunObserver, type TpResult } from './tp-process.js';
import { resolveExecutable } from './which.js';

export interface TpRunnerOptions {
  /** Executable to run: a name looked up on PATH or a path. */
  tpPath: string;
  /** The server's environment (after .env loading); the child's is derived from it. */
  env: Env;
  /** Other secrets the server holds (auth tokens): masked like the key wherever the key is. */
  secrets?: readonly string[];
  /** Names of further variables tp gets from `env` (--pass-env), beyond the ones it always needs. */
  passEnv?: readonly string[];
  /** Default limit for one call. */
  timeoutMs: number;
  /** Time between SIGTERM and SIGKILL. */
  killGraceMs?: number;
  /** Bytes kept from the start and from the end of each of stdout and stderr (config's runnerLimits). */
  outputHeadBytes: number;
  outputTailBytes: number;
  /** Most tp processes at once; further calls wait, taking turns across lanes (callers, or sessions). */
  maxProcesses: number;
  /**
   * Most calls one lane (a caller's sessions, or one session) may have waiting for a process; one more is refused.
   * Default: the larger of 16 and 2 × maxProcesses.
   */
  maxWaitingPerSession?: number;
}

export type { RunObserver, TpResult } from './tp-process.js';

export interface RunOptions {
  /** Working directory; default: a private empty directory, so no stray .env is read by tp. */
  cwd?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** false for help and version probes, which tp answers without a key. */
  requiresKey?: boolean;
  observer?: RunObserver;
  /** false for quick probes (help, version) that must not wait behind long calls for a slot. */
  queued?: boolean;
  /**
   * Whose call this is: any object standing for one caller, or one session (SessionClient). Waiting
   * calls take turns across these lanes, and a lane may have only so many waiting. Default: one lane
   * shared by every call that names none.
   */
  lane?: object;
  /**
   * The API key for this call instead of the server's (`--auth tensorpool-key`: the session's own).
   * Only this call's child gets it, and everything the call returns masks it.
   */
  key?: string;
}

/** What tools may use of a runner: a session's client (SessionClient, below) in the server. */
export type TpClient = Pick<TpRunner, 'run' | 'hasApiKey' | 'tpPath' | 'locateTp' | 'redactor' | 'defaultTimeoutMs'>;

const DEFAULT_GRACE_MS = 3000;
/** Enough for an agent that fans out over a page of ids; a batch of a hundred is refused past it. */
const MIN_WAITING_PER_SESSION = 16;
const NOTHING_TO_RELEASE = () => {};

/** The one place that starts `tp`: argv array, no shell, stdin from /dev/null, own process group. */
export class TpRunner {
  readonly redactor: Redactor;
  /** Read once: the environment the runner was given does not change under it. */
  readonly hasApiKey: boolean;
  private readonly childEnv: Env;
  private readonly running = new Set<TpProcess>();
  private neutralDir: string | undefined;
  private closed = false;
  private readonly slots: Slots;

  constructor(private readonly options: TpRunnerOptions) {
    // a relative path would otherwise resolve against each call's working directory
    if (options.tpPath.includes('/') && !isAbsolute(options.tpPath))
      this.options = { ...options, tpPath: resolve(options.tpPath) };
    this.hasApiKey = apiKeyFrom(options.env) !== undefined;
    this.childEnv = childEnvironment(options.env, options.passEnv);
    this.redactor = new Redactor([...KEY_VARIABLES.map((name) => options.env[name]), ...(options.secrets ?? [])]);
    // the limits come from the Config (runnerLimits); a library caller that leaves one out hears so here
    for (const limit of ['maxProcesses', 'outputHeadBytes', 'outputTailBytes'] as const) {
      if (!Number.isInteger(options[limit]) || options[limit] < 0 || (limit === 'maxProcesses' && options[limit] < 1))
        throw new TypeError(`TpRunner: ${limit} must be a whole number (runnerLimits(config) gives the server's)`);
    }
    const maxProcesses = options.maxProcesses;
    this.slots = new Slots(maxProcesses, {
      maxWaitingPerLane: options.maxWaitingPerSession ?? Math.max(MIN_WAITING_PER_SESSION, 2 * maxProcesses),
      fullMessage: (waiting) =>
        `This session (with its caller's other sessions) has too many calls waiting: ${waiting} already wait for a ` +
        `free tp process, the most one caller may have waiting. ` +
        'This call was refused and tp was not started; wait for running calls to finish (or stop some with ' +
        'operation_cancel), then try again.',
      cancelledMessage: 'The call was cancelled while it waited for a free tp slot; tp never started.',
    });
  }

  /** The executable as it is spawned: a name looked up on PATH, or an absolute path. */
  get tpPath(): string {
    return this.options.tpPath;
  }

  /** Where tpPath resolves on the PATH tp is started with (for server_status); undefined when not found. */
  locateTp(): string | undefined {
    return resolveExecutable(this.options.tpPath, this.options.env);
  }

  /** The limit of a call that sets none. */
  get defaultTimeoutMs(): number {
    return this.options.timeoutMs;
  }

  get runningCount(): number {
    return this.running.size;
  }

  async run(args: readonly string[], options: RunOptions = {}): Promise<TpResult> {
    if (this.closed) throw new ToolError('The server is shutting down; tp was not started.');
    if ((options.requiresKey ?? true) && !options.key && !this.hasApiKey) throw new NoApiKeyError();
    if (options.signal?.aborted) throw new ToolError('The call was cancelled before tp started.');
    if (options.cwd !== undefined && !isDirectory(options.cwd)) throw missingDirectory(options.cwd);
    const release =
      options.queued === false
        ? NOTHING_TO_RELEASE
        : await this.slots.acquire(options.lane, options.signal, options.observer);
    try {
      if (this.closed) throw new ToolError('The server is shutting down; tp was not started.');
      return await this.start(args, options);
    } finally {
      release();
    }
  }

  /** Calls waiting for a free slot. */
  get queuedCount(): number {
    return this.slots.waiting;
  }

  /** Kills every running `tp` process group (SIGTERM, then SIGKILL) and waits for them to end. */
  async shutdown(): Promise<void> {
    this.closed = true;
    this.slots.rejectAll(new ToolError('The server is shutting down; tp was not started.'));
    const running = [...this.running];
    await Promise.all(running.map((tp) => tp.kill()));
    await Promise.allSettled(running.map((tp) => tp.result));
    if (this.neutralDir) removeTempDir(this.neutralDir);
    this.neutralDir = undefined;
  }

  /**
   * Spawns tp and waits for its result. The private directory is not checked before each call: a
   * spawn that fails for want of it (a temp cleaner removed it) gets a new one and one more try,
   * instead of reading as a missing tp.
   */
  private async start(args: readonly string[], options: RunOptions, retry = true): Promise<TpResult> {
    const cwd = options.cwd ?? (this.neutralDir ??= makeTempDir('cwd'));
    const tp = new TpProcess({
      executable: this.options.tpPath,
      args,
      cwd,
      // --auth tensorpool-key: this call's child alone gets the session's key, and everything it returns masks it
      env: options.key ? { ...this.childEnv, [TP_KEY_VARIABLE]: options.key } : this.childEnv,
      redactor: options.key ? this.redactor.including(options.key) : this.redactor,
      timeoutMs: options.timeoutMs ?? this.options.timeoutMs,
      graceMs: this.options.killGraceMs ?? DEFAULT_GRACE_MS,
      headBytes: this.options.outputHeadBytes,
      tailBytes: this.options.outputTailBytes,
      signal: options.signal,
      observer: options.observer,
    });
    this.running.add(tp);
    try {
      return await tp.result;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'EACCES') throw error;
      // spawn says ENOENT for a missing working directory as for a missing executable
      if (!isDirectory(cwd)) {
        if (options.cwd !== undefined) throw missingDirectory(cwd);
        if (this.neutralDir === cwd) removeTempDir(cwd);
        this.neutralDir = undefined;
        if (retry && !this.closed) return this.start(args, options, false);
      }
      throw new TpNotFoundError(this.options.tpPath, code === 'ENOENT' ? 'no such file' : 'not executable');
    } finally {
      this.running.delete(tp);
    }
  }
}

function missingDirectory(cwd: string): ToolError {
  return new ToolError(`Working directory ${cwd} does not exist or is not a directory.`);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Whose runs these are; createServer composes one SessionClient from it, once per session. */
export interface SessionScope {
  /** The session's lane of the process queue: its caller's, shared by the caller's sessions, or its own. */
  lane: object;
  /** The caller's own API key (`--auth tensorpool-key`), and what happens when TensorPool refuses it. */
  key?: { value: string; onRefused?: () => void };
}

/** How one tools/call runs tp. */
export interface CallScope {
  /** --dry-run, for a tool that changes something: every run reports its command and runs nothing. */
  dryRun: boolean;
  /** Stops the call's tp (the operation's signal) unless the handler passes its own. */
  signal?: AbortSignal;
  /** Told each run's command, as displayed, before it starts or is reported (operation_status shows it). */
  onStart?: (argv: string[]) => void;
  /** Hears the run's progress and output. */
  observer?: RunObserver;
}

/**
 * How one session runs tp: every run goes through the process's one runner (so process slots, time-outs and
 * shutdown stay one), in the session's lane, with the caller's own key where it has one. The call pipeline asks
 * it for each call's client (forCall), which adds the call's dry run, signal and observation.
 */
export class SessionClient implements TpClient {
  readonly redactor: Redactor;

  constructor(
    private readonly runner: TpRunner,
    private readonly scope: SessionScope,
  ) {
    // a caller's own key is masked like the server's, in everything this session returns or logs
    this.redactor = scope.key ? runner.redactor.including(scope.key.value) : runner.redactor;
  }

  get tpPath(): string {
    return this.runner.tpPath;
  }

  get hasApiKey(): boolean {
    return this.scope.key !== undefined || this.runner.hasApiKey;
  }

  get defaultTimeoutMs(): number {
    return this.runner.defaultTimeoutMs;
  }

  locateTp(): string | undefined {
    return this.runner.locateTp();
  }

  async run(args: readonly string[], options: RunOptions = {}): Promise<TpResult> {
    const { lane, key } = this.scope;
    const result = await this.runner.run(args, { ...options, lane, key: key?.value });
    if (key && keyRefused(result)) key.onRefused?.();
    return result;
  }

  /** The client one call's handler runs tp with. */
  forCall(call: CallScope): TpClient {
    const run: TpClient['run'] = (args, options = {}) => {
      const argv = displayedArgv(this.tpPath, args, this.redactor);
      call.onStart?.(argv);
      if (call.dryRun) return Promise.resolve(dryRunResult(argv, options.cwd));
      return this.run(args, {
        ...options,
        signal: options.signal ?? call.signal,
        observer: options.observer ?? call.observer,
      });
    };
    return {
      tpPath: this.tpPath,
      locateTp: () => this.locateTp(),
      hasApiKey: this.hasApiKey,
      redactor: this.redactor,
      defaultTimeoutMs: this.defaultTimeoutMs,
      run,
    };
  }
}

/** What a dry run returns in place of running tp: the exact command it would have run. Nothing reaches TensorPool. */
function dryRunResult(argv: string[], cwd: string | undefined): TpResult {
  const where = cwd ? `\n(in ${cwd})` : '';
  return {
    argv,
    exitCode: 0,
    signal: null,
    stdout: `Dry run: nothing was run. Without --dry-run the server would run:\n${shellQuote(argv)}${where}\n`,
    stderr: '',
    durationMs: 0,
    timedOut: false,
    cancelled: false,
    truncated: false,
    dryRun: true,
  };
}

/**
 * tp's health check refused the key (tp-cli.md §3): exit 1 with the engine's answer right after the
 * first line, before the command ran. The whole start is matched, so a job's own output that happens
 * to say the same words later on is not taken for it.
 */
export function keyRefused(result: Pick<TpResult, 'exitCode' | 'stdout'>): boolean {
  return result.exitCode === 1 && /^\* Authenticating\.\.\.\r?\nInvalid API key\r?\n?$/.test(result.stdout);
}
