/** How many costly checks one client address may start: a burst, then a steady rate. */
export interface BudgetOptions {
  burst: number;
  perMinute: number;
  now: () => number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Bounds the table against a flood from many addresses; a full bucket is the same as none. */
const MAX_ADDRESSES = 10_000;

/**
 * A token bucket per client address. An address that has spent its burst gets one more check every
 * 60/perMinute seconds, so a flood from one address costs a few checks a minute, whatever its rate.
 */
export class AddressBudget {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly options: BudgetOptions) {}

  /** Takes one check from `address`'s budget; false, and the seconds until the next one, when it has none. */
  take(address: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const bucket = this.refilled(address);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    const msPerToken = 60_000 / this.options.perMinute;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(((1 - bucket.tokens) * msPerToken) / 1000)) };
  }

  private refilled(address: string): Bucket {
    const now = this.options.now();
    const bucket = this.buckets.get(address);
    if (!bucket) {
      if (this.buckets.size >= MAX_ADDRESSES) this.evict(now);
      const fresh = { tokens: this.options.burst, updatedAt: now };
      this.buckets.set(address, fresh);
      return fresh;
    }
    bucket.tokens = Math.min(
      this.options.burst,
      bucket.tokens + ((now - bucket.updatedAt) * this.options.perMinute) / 60_000,
    );
    bucket.updatedAt = now;
    return bucket;
  }

  /** Drops the buckets that have filled up again; if none has, the one touched longest ago. */
  private evict(now: number): void {
    for (const [address, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.updatedAt) * this.options.perMinute) / 60_000 >= this.options.burst)
        this.buckets.delete(address);
    }
    if (this.buckets.size < MAX_ADDRESSES) return;
    let oldest: string | undefined;
    let oldestAt = Infinity;
    for (const [address, bucket] of this.buckets) {
      if (bucket.updatedAt < oldestAt) [oldest, oldestAt] = [address, bucket.updatedAt];
    }
    if (oldest !== undefined) this.buckets.delete(oldest);
  }
}
