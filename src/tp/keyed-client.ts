import type { TpClient, TpRunner } from './runner.js';

/**
 * A client that runs every `tp` with `key` (one HTTP session's own API key under
 * `--auth tensorpool-key`) through the shared runner, so process slots, timeouts and shutdown stay
 * one. Its redactor masks the key as well as the server's; nothing else holds the key, so it lives
 * exactly as long as the session that holds this client.
 */
export function keyedClient(runner: TpRunner, key: string): TpClient {
  return {
    tpPath: runner.tpPath,
    hasApiKey: true,
    redactor: runner.redactor.including(key),
    defaultTimeoutMs: runner.defaultTimeoutMs,
    run: (args, options = {}) => runner.run(args, { ...options, key }),
  };
}
