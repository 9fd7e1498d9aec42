import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, removeTempDir } from '../temp-dirs.js';
import { ToolError } from '../errors.js';
import { Operation } from './operation.js';

export interface OperationStoreOptions {
  /** How long a finished operation stays readable. */
  ttlMs: number;
  /** Most finished operations kept per session; the oldest go first. */
  maxFinished: number;
}

export const DEFAULT_OPERATION_TTL_MS = 10 * 60_000;
const DEFAULT_MAX_FINISHED = 50;

/**
 * The operations of one session (an HTTP session, or the stdio process): invisible to other sessions,
 * and all of them stopped, with their spool files deleted, when the session ends.
 */
export class OperationStore {
  private readonly operations = new Map<string, Operation>();
  private dir: string | undefined;
  private disposed = false;
  private readonly options: OperationStoreOptions;

  constructor(options: Partial<OperationStoreOptions> = {}) {
    this.options = { ttlMs: options.ttlMs ?? DEFAULT_OPERATION_TTL_MS, maxFinished: options.maxFinished ?? DEFAULT_MAX_FINISHED };
  }

  start(tool: string, argsSummary: string): Operation {
    if (this.disposed) throw new ToolError('This session has ended; nothing was started.');
    this.evict();
    // 0700 by mkdtemp: other local users cannot read what tp printed
    this.dir ??= makeTempDir('ops');
    const operation = new Operation(tool, argsSummary, (id) => join(this.dir!, `${id}.log`));
    this.operations.set(operation.id, operation);
    // an idle session must not keep a finished operation's output past its time
    operation.onFinished = () => setTimeout(() => this.evict(), this.options.ttlMs + 100).unref();
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
    const running = [...this.operations.values()].filter((operation) => !operation.finished);
    for (const operation of running) operation.cancel();
    await Promise.all(running.map((operation) => operation.done));
    for (const operation of this.operations.values()) operation.closeSpool();
    this.operations.clear();
    if (this.dir) removeTempDir(this.dir);
    this.dir = undefined;
  }

  private evict(): void {
    const now = Date.now();
    const finished = [...this.operations.values()].filter((operation) => operation.finished);
    const excess = finished.length - this.options.maxFinished;
    finished.forEach((operation, index) => {
      if (index < excess || now - operation.finishedAt!.getTime() > this.options.ttlMs) this.remove(operation);
    });
  }

  private remove(operation: Operation): void {
    operation.closeSpool();
    rmSync(operation.spoolPath, { force: true });
    this.operations.delete(operation.id);
  }
}
