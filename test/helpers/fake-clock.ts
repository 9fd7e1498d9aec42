import type { Clock, Timer } from '../../src/operations/clock.js';

interface Pending {
  at: number;
  order: number;
  callback: () => void;
}

/** A clock that moves only when a test says so: timers fire in order of due time, then of creation. */
export class FakeClock implements Clock {
  private time: number;
  private order = 0;
  private readonly timers = new Set<Pending>();

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): Timer {
    const pending: Pending = { at: this.time + Math.max(0, ms), order: this.order++, callback };
    this.timers.add(pending);
    return { clear: () => void this.timers.delete(pending), unref: () => {} };
  }

  /** Timers waiting to fire. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way (also those set meanwhile). */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      const next = [...this.timers].filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!next) break;
      this.timers.delete(next);
      this.time = next.at;
      next.callback();
    }
    this.time = target;
  }
}
