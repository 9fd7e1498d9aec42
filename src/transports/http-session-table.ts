import type { ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { type Clock, systemClock, type Timer } from '../operations/clock.js';
import { type Caller, sameCaller } from '../http/auth/caller.js';
import { CallerSessions } from '../http/callers.js';

/** One open MCP session over HTTP: its transport, its own server, and who opened it. */
export interface HttpSession {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  /** Who opened it: every later request must come from the same caller. */
  caller?: Caller;
  /** When it last saw a request (the clock's time). */
  lastSeen: number;
  idle?: Timer;
  /** POSTs still being answered. */
  inflight: number;
  /** Its caller's credential was revoked: it ends once the answers in flight are out. */
  revoked?: true;
}

export interface SessionLimits {
  /** Most open sessions; more get 503 with Retry-After. */
  maxSessions: number;
  /** Most open sessions of one authenticated caller; more get 429 with Retry-After. */
  maxSessionsPerCaller: number;
  /** A session that sees no request for this long is closed, with whatever it still runs. */
  idleMs: number;
  /** Times the idle expiry; the system's outside tests. */
  clock?: Clock;
}

/** Why a new session was turned away: the whole server is full (503), or its caller is (429). */
export type Refusal = { status: 503 | 429; limit: number };

/** A session being opened, counted against the caps until it has an id or failed to open. */
export interface Admission {
  /** The caller's tp queue lane, shared by its sessions; undefined without auth. */
  lane?: object;
  /** The caller was revoked while this session was being opened. */
  readonly revoked: boolean;
  /** The session got its id: it joins the table. */
  opened(id: string, session: Pick<HttpSession, 'transport' | 'server' | 'caller'>): void;
  /** Opening is over, whether it worked or not; a second call does nothing. */
  settle(): void;
}

/**
 * The open sessions of an HTTP server: lookup by id for their creator only, the server-wide and
 * per-caller caps (sessions being opened count, so concurrent initializes cannot overshoot), idle
 * expiry, and ending a revoked caller's sessions once their answers are out.
 */
export class SessionTable {
  private readonly sessions = new Map<string, HttpSession>();
  private readonly callers: CallerSessions;
  private readonly clock: Clock;
  private opening = 0;

  constructor(private readonly limits: SessionLimits) {
    this.callers = new CallerSessions(limits.maxSessionsPerCaller);
    this.clock = limits.clock ?? systemClock;
  }

  get size(): number {
    return this.sessions.size;
  }

  /** The session `id` names, if `caller` opened it: another caller's session, or a revoked one, looks like none. */
  find(id: string, caller: Caller | undefined): HttpSession | undefined {
    const session = this.sessions.get(id);
    if (!session || session.revoked || !sameCaller(session.caller, caller)) return undefined;
    this.touch(session);
    return session;
  }

  /** Counts a session `caller` opens, or says which cap it hits: the caller's own (429) before the server's (503). */
  admit(caller: Caller | undefined): Admission | Refusal {
    if (this.sessions.size + this.opening >= this.limits.maxSessions)
      return { status: 503, limit: this.limits.maxSessions };
    const entry = caller ? this.callers.reserve(caller.id) : undefined;
    if (caller && !entry) return { status: 429, limit: this.limits.maxSessionsPerCaller };
    this.opening++;
    let counted = true;
    const settle = (id?: string) => {
      if (!counted) return;
      counted = false;
      this.opening--;
      if (caller) this.callers.settle(caller.id, id);
    };
    return {
      lane: entry?.lane,
      get revoked() {
        return entry?.revoked === true;
      },
      opened: (id, opened) => {
        const session: HttpSession = { ...opened, inflight: 0, lastSeen: this.clock.now() };
        if (entry?.revoked) session.revoked = true;
        settle(id);
        this.sessions.set(id, session);
        this.expireAfter(session, this.limits.idleMs);
      },
      settle: () => settle(),
    };
  }

  /** Counts a POST of `session` while its answer is out, so a revoked session ends only after it. */
  answering(session: HttpSession, res: ServerResponse): void {
    session.inflight++;
    res.once('close', () => {
      session.inflight--;
      if (session.revoked && session.inflight === 0) void session.transport.close();
    });
  }

  /** The transport of session `id` closed (DELETE, idle, revoked, shutdown): forget it. */
  closed(id: string, caller: Caller | undefined): void {
    this.sessions.get(id)?.idle?.clear();
    this.sessions.delete(id);
    if (caller) this.callers.closed(caller.id, id);
  }

  /**
   * Ends every session of a caller whose credential was revoked. The auth layer already refuses the
   * credential, so nothing new starts; a session ends once its answers in flight (among them the call
   * that found the key refused) are out. Returns the sessions ended, for the log.
   */
  revoke(callerId: string): HttpSession[] {
    const ended = this.callers.revoke(callerId).flatMap((id) => {
      const session = this.sessions.get(id);
      return session && !session.revoked ? [session] : [];
    });
    for (const session of ended) {
      session.revoked = true;
      if (session.inflight === 0) void session.transport.close();
    }
    return ended;
  }

  /** Ends every session (aborting its calls, which stops their tp). */
  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.sessions.values()].map((session) => session.transport.close()));
    this.sessions.clear();
  }

  /**
   * A client that vanished without DELETE must not keep its session, and its tp, for ever. A request
   * only notes the time; the one timer of a session, when it fires, looks at that time and waits out
   * the rest, so a busy session costs no timer per request.
   */
  private touch(session: HttpSession): void {
    session.lastSeen = this.clock.now();
    if (!session.idle) this.expireAfter(session, this.limits.idleMs);
  }

  private expireAfter(session: HttpSession, ms: number): void {
    session.idle = this.clock.setTimeout(() => {
      const left = session.lastSeen + this.limits.idleMs - this.clock.now();
      if (left > 0) this.expireAfter(session, left);
      else void session.transport.close();
    }, ms);
    session.idle.unref();
  }
}
