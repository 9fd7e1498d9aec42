import { shellQuote } from '../shell-quote.js';
import { displayedArgv } from './argv.js';
import type { Redactor } from './redact.js';
import type { RunObserver, RunOptions, TpClient, TpResult, TpRunner } from './runner.js';

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
