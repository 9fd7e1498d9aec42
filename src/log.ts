export interface Logger {
  info(message: string): void;
  error(message: string): void;
}

/**
 * Logs to stderr only: in stdio mode stdout is the protocol stream, and one stray byte there
 * breaks the client. Every line passes the redactor, so the API key cannot reach a log file.
 */
export function stderrLogger(
  redactor: { redact(text: string): string },
  quiet = false,
  stderr: { write(text: string): unknown } = process.stderr,
): Logger {
  // a client that closed our stderr must not crash the server with EPIPE
  if (stderr === process.stderr) process.stderr.on('error', () => {});
  const write = (level: string, message: string) => {
    stderr.write(`[tensorpool-mcp] ${level}: ${redactor.redact(message)}\n`);
  };
  return {
    info: (message) => {
      if (!quiet) write('info', message);
    },
    error: (message) => write('error', message),
  };
}

export const silentLogger: Logger = { info: () => {}, error: () => {} };

/** `logger` with `redactor` in front: a session's lines also mask that session's own key. */
export function redactingLogger(logger: Logger, redactor: { redact(text: string): string }): Logger {
  return {
    info: (message) => logger.info(redactor.redact(message)),
    error: (message) => logger.error(redactor.redact(message)),
  };
}
