import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Who sent a request, as the auth layer established it; sessions are bound to their creator. */
export interface Caller {
  /** Stable for one credential, and never the credential itself: two requests are the same caller when these match. */
  id: string;
  /** Safe to log: which token, which key (by a hash prefix), which OAuth subject. */
  label: string;
  /** `--auth tensorpool-key`: the caller's own API key, which every tp call of its session uses. */
  tpKey?: string;
  /**
   * The credential was not checked in full because the request names a session (whose binding to its
   * creator is the check): such a caller may use its own sessions, never open one.
   */
  existingSessionsOnly?: true;
}

/**
 * The session a request names: the `Mcp-Session-Id` header, with an empty or repeated-empty header
 * counting as none. The auth layer and the transport both read it here, so they cannot disagree on
 * whether a request opens a session.
 */
export function sessionIdOf(req: IncomingMessage): string | undefined {
  const value = req.headers['mcp-session-id'];
  const id = Array.isArray(value) ? value[0] : value;
  return id === undefined || id.trim() === '' ? undefined : id;
}

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Equal-length digests compared in constant time, so timing tells nothing about how much matched. */
export function sameDigest(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether a request comes from the caller a session was opened by (both anonymous counts too). */
export function sameCaller(a: Caller | undefined, b: Caller | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return sameDigest(sha256(a.id), sha256(b.id));
}

const callers = new WeakMap<IncomingMessage, Caller>();

export function setCaller(req: IncomingMessage, caller: Caller): void {
  callers.set(req, caller);
}

/** The caller the auth layer found for this request; undefined when the server runs without auth. */
export function callerOf(req: IncomingMessage): Caller | undefined {
  return callers.get(req);
}
