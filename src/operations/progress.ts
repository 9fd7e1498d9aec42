import { systemClock, type Clock, type Timer } from './clock.js';
import type { Operation } from './operation.js';

export interface ProgressParams {
  progressToken: string | number;
  progress: number;
  message: string;
}

const MAX_MESSAGE = 1000;
/** A line without end is cut to its last MAX_MESSAGE characters once it grows past this. */
const MAX_PARTIAL = MAX_MESSAGE * 4;
/** A flood of output lines becomes at most this many notifications a second; the rest are counted in. */
const MIN_INTERVAL_MS = 50;

/**
 * Turns an operation's output into `notifications/progress`: one per output line (lines that come
 * faster than the client should be sent are folded into the next message), one per change of queue
 * position, and a heartbeat when nothing was said for `heartbeatMs`. `progress` only goes up.
 * Returns the function that stops it.
 */
export function reportProgress(
  operation: Operation,
  token: string | number,
  send: (params: ProgressParams) => Promise<void>,
  heartbeatMs: number,
  clock: Clock = systemClock,
): () => void {
  let progress = 0;
  let stopped = false;
  let lastSent = -Infinity;
  let heartbeat: Timer | undefined;
  const beat = () => notify(`still running (${Math.round(operation.durationMs / 1000)} s, no new output)`);

  const notify = (message: string) => {
    progress += 1;
    lastSent = clock.now();
    send({ progressToken: token, progress, message: message.slice(0, MAX_MESSAGE) }).catch(() => {
      // a client that went away cannot be told anything
    });
    heartbeat?.clear();
    if (!stopped) heartbeat = clock.setTimeout(beat, heartbeatMs);
  };
  const lines = new LineFolder(clock, notify, () => lastSent);

  heartbeat = clock.setTimeout(beat, heartbeatMs);
  const unsubscribe = operation.subscribe((event) => {
    if (event.kind === 'queued') notify(`waiting for a free tp slot: position ${event.position} in the queue`);
    if (event.kind === 'output') lines.push(event.text);
  });
  return () => {
    stopped = true;
    heartbeat?.clear();
    lines.flush();
    unsubscribe();
  };
}

/**
 * Cuts output into lines for `notify`, sending a line at once when the last message is MIN_INTERVAL_MS
 * old, and otherwise holding the latest line, with a count of the lines it stands for, until then.
 * While a line is held, the lines behind it are only counted: a chunk of a thousand lines costs
 * a scan for line ends, not a thousand strings.
 */
class LineFolder {
  /** The unfinished last line. */
  private partial = '';
  private held: { line: string; more: number } | undefined;
  private timer: Timer | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly notify: (message: string) => void,
    /** When the reporter last said anything: a heartbeat or a queue message counts too. */
    private readonly lastSent: () => number,
  ) {}

  push(text: string): void {
    let end = text.indexOf('\n');
    if (end === -1) return this.keepPartial(this.partial, text);
    this.line(this.partial + text.slice(0, end));
    let start = end + 1;
    // one line at a time while lines may go out; once one is held, the rest are counted in one pass
    while (!this.held && (end = text.indexOf('\n', start)) !== -1) {
      this.line(text.slice(start, end));
      start = end + 1;
    }
    if (this.held) start = this.countInto(this.held, text, start);
    this.keepPartial('', text.slice(start));
  }

  /** Sends what is held (the reporter stops). */
  flush(): void {
    this.timer?.clear();
    this.timer = undefined;
    if (!this.held) return;
    const { line, more } = this.held;
    this.held = undefined;
    this.notify(more > 0 ? `${line} (+${more} more lines)` : line);
  }

  private line(raw: string): void {
    if (isBlank(raw, 0, raw.length)) return;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (this.held) {
      this.held = { line, more: this.held.more + 1 };
      return;
    }
    const wait = this.lastSent() + MIN_INTERVAL_MS - this.clock.now();
    if (wait <= 0) return this.notify(line);
    this.held = { line, more: 0 };
    this.timer = this.clock.setTimeout(() => this.flush(), wait);
  }

  /**
   * Counts the complete, non-blank lines of `text` from `start` into `held`; returns where the unfinished line begins.
   */
  private countInto(held: { line: string; more: number }, text: string, start: number): number {
    let last: [number, number] | undefined;
    let end: number;
    while ((end = text.indexOf('\n', start)) !== -1) {
      if (!isBlank(text, start, end)) {
        held.more++;
        last = [start, end];
      }
      start = end + 1;
    }
    if (last) {
      const line = text.slice(last[0], last[1]);
      held.line = line.endsWith('\r') ? line.slice(0, -1) : line;
    }
    return start;
  }

  private keepPartial(before: string, text: string): void {
    if (before.length + text.length <= MAX_PARTIAL) this.partial = before + text;
    // a line without end must not grow without bound either
    else this.partial = text.length >= MAX_MESSAGE ? text.slice(-MAX_MESSAGE) : (before + text).slice(-MAX_MESSAGE);
  }
}

/** Whether text[start, end) is only white space, as String.prototype.trim sees it. */
function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    // printable ASCII is the common case: no regular expression for it
    if (code > 32 && code < 127) return false;
    if (!WHITE_SPACE.test(text[i]!)) return false;
  }
  return true;
}

const WHITE_SPACE = /\s/;
