/** What the transport keeps of one authenticated caller while it has sessions. */
export interface CallerEntry {
  /** Its sessions, open or being opened. */
  readonly sessions: Set<string>;
  /** Sessions counted while their initialize runs, before they have an id. */
  opening: number;
  /**
   * Stands for the caller in the tp process queue: every session of the caller uses this one lane,
   * so callers take turns, not sessions (one caller's ten sessions get one turn, like another's one).
   */
  readonly lane: object;
  /** Its credential was revoked: a session still being opened ends as soon as it is open. */
  revoked?: true;
}

/**
 * The open sessions of each authenticated caller, for the per-caller cap (--max-sessions-per-caller),
 * the queue lane its sessions share, and ending them all when its credential is revoked. An entry
 * lives while the caller has a session, so the table holds no more than the open sessions.
 */
export class CallerSessions {
  private readonly callers = new Map<string, CallerEntry>();

  constructor(private readonly maxPerCaller: number) {}

  /** Counts one more session of `callerId` being opened; undefined when the caller is at its cap. */
  reserve(callerId: string): CallerEntry | undefined {
    const entry = this.callers.get(callerId) ?? { sessions: new Set<string>(), opening: 0, lane: {} };
    if (entry.sessions.size + entry.opening >= this.maxPerCaller) return undefined;
    entry.opening++;
    this.callers.set(callerId, entry);
    return entry;
  }

  /** The session being opened got its id (`sessionId`), or failed to open (undefined). */
  settle(callerId: string, sessionId: string | undefined): void {
    const entry = this.callers.get(callerId);
    if (!entry) return;
    entry.opening--;
    if (sessionId !== undefined) entry.sessions.add(sessionId);
    this.forgetIfIdle(callerId, entry);
  }

  closed(callerId: string, sessionId: string): void {
    const entry = this.callers.get(callerId);
    if (!entry) return;
    entry.sessions.delete(sessionId);
    this.forgetIfIdle(callerId, entry);
  }

  /** Marks the caller revoked; the ids of its open sessions. */
  revoke(callerId: string): string[] {
    const entry = this.callers.get(callerId);
    if (!entry) return [];
    entry.revoked = true;
    return [...entry.sessions];
  }

  private forgetIfIdle(callerId: string, entry: CallerEntry): void {
    if (entry.sessions.size === 0 && entry.opening === 0) this.callers.delete(callerId);
  }
}
