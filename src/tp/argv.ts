import type { Redactor } from './redact.js';

/**
 * The command as results, operations and dry runs show it: the executable the runner starts, then
 * exactly the arguments tp receives, secrets masked. The executable is the configured tp path as the
 * runner holds it: a relative path made absolute, a bare name such as `tp` left as it is (PATH decides
 * at each spawn; server_status shows where it resolves). Pasted into a shell, it runs the same thing.
 */
export function displayedArgv(executable: string, args: readonly string[], redactor: Redactor): string[] {
  return [executable, ...args].map((arg) => redactor.redact(arg));
}
