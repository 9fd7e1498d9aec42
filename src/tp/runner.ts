import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { makeTempDir, removeTempDir } from '../temp-dirs.js';
import { StringDecoder } from 'node:string_decoder';
import spawn from 'cross-spawn';
import { BoundedOutput } from './bounded-output.js';
import { apiKeyFrom, childEnvironment, type Env } from './environment.js';
import { NoApiKeyError, ToolError, TpNotFoundError } from '../errors.js';
import { groupSpawnOptions, ProcessGroup } from './process-group.js';
import { Redactor } from './redact.js';
import { Slots } from './slots.js';
import { StreamRedactor } from './stream-redactor.js';

export interface TpRunnerOptions {
  /** Executable to run: a name looked up on PATH or a path. */
  tpPath: string;
  /** The server's environment (after .env loading); the child's is derived from it. */
  env: Env;
  /** Default limit for one call. */
  timeoutMs: number;
  /** Time between SIGTERM and SIGKILL. */
  killGraceMs?: number;
  /** Bytes kept from the start and from the end of each of stdout and stderr. */
  outputHeadBytes?: number;
  outputTailBytes?: number;
  /** Most tp processes at once; further calls wait in order. Default 4. */
  maxProcesses?: number;
}

/** Hears about one run as it happens; every text it gets is already redacted. */
export interface RunObserver {
  /** Waiting for a free slot: 1 is next. */
  queued?(position: number): void;
  started?(): void;
  output?(text: string, stream: 'stdout' | 'stderr'): void;
}

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
   * The API key for this call instead of the server's (`--auth tensorpool-key`: the session's own).
   * Only this call's child gets it, and everything the call returns masks it.
   */
  key?: string;
}

export interface TpResult {
  /** What ran, as `tp` plus its arguments (secrets masked). */
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

/** What tools may use of a runner; --dry-run substitutes another implementation. */
export type TpClient = Pick<TpRunner, 'run' | 'hasApiKey' | 'tpPath' | 'redactor' | 'defaultTimeoutMs'>;

/** `client` with another `run` in front: dry runs and operations wrap the runner this way. */
export function withRun(client: TpClient, run: TpClient['run']): TpClient {
  return { tpPath: client.tpPath, hasApiKey: client.hasApiKey, redactor: client.redactor, defaultTimeoutMs: client.defaultTimeoutMs, run };
}

const DEFAULT_GRACE_MS = 3000;
const DEFAULT_HEAD_BYTES = 128 * 1024;
const DEFAULT_TAIL_BYTES = 128 * 1024;
const DEFAULT_MAX_PROCESSES = 4;

/** The one place that starts `tp`: argv array, no shell, stdin from /dev/null, own process group. */
export class TpRunner {
  readonly redactor: Redactor;
  private readonly childEnv: Env;
  private readonly running = new Set<Promise<TpResult>>();
  private readonly groups = new Set<ProcessGroup>();
  private neutralDir: string | undefined;
  private closed = false;
  private readonly slots: Slots;

  constructor(private readonly options: TpRunnerOptions) {
    // a relative path would otherwise resolve against each call's working directory
    if (options.tpPath.includes('/') && !isAbsolute(options.tpPath)) this.options = { ...options, tpPath: resolve(options.tpPath) };
    this.childEnv = childEnvironment(options.env);
    this.redactor = new Redactor([options.env.TENSORPOOL_KEY, options.env.TENSORPOOL_API_KEY]);
    this.slots = new Slots(options.maxProcesses ?? DEFAULT_MAX_PROCESSES);
  }

  get tpPath(): string {
    return this.options.tpPath;
  }

  /** The limit of a call that sets none. */
  get defaultTimeoutMs(): number {
    return this.options.timeoutMs;
  }

  get hasApiKey(): boolean {
    return apiKeyFrom(this.options.env) !== undefined;
  }

  get runningCount(): number {
    return this.running.size;
  }

  async run(args: readonly string[], options: RunOptions = {}): Promise<TpResult> {
    if (this.closed) throw new ToolError('The server is shutting down; tp was not started.');
    if ((options.requiresKey ?? true) && !options.key && !this.hasApiKey) throw new NoApiKeyError();
    if (options.signal?.aborted) throw new ToolError('The call was cancelled before tp started.');
    const cwd = options.cwd ?? this.neutralCwd();
    if (!isDirectory(cwd)) throw new ToolError(`Working directory ${cwd} does not exist or is not a directory.`);
    const release = options.queued === false ? () => {} : await this.slots.acquire(options.signal, options.observer?.queued?.bind(options.observer));
    if (this.closed) {
      release();
      throw new ToolError('The server is shutting down; tp was not started.');
    }
    const call = this.spawnAndCollect(args, cwd, options);
    this.running.add(call);
    try {
      return await call;
    } finally {
      this.running.delete(call);
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
    await Promise.all([...this.groups].map((group) => group.terminate(this.graceMs)));
    await Promise.allSettled([...this.running]);
    if (this.neutralDir) removeTempDir(this.neutralDir);
    this.neutralDir = undefined;
  }

  private get graceMs(): number {
    return this.options.killGraceMs ?? DEFAULT_GRACE_MS;
  }

  private neutralCwd(): string {
    // temp cleaners may remove a directory that sat unused for days
    if (!this.neutralDir || !isDirectory(this.neutralDir)) this.neutralDir = makeTempDir('cwd');
    return this.neutralDir;
  }

  private spawnAndCollect(args: readonly string[], cwd: string, options: RunOptions): Promise<TpResult> {
    const started = performance.now();
    const redactor = options.key ? this.redactor.including(options.key) : this.redactor;
    const stdout = new BoundedOutput(this.headBytes, this.tailBytes);
    const stderr = new BoundedOutput(this.headBytes, this.tailBytes);
    const child = spawn(this.options.tpPath, [...args], {
      cwd,
      env: options.key ? { ...this.childEnv, TENSORPOOL_KEY: options.key } : this.childEnv,
      // our own stdin is the MCP stream in stdio mode; tp must never read it or wait on it
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      ...groupSpawnOptions,
    });
    const group = new ProcessGroup(child);
    this.groups.add(group);
    options.observer?.started?.();

    return new Promise<TpResult>((resolve, reject) => {
      let timedOut = false;
      let cancelled = false;
      let exitCode: number | null = null;
      let exitSignal: string | null = null;
      let exited = false;
      let settled = false;
      let stopping: Promise<void> | undefined;

      const stop = (): Promise<void> => (stopping ??= group.terminate(this.graceMs));
      // once tp has exited its result stands: a late timeout or cancel must not turn a success into a failure
      const timer = setTimeout(() => {
        if (exited) return;
        timedOut = true;
        void stop();
      }, options.timeoutMs ?? this.options.timeoutMs);
      const onAbort = (): void => {
        if (exited) return;
        cancelled = true;
        void stop();
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });

      const cleanUp = (): void => {
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.groups.delete(group);
      };

      const relay = (stream: 'stdout' | 'stderr') => {
        const observer = options.observer;
        if (!observer?.output) return { push: () => {}, end: () => {} };
        const decoder = new StringDecoder('utf8');
        const streamRedactor = new StreamRedactor(redactor);
        return {
          push: (chunk: Buffer) => {
            const text = streamRedactor.push(decoder.write(chunk));
            if (text) observer.output!(text, stream);
          },
          end: () => {
            const text = streamRedactor.push(decoder.end()) + streamRedactor.end();
            if (text) observer.output!(text, stream);
          },
        };
      };
      const relayOut = relay('stdout');
      const relayErr = relay('stderr');
      child.stdout!.on('data', (chunk: Buffer) => {
        stdout.push(chunk);
        relayOut.push(chunk);
      });
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr.push(chunk);
        relayErr.push(chunk);
      });

      child.on('error', (error: NodeJS.ErrnoException) => {
        if (settled) return;
        cleanUp();
        if (error.code === 'ENOENT' || error.code === 'EACCES') {
          reject(new TpNotFoundError(this.options.tpPath, error.code === 'ENOENT' ? 'no such file' : 'not executable'));
        } else reject(error);
      });

      child.on('exit', (code, signal) => {
        exited = true;
        exitCode = code;
        exitSignal = signal;
        // tp is gone, but commands it started may still hold the group (and our pipes)
        void stop().then(() => {
          // a descendant that left the group can keep the pipes open: do not wait for it forever
          setTimeout(() => {
            child.stdout?.destroy();
            child.stderr?.destroy();
            finish();
          }, 1000).unref();
        });
      });

      const finish = (): void => {
        if (settled) return;
        relayOut.end();
        relayErr.end();
        cleanUp();
        resolve({
          argv: ['tp', ...args].map((arg) => redactor.redact(arg)),
          exitCode,
          signal: exitSignal,
          stdout: stdout.render(redactor),
          stderr: stderr.render(redactor),
          durationMs: Math.round(performance.now() - started),
          timedOut,
          cancelled,
          truncated: stdout.truncated || stderr.truncated,
        });
      };
      child.on('close', () => {
        // 'close' can precede the group's cleanup; results wait until no descendant is left
        void stop().then(finish);
      });
    });
  }

  private get headBytes(): number {
    return this.options.outputHeadBytes ?? DEFAULT_HEAD_BYTES;
  }

  private get tailBytes(): number {
    return this.options.outputTailBytes ?? DEFAULT_TAIL_BYTES;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
