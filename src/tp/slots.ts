import { ToolError } from '../errors.js';

/** Hears its place in the queue while it waits: 1 is next. */
export interface QueueListener {
  queued?(position: number): void;
}

export interface SlotsOptions {
  /** Most callers one lane may have waiting; one more is refused at once. Default: no limit. */
  maxWaitingPerLane?: number;
  /** What a caller refused by maxWaitingPerLane is told. */
  fullMessage?: (waiting: number) => string;
  /** What a caller that gave up while it waited is told. */
  cancelledMessage?: string;
}

interface Waiter {
  lane: Lane;
  grant: () => void;
  reject: (error: Error) => void;
  listener: QueueListener | undefined;
  /** The position it was last told, so an unchanged one is not told again. */
  told: number;
}

/** The callers of one lane (one session) that wait, in arrival order. */
interface Lane {
  key: object;
  waiters: Waiter[];
}

/** The lane of callers that name none. */
const SHARED_LANE = {};

/**
 * At most `limit` holders at once. Further callers wait in lanes (one per session): within a lane
 * in arrival order, across lanes by turns, the lane served longest ago first, so a session with a
 * hundred calls waiting cannot make another session's one call wait behind all of them. Waiters
 * hear their place as it changes, can leave by aborting, and a lane may have only so many waiting.
 */
export class Slots {
  private active = 0;
  private waitingCount = 0;
  /** Lanes with callers waiting, the one to serve next first. */
  private readonly turns: Lane[] = [];
  private readonly lanes = new Map<object, Lane>();
  /** When each lane was last served (a count of grants); weak, so a session that ended leaves nothing behind. */
  private readonly served = new WeakMap<object, number>();
  private grants = 0;
  private readonly maxWaitingPerLane: number;

  constructor(
    private readonly limit: number,
    private readonly options: SlotsOptions = {},
  ) {
    this.maxWaitingPerLane = options.maxWaitingPerLane ?? Infinity;
  }

  /** Callers waiting, in every lane. */
  get waiting(): number {
    return this.waitingCount;
  }

  /** Callers waiting in `lane`. */
  waitingIn(lane: object): number {
    return this.lanes.get(lane)?.waiters.length ?? 0;
  }

  /**
   * Resolves with a release function once a slot is free; rejects at once when `lane` already has
   * its most callers waiting, and when `signal` aborts before a slot came.
   */
  acquire(lane: object = SHARED_LANE, signal?: AbortSignal, listener?: QueueListener): Promise<() => void> {
    if (this.active < this.limit && this.waitingCount === 0) {
      this.served.set(lane, ++this.grants);
      return Promise.resolve(this.take());
    }
    return this.wait(lane, signal, listener);
  }

  /** Turns every waiter away (server shutdown). */
  rejectAll(error: Error): void {
    const waiters = this.turns.flatMap((lane) => lane.waiters);
    this.turns.length = 0;
    this.lanes.clear();
    this.waitingCount = 0;
    for (const waiter of waiters) waiter.reject(error);
  }

  private wait(key: object, signal: AbortSignal | undefined, listener: QueueListener | undefined): Promise<() => void> {
    const waiting = this.lanes.get(key)?.waiters.length ?? 0;
    if (waiting >= this.maxWaitingPerLane) {
      return Promise.reject(
        new ToolError(this.options.fullMessage?.(waiting) ?? `${waiting} callers of this session are waiting already.`),
      );
    }
    const lane = this.lanes.get(key) ?? this.newLane(key);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.leave(waiter);
        reject(new ToolError(this.options.cancelledMessage ?? 'Cancelled while waiting for a free slot.'));
      };
      const waiter: Waiter = {
        lane,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.take());
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
        listener,
        told: 0,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      lane.waiters.push(waiter);
      this.waitingCount++;
      this.announce();
    });
  }

  /** A lane gets its turn by when it was last served: one served never, or long ago, goes before those just served. */
  private newLane(key: object): Lane {
    const lane: Lane = { key, waiters: [] };
    this.lanes.set(key, lane);
    const last = this.served.get(key) ?? 0;
    let index = this.turns.length;
    while (index > 0 && (this.served.get(this.turns[index - 1]!.key) ?? 0) > last) index--;
    this.turns.splice(index, 0, lane);
    return lane;
  }

  private take(): () => void {
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.next();
    };
  }

  /** Hands the free slot to the first waiter of the lane whose turn it is; that lane goes to the back. */
  private next(): void {
    const lane = this.turns.shift();
    if (!lane) return;
    const waiter = lane.waiters.shift()!;
    this.waitingCount--;
    this.served.set(lane.key, ++this.grants);
    if (lane.waiters.length > 0) this.turns.push(lane);
    else this.lanes.delete(lane.key);
    waiter.grant();
    this.announce();
  }

  private leave(waiter: Waiter): void {
    const { lane } = waiter;
    const index = lane.waiters.indexOf(waiter);
    if (index < 0) return;
    lane.waiters.splice(index, 1);
    this.waitingCount--;
    if (lane.waiters.length === 0) {
      this.lanes.delete(lane.key);
      this.turns.splice(this.turns.indexOf(lane), 1);
    }
    this.announce();
  }

  /**
   * Tells each waiter whose place changed its new one. Lanes take turns, so the order is by rounds:
   * the first waiter of every lane in turn order, then the second of every lane that has one, and so on.
   */
  private announce(): void {
    let position = 0;
    for (let round = 0, more = true; more; round++) {
      more = false;
      for (const lane of this.turns) {
        const waiter = lane.waiters[round];
        if (!waiter) continue;
        more = true;
        position++;
        if (waiter.told === position) continue;
        waiter.told = position;
        waiter.listener?.queued?.(position);
      }
    }
  }
}
