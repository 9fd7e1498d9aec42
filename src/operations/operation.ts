import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { RunObserver } from '../tp/runner.js';

export type OperationStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** What a listener hears: output as it comes, the queue position, and the end. */
export type OperationEvent = { kind: 'output'; text: string } | { kind: 'queued'; position: number } | { kind: 'finished' };

/** Unread output kept for operation_status, whatever the process prints. */
const UNREAD_LIMIT = 256 * 1024;

/**
 * One tool call that runs tp: its output goes to a private spool file (the full text, secrets
 * masked) and to listeners (progress notifications); it can outlive the request that started it.
 */
export class Operation {
  readonly id = `op_${randomBytes(6).toString('hex')}`;
  readonly startedAt = new Date();
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
  private unread = '';
  private unreadDropped = 0;
  private fd: number | undefined;
  private spoolBytes = 0;
  private readonly listeners = new Set<(event: OperationEvent) => void>();
  /** The queue position while tp waits for a slot, so a listener that comes late still hears it. */
  private queuedAt: number | undefined;

  readonly spoolPath: string;

  constructor(
    readonly tool: string,
    readonly argsSummary: string,
    spoolPathFor: (id: string) => string,
  ) {
    this.spoolPath = spoolPathFor(this.id);
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
    return this.spoolBytes;
  }

  get durationMs(): number {
    return (this.finishedAt ?? new Date()).getTime() - this.startedAt.getTime();
  }

  subscribe(listener: (event: OperationEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.queuedAt !== undefined) listener({ kind: 'queued', position: this.queuedAt });
    return () => this.listeners.delete(listener);
  }

  /** Output since the previous call, and how many bytes of it were dropped to keep memory bounded. */
  takeUnread(): { text: string; droppedBytes: number } {
    const taken = { text: this.unread, droppedBytes: this.unreadDropped };
    this.unread = '';
    this.unreadDropped = 0;
    return taken;
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
    this.finishedAt = new Date();
    this.closeSpool();
    this.emit({ kind: 'finished' });
    this.markDone();
    this.onFinished?.();
  }

  closeSpool(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private append(text: string): void {
    // synchronous writes: the spool never buffers in memory, however fast tp prints
    this.fd ??= openSync(this.spoolPath, 'a', 0o600);
    const bytes = Buffer.from(text);
    writeSync(this.fd, bytes);
    this.spoolBytes += bytes.length;
    this.unread += text;
    if (this.unread.length > UNREAD_LIMIT) {
      const cut = this.unread.length - UNREAD_LIMIT;
      this.unreadDropped += Buffer.byteLength(this.unread.slice(0, cut));
      this.unread = this.unread.slice(cut);
    }
    this.emit({ kind: 'output', text });
  }

  private emit(event: OperationEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
