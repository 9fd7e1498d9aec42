import { openSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, removeTempDir } from '../temp-dirs.js';
import { ToolError } from '../errors.js';
import { systemClock, type Clock, type Timer } from './clock.js';
import { Operation } from './operation.js';
import { SpoolSpace, type SpoolFile, type SpoolLimits } from './output-spool.js';

export interface OperationStoreOptions {
  /** How long a finished operation stays readable. */
  ttlMs: number;
  /** Most finished operations kept per session; the oldest go first. */
  maxFinished: number;
  /** Most bytes one operation's spool file holds; past it the middle is cut. */
  maxOutputBytes: number;
  /** The disk all spool files of the process share; default: room for this store alone. */
  spoolSpace: SpoolSpace;
  clock: Clock;
}

const DEFAULT_MAX_FINISHED = 50;
/** A finished operation is swept a little after its TTL, so the sweep never lands just before it expires. */
const SWEEP_SLACK_MS = 100;

/**
 * The operations of one session (an HTTP session, or the stdio process): invisible to other sessions,
 * and all of them stopped, with their spool files deleted, when the session ends.
 */
export class OperationStore {
  private readonly operations = new Map<string, Operation>();
  private dir: string | undefined;
  private disposed = false;
  /** One timer for the whole store: it fires when the oldest finished operation expires. */
  private sweep: Timer | undefined;
  private readonly options: OperationStoreOptions;
  private readonly spoolLimits: SpoolLimits;

  /** `ttlMs` and `maxOutputBytes` are the operator's (Config); the rest has a default. */
  constructor(options: Pick<OperationStoreOptions, 'ttlMs' | 'maxOutputBytes'> & Partial<OperationStoreOptions>) {
    this.options = {
      ttlMs: options.ttlMs,
      maxFinished: options.maxFinished ?? DEFAULT_MAX_FINISHED,
      maxOutputBytes: options.maxOutputBytes,
      spoolSpace: options.spoolSpace ?? SpoolSpace.forOperations(options.maxOutputBytes),
      clock: options.clock ?? systemClock,
    };
    this.spoolLimits = { fileBytes: this.options.maxOutputBytes, space: this.options.spoolSpace };
  }

  start(tool: string, argsSummary: string): Operation {
    if (this.disposed) throw new ToolError('This session has ended; nothing was started.');
    this.evict();
    const operation = new Operation(tool, argsSummary, {
      openSpool: (id) => this.openSpool(id),
      spoolLimits: this.spoolLimits,
      clock: this.options.clock,
    });
    this.operations.set(operation.id, operation);
    // an idle session must not keep a finished operation's output past its time
    operation.onFinished = () => this.scheduleSweep();
    return operation;
  }

  get(id: string): Operation | undefined {
    this.evict();
    return this.operations.get(id);
  }

  list(): Operation[] {
    this.evict();
    return [...this.operations.values()];
  }

  /** Stops every running operation and deletes every spool file. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.sweep?.clear();
    this.sweep = undefined;
    const running = [...this.operations.values()].filter((operation) => !operation.finished);
    for (const operation of running) operation.cancel();
    await Promise.all(running.map((operation) => operation.done));
    for (const operation of this.operations.values()) operation.discardOutput();
    this.operations.clear();
    if (this.dir) removeTempDir(this.dir);
    this.dir = undefined;
  }

  /**
   * A private file for an operation whose output outgrew memory. The 0700 directory (other local
   * users cannot read what tp printed) is made on first need: most sessions never need one.
   */
  private openSpool(id: string): SpoolFile {
    this.dir ??= makeTempDir('ops');
    try {
      return this.openIn(this.dir, id);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      // a temp cleaner removed the directory of a long-idle session
      removeTempDir(this.dir);
      this.dir = makeTempDir('ops');
      return this.openIn(this.dir, id);
    }
  }

  private openIn(dir: string, id: string): SpoolFile {
    const path = join(dir, `${id}.log`);
    // not 'a': with O_APPEND a write at a position lands at the end, and a full file rewrites its end in place
    return { fd: openSync(path, 'w', 0o600), path };
  }

  private scheduleSweep(): void {
    if (this.sweep || this.disposed) return;
    let oldest = Infinity;
    for (const operation of this.operations.values()) {
      if (operation.finishedAt) oldest = Math.min(oldest, operation.finishedAt.getTime());
    }
    if (oldest === Infinity) return;
    const due = oldest + this.options.ttlMs + SWEEP_SLACK_MS - this.options.clock.now();
    this.sweep = this.options.clock.setTimeout(
      () => {
        this.sweep = undefined;
        this.evict();
        this.scheduleSweep();
      },
      Math.max(0, due),
    );
    this.sweep.unref();
  }

  private evict(): void {
    const now = this.options.clock.now();
    const finished = [...this.operations.values()].filter((operation) => operation.finished);
    const excess = finished.length - this.options.maxFinished;
    finished.forEach((operation, index) => {
      if (index < excess || now - operation.finishedAt!.getTime() > this.options.ttlMs) this.remove(operation);
    });
  }

  private remove(operation: Operation): void {
    operation.discardOutput();
    this.operations.delete(operation.id);
  }
}
