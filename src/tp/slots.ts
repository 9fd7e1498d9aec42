import { ToolError } from '../errors.js';

interface Waiter {
  grant: () => void;
  reject: (error: Error) => void;
  onPosition?: (position: number) => void;
}

/**
 * At most `limit` holders at once; further callers wait in arrival order, hear their place in
 * the queue as it changes, and can leave it by aborting.
 */
export class Slots {
  private active = 0;
  private readonly queue: Waiter[] = [];

  constructor(private readonly limit: number) {}

  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves with a release function once a slot is free. */
  acquire(signal?: AbortSignal, onPosition?: (position: number) => void): Promise<() => void> {
    if (this.active < this.limit && this.queue.length === 0) return Promise.resolve(this.take());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.take());
        },
        reject,
        onPosition,
      };
      const onAbort = () => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        this.announce();
        reject(new ToolError('The call was cancelled while it waited for a free tp slot; tp never started.'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      onPosition?.(this.queue.length);
    });
  }

  /** Turns every waiter away (server shutdown). */
  rejectAll(error: Error): void {
    for (const waiter of this.queue.splice(0)) waiter.reject(error);
  }

  private take(): () => void {
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.queue.shift()?.grant();
      this.announce();
    };
  }

  private announce(): void {
    this.queue.forEach((waiter, index) => waiter.onPosition?.(index + 1));
  }
}
