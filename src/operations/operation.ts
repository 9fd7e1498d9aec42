import { randomUUID } from 'node:crypto';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { fence } from '../shape/fence.js';
import type { RunObserver } from '../tp/runner.js';
import { systemClock, type Clock } from './clock.js';
import { OutputSpool, type OutputPage, type SpoolFile, type SpoolLimits } from './output-spool.js';
import { UnreadOutput } from './unread-output.js';

export type OperationStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** What a listener hears: output as it comes, the queue position, and the end. */
export type OperationEvent =
  | { kind: 'output'; text: string }
  | { kind: 'queued'; position: number }
  | { kind: 'finished' };

export interface OperationOptions {
  /** Opens the file its output moves to once it outgrows memory. */
  openSpool: (id: string) => SpoolFile;
  /** How much of its output memory and the file may hold. */
  spoolLimits: SpoolLimits;
  clock?: Clock;
}

/**
 * 12 hex digits (48 random bits) from randomUUID, which draws from a cached pool instead of a system call each time.
 */
function newId(): string {
  return `op_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

/**
 * One tool call that runs tp: its output is kept whole (secrets masked) for the output resource and
 * goes to listeners (progress notifications); it can outlive the request that started it.
 */
export class Operation {
  readonly id = newId();
  readonly startedAt: Date;
  readonly controller = new AbortController();
  status: OperationStatus = 'running';
  finishedAt?: Date;
  result?: CallToolResult;
  /** The tp command it ran, once it ran one. */
  argv?: string[];
  /** Returned as a handle: it now belongs to operation_status, not to the request. */
  detached = false;
  readonly done: Promise<void>;
  /** Called once when it finishes (the store schedules its removal). */
  onFinished?: () => void;

  private markDone!: () => void;
  private readonly spool: OutputSpool;
  private readonly unread: UnreadOutput;
  private readonly clock: Clock;
  private readonly listeners = new Set<(event: OperationEvent) => void>();
  /** The queue position while tp waits for a slot, so a listener that comes late still hears it. */
  private queuedAt: number | undefined;

  constructor(
    readonly tool: string,
    readonly argsSummary: string,
    options: OperationOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.startedAt = new Date(this.clock.now());
    this.spool = new OutputSpool(() => options.openSpool(this.id), options.spoolLimits);
    this.unread = new UnreadOutput(this.spool);
    this.done = new Promise((resolve) => (this.markDone = resolve));
  }

  /** The runner reports through this; every text is already redacted. */
  readonly observer: RunObserver = {
    queued: (position) => {
      this.queuedAt = position;
      this.emit({ kind: 'queued', position });
    },
    started: () => {
      this.queuedAt = undefined;
    },
    output: (text) => this.append(text),
  };

  get finished(): boolean {
    return this.status !== 'running';
  }

  get outputBytes(): number {
    return this.spool.size;
  }

  get durationMs(): number {
    return (this.finishedAt?.getTime() ?? this.clock.now()) - this.startedAt.getTime();
  }

  /**
   * What it printed so far, secrets masked: at most `limit` bytes from byte `offset` on, and where the rest goes on.
   */
  readOutput(offset: number, limit: number): Promise<OutputPage> {
    return this.spool.page(offset, limit);
  }

  subscribe(listener: (event: OperationEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.queuedAt !== undefined) listener({ kind: 'queued', position: this.queuedAt });
    return () => this.listeners.delete(listener);
  }

  /** Output since the previous call, and how many bytes of it were dropped to keep memory bounded. */
  takeUnread(): { text: string; droppedBytes: number } {
    return this.unread.take();
  }

  cancel(): void {
    this.controller.abort();
  }

  /** Records the result; the status follows what happened to tp, not whether someone asked to cancel too late. */
  finish(result: CallToolResult): void {
    if (this.finished) return;
    this.result = result;
    const structured = result.structuredContent as { cancelled?: boolean } | undefined;
    const cancelled = structured?.cancelled ?? (result.isError === true && this.controller.signal.aborted);
    this.status = cancelled ? 'cancelled' : result.isError ? 'failed' : 'succeeded';
    this.finishedAt = new Date(this.clock.now());
    this.spool.close();
    this.emit({ kind: 'finished' });
    this.markDone();
    this.onFinished?.();
  }

  /** Forgets its output and deletes the file that held it (the store drops the operation). */
  discardOutput(): void {
    this.spool.remove();
  }

  private append(text: string): void {
    this.spool.append(text);
    this.emit({ kind: 'output', text });
  }

  private emit(event: OperationEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

export function outputUri(operation: Operation): string {
  return `tensorpool-mcp://operations/${operation.id}/output`;
}

/** The resource_link to an operation's full output, while the operation is kept. */
function outputLink(operation: Operation) {
  return {
    type: 'resource_link' as const,
    uri: outputUri(operation),
    name: `${operation.tool} output`,
    description: `Everything tp printed for operation ${operation.id} (secrets masked)`,
    mimeType: 'text/plain',
  };
}

/** A finished call's own result; when its output was cut, plus a link to the whole of it. */
export function withOutputLink(operation: Operation): CallToolResult {
  const result = operation.result!;
  const truncated = (result.structuredContent as { truncated?: boolean } | undefined)?.truncated;
  if (!truncated || operation.outputBytes === 0) return result;
  return { ...result, content: [...result.content, outputLink(operation)] };
}

const TAIL_CHARACTERS = 4000;

/**
 * The answer for a call that outlived the sync budget: where to follow it, and the end of what it
 * printed so far. That output counts as read, so operation_status goes on from there instead of
 * showing it again; it is fenced, since it can be a user's job talking.
 */
export function handleResult(operation: Operation): CallToolResult {
  const seconds = Math.round(operation.durationMs / 1000);
  const tail = operation.takeUnread().text.slice(-TAIL_CHARACTERS);
  const text =
    `${operation.tool} is still running after ${seconds} s and goes on in the background as operation ` +
    `${operation.id}. ` +
    `Call operation_status with operation_id "${operation.id}" (and wait_seconds up to 50) to follow it and get its ` +
    `result; operation_cancel stops it.` +
    (tail
      ? `\n\nOutput so far (tail):\n${operation.tool.startsWith('job_') ? fence(tail, 'operation output') : tail}`
      : '');
  return {
    content: [{ type: 'text', text }, outputLink(operation)],
    structuredContent: {
      ok: false,
      exit_code: null,
      signal: null,
      stdout: tail,
      stderr: '',
      duration_ms: operation.durationMs,
      timed_out: false,
      cancelled: false,
      truncated: false,
      argv: operation.argv ?? [],
      dry_run: false,
      operation: { id: operation.id, status: operation.status },
    },
  };
}
