import type { Operation } from './operation.js';

export interface ProgressParams {
  progressToken: string | number;
  progress: number;
  message: string;
}

const MAX_MESSAGE = 1000;

/**
 * Turns an operation's output into `notifications/progress`: one per output line, one per change of
 * queue position, and a heartbeat when nothing was said for `heartbeatMs`. `progress` only goes up.
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
  const notify = (message: string) => {
    progress += 1;
    send({ progressToken: token, progress, message: message.slice(0, MAX_MESSAGE) }).catch(() => {
      // a client that went away cannot be told anything
    });
    heartbeat.refresh();
  };
  const heartbeat = setInterval(() => notify(`still running (${Math.round(operation.durationMs / 1000)} s, no new output)`), heartbeatMs);
  const unsubscribe = operation.subscribe((event) => {
    if (event.kind === 'queued') notify(`waiting for a free tp slot: position ${event.position} in the queue`);
    if (event.kind !== 'output') return;
    const lines = (partial + event.text).split(/\r?\n/);
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) notify(line);
  });
  return () => {
    clearInterval(heartbeat);
    unsubscribe();
  };
}
