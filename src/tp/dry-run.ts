import { shellQuote } from '../shell-quote.js';
import { displayedArgv } from './argv.js';
import { withRun, type TpClient, type TpResult } from './runner.js';

/**
 * Stands in for the runner under --dry-run: reports the exact command a changing tool would run,
 * and runs nothing. No key is needed, since nothing reaches TensorPool.
 */
export function dryRunClient(real: TpClient): TpClient {
  return withRun(real, async (args, options = {}): Promise<TpResult> => {
    const argv = displayedArgv(real.tpPath, args, real.redactor);
    const where = options.cwd ? `\n(in ${options.cwd})` : '';
    return {
      argv,
      exitCode: 0,
      signal: null,
      stdout: `Dry run: nothing was run. Without --dry-run the server would run:\n${shellQuote(argv)}${where}\n`,
      stderr: '',
      durationMs: 0,
      timedOut: false,
      cancelled: false,
      truncated: false,
      dryRun: true,
    };
  });
}
