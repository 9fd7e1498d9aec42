import type { Operation } from './operation.js';

export interface ProgressParams {
  progressToken: string | number;
  progress: number;
  message: string;
}

const MAX_MESSAGE = 1000;
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
): () => void {
  let progress = 0;
  let partial = '';
  let lastSent = 0;
  let held: { line: string; more: number } | undefined;
  let flushTimer: NodeJS.Timeout | undefined;

  const notify = (message: string) => {
    progress += 1;
    lastSent = Date.now();
    send({ progressToken: token, progress, message: message.slice(0, MAX_MESSAGE) }).catch(() => {
      // a client that went away cannot be told anything
    });
    heartbeat.refresh();
  };
  const flush = () => {
    flushTimer = undefined;
    if (!held) return;
    const { line, more } = held;
    held = undefined;
    notify(more > 0 ? `${line} (+${more} more lines)` : line);
  };
  const line = (text: string) => {
    if (held) {
      held = { line: text, more: held.more + 1 };
      return;
    }
    const wait = lastSent + MIN_INTERVAL_MS - Date.now();
    if (wait <= 0) return notify(text);
    held = { line: text, more: 0 };
    flushTimer = setTimeout(flush, wait);
  };

  const heartbeat = setInterval(() => notify(`still running (${Math.round(operation.durationMs / 1000)} s, no new output)`), heartbeatMs);
  const unsubscribe = operation.subscribe((event) => {
    if (event.kind === 'queued') notify(`waiting for a free tp slot: position ${event.position} in the queue`);
    if (event.kind !== 'output') return;
    const lines = (partial + event.text).split(/\r?\n/);
    partial = lines.pop() ?? '';
    // a line without end must not grow without bound either
    if (partial.length > MAX_MESSAGE * 4) partial = partial.slice(-MAX_MESSAGE);
    for (const text of lines) if (text.trim()) line(text);
  });
  return () => {
    clearInterval(heartbeat);
    clearTimeout(flushTimer);
    if (held) flush();
    unsubscribe();
  };
}
