import { AuthRefusal, ToolError } from '../../errors.js';
import { tpArgv } from '../../tp/commands.js';
import type { TpRunner } from '../../tp/runner.js';
import type { Authenticator } from './authenticator.js';
import { sha256, type Caller } from './caller.js';

/** What checking a key found: TensorPool took it, refused it, or could not be asked. */
export type KeyVerdict = { valid: true } | { valid: false } | { unavailable: string };

/** Asks TensorPool whether `key` is a working API key; never logs or returns the key. */
export type KeyVerifier = (key: string) => Promise<KeyVerdict>;

export interface TensorPoolKeyOptions {
  /** How long a key that worked is taken as good without asking again. Default 5 minutes. */
  validTtlMs?: number;
  /** How long a refused key is refused without asking again: a flood of one bad key runs tp once. Default 1 minute. */
  rejectedTtlMs?: number;
  /** Most distinct keys being checked at once; more get 503. Default 4. */
  maxPending?: number;
  now?: () => number;
  /** Hears why a key could not be checked (tp missing, TensorPool unreachable): the operator's problem, not the caller's. */
  onUnavailable?: (reason: string) => void;
}

/** What an API key can look like here: printable ASCII, no spaces, sane length; anything else never reaches tp. */
const KEY_SHAPE = /^[\x21-\x7e]{8,512}$/;
/** Bounds the verdict caches against a flood of distinct keys. */
const MAX_REMEMBERED = 10_000;

/**
 * `--auth tensorpool-key`: the bearer token is the caller's own TensorPool API key. A request that may
 * open a session has its key checked (cached by the key's SHA-256, never the key, for a few minutes);
 * the session then runs every tp with that key. Requests within a session are not checked again: the
 * transport only lets them in when their key hashes to the one the session was opened with.
 */
export class TensorPoolKeyAuthenticator implements Authenticator {
  private readonly valid = new Map<string, number>();
  private readonly rejected = new Map<string, number>();
  private readonly pending = new Map<string, Promise<KeyVerdict>>();
  private readonly now: () => number;

  constructor(
    private readonly verifier: KeyVerifier,
    private readonly options: TensorPoolKeyOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  async verify(token: string, { newSession }: { newSession: boolean }): Promise<Caller> {
    if (!KEY_SHAPE.test(token)) throw new AuthRefusal(401, 'The bearer token does not look like a TensorPool API key.', 'invalid_token');
    const hash = sha256(token).toString('hex');
    const caller: Caller = { id: `key:${hash}`, label: `key sha256:${hash.slice(0, 8)}`, tpKey: token };
    if (this.remembered(this.valid, hash)) return caller;
    // the session binding checks this request; opening a session still needs the key checked
    if (!newSession) return { ...caller, existingSessionsOnly: true };
    if (this.remembered(this.rejected, hash)) throw refused();
    const verdict = await this.check(token, hash);
    if ('unavailable' in verdict) {
      this.options.onUnavailable?.(verdict.unavailable);
      throw new AuthRefusal(503, 'The API key could not be checked with TensorPool just now; try again shortly.', undefined, { retryAfterSeconds: 10 });
    }
    if (!verdict.valid) throw refused();
    return caller;
  }

  /** One check per key at a time: concurrent sessions opened with one key share it. */
  private check(token: string, hash: string): Promise<KeyVerdict> {
    const running = this.pending.get(hash);
    if (running) return running;
    if (this.pending.size >= (this.options.maxPending ?? 4)) {
      throw new AuthRefusal(503, 'Too many API keys are being checked at once; try again shortly.', undefined, { retryAfterSeconds: 5 });
    }
    const check = this.verifier(token)
      .catch((error: unknown): KeyVerdict => ({ unavailable: error instanceof Error ? error.message : String(error) }))
      .then((verdict) => {
        if ('valid' in verdict) this.remember(verdict.valid ? this.valid : this.rejected, hash, verdict.valid ? this.validTtl : this.rejectedTtl);
        return verdict;
      })
      .finally(() => this.pending.delete(hash));
    this.pending.set(hash, check);
    return check;
  }

  private get validTtl(): number {
    return this.options.validTtlMs ?? 5 * 60_000;
  }

  private get rejectedTtl(): number {
    return this.options.rejectedTtlMs ?? 60_000;
  }

  private remembered(cache: Map<string, number>, hash: string): boolean {
    const until = cache.get(hash);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    cache.delete(hash);
    return false;
  }

  private remember(cache: Map<string, number>, hash: string, ttlMs: number): void {
    const now = this.now();
    if (cache.size >= MAX_REMEMBERED) {
      for (const [key, until] of cache) if (until <= now) cache.delete(key);
      // still full of live entries: forget the oldest (a Map iterates in insertion order)
      if (cache.size >= MAX_REMEMBERED) cache.delete(cache.keys().next().value!);
    }
    cache.delete(hash);
    cache.set(hash, now + ttlMs);
  }
}

function refused(): AuthRefusal {
  return new AuthRefusal(401, 'TensorPool did not accept this API key.', 'invalid_token');
}

/** What tp prints when it could not ask TensorPool at all (tp-cli.md §3, health check). */
const NOT_ASKED = /Cannot reach the TensorPool|Unexpected error during health check|malformed response from server/;

/**
 * The production check: `tp me` with the key, outside the process queue (it is short, and a new
 * session must not wait behind long calls; `maxPending` bounds it instead). Exit 0 is a good key,
 * exit 1 with TensorPool's answer a refused one; anything else says nothing about the key.
 */
export function tpMeVerifier(runner: TpRunner, timeoutMs = 30_000): KeyVerifier {
  return async (key) => {
    let result;
    try {
      result = await runner.run(tpArgv.accountMe(), { key, timeoutMs, queued: false });
    } catch (error) {
      // tp missing, or the server shutting down: our problem, not the key's
      if (error instanceof ToolError) return { unavailable: error.message };
      throw error;
    }
    if (result.exitCode === 0) return { valid: true };
    if (result.timedOut || result.cancelled || result.exitCode !== 1 || NOT_ASKED.test(result.stdout)) {
      return { unavailable: `tp me ended with ${result.timedOut ? 'a timeout' : `exit code ${result.exitCode}`}` };
    }
    return { valid: false };
  };
}
