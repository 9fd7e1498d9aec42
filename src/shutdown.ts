import type { Logger } from './log.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface ShutdownOptions {
  logger: Logger;
  /** What stopping means: closing the transport and every tp; the process exits when all have settled. */
  stop: () => Promise<unknown>[];
  /** Where the signals come from, and how the process ends; the process itself outside tests. */
  signals?: { on(signal: (typeof SIGNALS)[number], listener: () => void): unknown };
  exit?: (code: number) => void;
}

/**
 * The one way the server stops, for stdio and HTTP alike: on SIGINT, SIGTERM or SIGHUP, or when the
 * returned function is called (a stdio client went away). A second signal while stopping exits at
 * once; the exit hook still kills every tp group.
 */
export function onShutdown({
  logger,
  stop,
  signals = process,
  exit = (code) => process.exit(code),
}: ShutdownOptions): (reason: string) => void {
  let stopping = false;
  const shutdown = (reason: string) => {
    if (stopping) {
      if (reason.startsWith('SIG')) exit(1);
      return;
    }
    stopping = true;
    logger.info(`shutting down (${reason})`);
    void Promise.allSettled(stop()).then(() => exit(0));
  };
  for (const signal of SIGNALS) signals.on(signal, () => shutdown(signal));
  return shutdown;
}
