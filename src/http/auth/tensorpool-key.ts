import { AuthRefusal } from '../../errors.js';
import { checkKey } from '../../tp/key-check.js';
import type { TpRunner } from '../../tp/runner.js';
import { Slots } from '../../tp/slots.js';
import { AddressBudget } from './address-budget.js';
import type { Authenticator } from './authenticator.js';
import { sha256, type Caller } from './caller.js';

/** What checking a key found: TensorPool took it, refused it, or could not be asked. */
export type KeyVerdict = { valid: true } | { valid: false } | { unavailable: string };

/** Asks TensorPool whether `key` is a working API key; never logs or returns the key. */
export type KeyVerifier = (key: string) => Promise<KeyVerdict>;

export interface TensorPoolKeyOptions {
  /**
   * How long a key that worked is taken as good; a request after that checks it again (and ends its sessions if
   * refused). Default 5 minutes.
   */
  validTtlMs?: number;
  /**
   * How long a refused key is refused without asking again: a flood of one bad key runs tp once. Default 10 minutes.
   */
  rejectedTtlMs?: number;
  /**
   * Most keys being checked at once (a `tp me` mostly waits on the network); further checks wait, client addresses
   * taking turns. Default 8.
   */
  maxPending?: number;
  /** Most checks waiting in all; past it the server is full and answers 503. Default 32. */
  maxWaiting?: number;
  /**
   * Checks of unknown keys one client address may start: a burst, then so many a minute; past it 429. Default 10 and
   * 10.
   */
  addressBurst?: number;
  addressChecksPerMinute?: number;
  now?: () => number;
  /**
   * Hears why a key could not be checked (tp missing, TensorPool unreachable): the operator's problem, not the
   * caller's.
   */
  onUnavailable?: (reason: string) => void;
}

/** What an API key can look like here: printable ASCII, no spaces, sane length; anything else never reaches tp. */
const KEY_SHAPE = /^[\x21-\x7e]{8,512}$/;
/** Bounds the verdict caches against a flood of distinct keys. */
const MAX_REMEMBERED = 10_000;
/** Checks one address may have waiting: more of its requests get 429 at once instead of queueing. */
const MAX_WAITING_PER_ADDRESS = 2;
/** A recheck that could not reach TensorPool leaves the sessions be and asks again after this long. */
const UNAVAILABLE_RECHECK_MS = 60_000;

/** Where a check request comes from, as requireBearer saw it. */
export interface VerifyContext {
  newSession: boolean;
  /** The client address (clientAddress): the unit of the per-address limits. */
  address?: string;
}

/**
 * `--auth tensorpool-key`: the bearer token is the caller's own TensorPool API key. A request that may
 * open a session has its key checked with `tp me` (remembered by the key's SHA-256, never the key);
 * the session then runs every tp with that key. Requests within a session pass on the session binding,
 * except that a key last checked more than `validTtlMs` ago is checked again: refused then, or by tp
 * itself during a call (revoke), the key is forgotten and its caller's sessions end (onRevoked).
 *
 * A flood cannot starve the checks: a refused key is remembered, each client address may start only
 * so many checks of unknown keys (429 past it), and waiting checks take turns by address, so a valid
 * caller from elsewhere is checked next while one address floods. Only a full server answers 503.
 */
export class TensorPoolKeyAuthenticator implements Authenticator {
  /** When each key was last found good. */
  private readonly valid = new Map<string, number>();
  private readonly rejected = new Map<string, number>();
  private readonly pending = new Map<string, Promise<KeyVerdict>>();
  private readonly slots: Slots;
  private readonly budget: AddressBudget;
  /** The queue lane of each address with checks running or waiting. */
  private readonly lanes = new Map<string, { lane: object; checks: number }>();
  private readonly revokedListeners: Array<(callerId: string) => void> = [];
  private readonly now: () => number;

  constructor(
    private readonly verifier: KeyVerifier,
    private readonly options: TensorPoolKeyOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.slots = new Slots(options.maxPending ?? 8);
    this.budget = new AddressBudget({
      burst: options.addressBurst ?? 10,
      perMinute: options.addressChecksPerMinute ?? 10,
      now: this.now,
    });
  }

  async verify(token: string, { newSession, address = 'unknown' }: VerifyContext): Promise<Caller> {
    if (!KEY_SHAPE.test(token))
      throw new AuthRefusal(401, 'The bearer token does not look like a TensorPool API key.', 'invalid_token');
    const hash = sha256(token).toString('hex');
    const caller: Caller = { id: callerIdOf(hash), label: `key sha256:${hash.slice(0, 8)}`, tpKey: token };
    // first: a revoked key is refused in its own sessions too
    if (this.remembered(this.rejected, hash)) throw refused();
    const checkedAt = this.valid.get(hash);
    if (checkedAt !== undefined && this.now() - checkedAt < this.validTtl) return caller;
    const recheck = checkedAt !== undefined;
    // the session binding checks this request; opening a session still needs the key checked
    if (!recheck && !newSession) return { ...caller, existingSessionsOnly: true };
    const verdict = await this.check(token, hash, address, !recheck);
    if ('unavailable' in verdict) {
      this.options.onUnavailable?.(verdict.unavailable);
      if (recheck && !newSession) {
        // TensorPool could not be asked: that says nothing against the key, so its sessions go on
        this.valid.set(hash, this.now() - this.validTtl + UNAVAILABLE_RECHECK_MS);
        return caller;
      }
      throw new AuthRefusal(
        503,
        'The API key could not be checked with TensorPool just now; try again shortly.',
        undefined,
        { retryAfterSeconds: 10 },
      );
    }
    if (!verdict.valid) {
      if (recheck) this.revokeHash(hash);
      throw refused();
    }
    return caller;
  }

  /** TensorPool refused `caller`'s key during a call: forget it, and have its sessions ended. */
  revoke(caller: Caller): void {
    if (!caller.id.startsWith(KEY_CALLER_PREFIX)) return;
    this.revokeHash(caller.id.slice(KEY_CALLER_PREFIX.length));
  }

  onRevoked(listener: (callerId: string) => void): void {
    this.revokedListeners.push(listener);
  }

  private revokeHash(hash: string): void {
    this.valid.delete(hash);
    this.remember(this.rejected, hash, this.now() + this.rejectedTtl);
    for (const listener of this.revokedListeners) listener(callerIdOf(hash));
  }

  /**
   * One check per key at a time: concurrent sessions opened with one key share it. A check of an
   * unknown key (`charged`) is paid from its address's budget; a recheck of a known one is not.
   */
  private check(token: string, hash: string, address: string, charged: boolean): Promise<KeyVerdict> {
    const running = this.pending.get(hash);
    if (running) return running;
    const entry = this.lanes.get(address);
    // the caller over its own limit hears so (429) before it hears that the server is full (503)
    if (entry && this.slots.waitingIn(entry.lane) >= MAX_WAITING_PER_ADDRESS) throw tooMany(1);
    if (charged) {
      const spent = this.budget.take(address);
      if (!spent.ok) throw tooMany(spent.retryAfterSeconds);
    }
    if (this.slots.waiting >= (this.options.maxWaiting ?? 32)) {
      throw new AuthRefusal(503, 'The server is checking too many API keys just now; try again shortly.', undefined, {
        retryAfterSeconds: 5,
      });
    }
    const lane = entry ?? { lane: {}, checks: 0 };
    lane.checks++;
    this.lanes.set(address, lane);
    const check = this.slots
      .acquire(lane.lane)
      .then(async (release) => {
        try {
          return await this.verifier(token);
        } finally {
          release();
        }
      })
      .catch((error: unknown): KeyVerdict => ({ unavailable: error instanceof Error ? error.message : String(error) }))
      .then((verdict) => {
        if ('valid' in verdict) {
          if (verdict.valid) this.remember(this.valid, hash, this.now());
          else this.remember(this.rejected, hash, this.now() + this.rejectedTtl);
        }
        return verdict;
      })
      .finally(() => {
        this.pending.delete(hash);
        if (--lane.checks === 0) this.lanes.delete(address);
      });
    this.pending.set(hash, check);
    return check;
  }

  private get validTtl(): number {
    return this.options.validTtlMs ?? 5 * 60_000;
  }

  private get rejectedTtl(): number {
    return this.options.rejectedTtlMs ?? 10 * 60_000;
  }

  private remembered(cache: Map<string, number>, hash: string): boolean {
    const until = cache.get(hash);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    cache.delete(hash);
    return false;
  }

  /**
   * Sets `hash` to `value` (when it was checked, or until when it is refused), forgetting the oldest entry when full.
   */
  private remember(cache: Map<string, number>, hash: string, value: number): void {
    const now = this.now();
    if (cache.size >= MAX_REMEMBERED) {
      if (cache === this.rejected) for (const [key, until] of cache) if (until <= now) cache.delete(key);
      // still full of live entries: forget the oldest (a Map iterates in insertion order)
      if (cache.size >= MAX_REMEMBERED) cache.delete(cache.keys().next().value!);
    }
    cache.delete(hash);
    cache.set(hash, value);
  }
}

const KEY_CALLER_PREFIX = 'key:';

function callerIdOf(hash: string): string {
  return `${KEY_CALLER_PREFIX}${hash}`;
}

function tooMany(retryAfterSeconds: number): AuthRefusal {
  return new AuthRefusal(429, 'Too many API keys were checked from this address; try again later.', undefined, {
    retryAfterSeconds,
  });
}

function refused(): AuthRefusal {
  return new AuthRefusal(401, 'TensorPool did not accept this API key.', 'invalid_token');
}

/**
 * The production check: `tp me` with the key (tp/key-check.ts reads its answer), outside the process
 * queue (it is short, and a new session must not wait behind long calls; `maxPending` bounds it instead).
 */
export function tpMeVerifier(runner: TpRunner, timeoutMs = 30_000): KeyVerifier {
  return (key) => checkKey(runner, { key, timeoutMs, queued: false });
}
