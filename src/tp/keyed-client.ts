import type { TpClient, TpResult, TpRunner } from './runner.js';

/**
 * A client that runs every `tp` with `key` (one HTTP session's own API key under
 * `--auth tensorpool-key`) through the shared runner, so process slots, timeouts and shutdown stay
 * one. Its redactor masks the key as well as the server's; nothing else holds the key, so it lives
 * exactly as long as the session that holds this client.
 */
export function keyedClient(runner: TpRunner, key: string, onKeyRefused?: () => void): TpClient {
  return {
    tpPath: runner.tpPath,
    locateTp: () => runner.locateTp(),
    hasApiKey: true,
    redactor: runner.redactor.including(key),
    defaultTimeoutMs: runner.defaultTimeoutMs,
    run: async (args, options = {}) => {
      const result = await runner.run(args, { ...options, key });
      if (keyRefused(result)) onKeyRefused?.();
      return result;
    },
  };
}

/**
 * tp's health check refused the key (tp-cli.md §3): exit 1 with the engine's answer right after the
 * first line, before the command ran. The whole start is matched, so a job's own output that happens
 * to say the same words later on is not taken for it.
 */
export function keyRefused(result: Pick<TpResult, 'exitCode' | 'stdout'>): boolean {
  return result.exitCode === 1 && /^\* Authenticating\.\.\.\r?\nInvalid API key\r?\n?$/.test(result.stdout);
}
