import { ToolError } from '../errors.js';
import { tpArgv } from './commands.js';
import type { RunOptions, TpClient, TpResult } from './runner.js';

/**
 * What `tp me` found of an API key: TensorPool took it, refused it (`said`: TensorPool's answer), or could
 * not be asked (`unavailable`: why), which says nothing about the key. Doctor, server_status and
 * `--auth tensorpool-key` all read a key's `tp me` this way.
 */
export type KeyVerdict = { valid: true } | { valid: false; said: string } | { unavailable: string };

/** What tp prints when its health check got no answer from TensorPool, as opposed to a refusal (docs/tp-cli.md §3). */
const NOT_ASKED = /Cannot reach the TensorPool|Unexpected error during health check|malformed response from server/i;

/** Runs `tp me` (with `options.key`, or the runner's own key) and reads its answer; tp missing is `unavailable`. */
export async function checkKey(
  client: Pick<TpClient, 'run'>,
  options: Pick<RunOptions, 'key' | 'timeoutMs' | 'queued' | 'signal'> = {},
): Promise<KeyVerdict> {
  let result: TpResult;
  try {
    result = await client.run(tpArgv.accountMe(), options);
  } catch (error) {
    // tp missing, or the server shutting down: our problem, not the key's
    if (error instanceof ToolError) return { unavailable: error.message };
    throw error;
  }
  return keyVerdict(result);
}

/**
 * Reads what `tp me` printed. Exit 0 is a good key; exit 1 with TensorPool's answer a refused one;
 * a timeout, a cancel, another exit or a health check that got no answer say nothing about the key.
 */
export function keyVerdict(result: TpResult): KeyVerdict {
  if (result.exitCode === 0) return { valid: true };
  // the first line that is not tp's spinner ("* Authenticating...")
  const said = `${result.stdout}\n${result.stderr}`
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line && !line.startsWith('* '));
  if (result.timedOut) return { unavailable: 'tp me timed out' };
  if (result.cancelled) return { unavailable: 'tp me was cancelled' };
  if (said !== undefined && NOT_ASKED.test(said)) return { unavailable: said };
  if (result.exitCode !== 1) return { unavailable: said ?? `tp me ended with exit code ${result.exitCode}` };
  return { valid: false, said: said ?? 'tp me exited with 1' };
}
