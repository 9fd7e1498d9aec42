import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { TpResult } from '../tp/runner.js';

/** structuredContent of every tool that runs `tp`. */
export const tpOutputSchema = {
  ok: z.boolean().describe('true when tp exited with code 0'),
  exit_code: z.number().int().nullable().describe('tp exit code; null when it was killed by a signal'),
  signal: z.string().nullable().describe('signal that ended tp, if any'),
  stdout: z.string().describe("tp's standard output (its messages and errors), secrets masked"),
  stderr: z.string().describe("tp's standard error (argparse errors, tracebacks), secrets masked"),
  duration_ms: z.number().int().nonnegative(),
  timed_out: z.boolean().describe('tp ran past the call timeout and was stopped'),
  cancelled: z.boolean().describe('the call was cancelled and tp was stopped'),
  truncated: z.boolean().describe('output was longer than the bound; its middle was cut'),
  argv: z.array(z.string()).describe('the command that ran'),
  dry_run: z.boolean().describe('--dry-run: nothing ran; argv is what would have run'),
  operation: z
    .object({ id: z.string(), status: z.string() })
    .optional()
    .describe('Present when the call outlived the sync budget: tp goes on; follow it with operation_status'),
};

export function tpToolResult(result: TpResult): CallToolResult {
  const ok = result.exitCode === 0 && !result.timedOut && !result.cancelled;
  const structuredContent = {
    ok,
    exit_code: result.exitCode,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr,
    duration_ms: result.durationMs,
    timed_out: result.timedOut,
    cancelled: result.cancelled,
    truncated: result.truncated,
    argv: result.argv,
    dry_run: result.dryRun ?? false,
  };
  if (ok) return { content: [{ type: 'text', text: result.stdout.trim() || 'OK' }], structuredContent };
  const sections = [failureHeadline(result), `command: ${result.argv.join(' ')}`];
  if (result.stdout.trim()) sections.push(`stdout:\n${result.stdout.trimEnd()}`);
  if (result.stderr.trim()) sections.push(`stderr:\n${result.stderr.trimEnd()}`);
  return { content: [{ type: 'text', text: sections.join('\n\n') }], structuredContent, isError: true };
}

function failureHeadline(result: TpResult): string {
  const seconds = (result.durationMs / 1000).toFixed(1);
  if (result.timedOut) return `tp did not finish within the call timeout and was stopped after ${seconds}s (raise it with --timeout).`;
  if (result.cancelled) return `The call was cancelled; tp was stopped after ${seconds}s.`;
  if (result.exitCode === null) return `tp was killed by ${result.signal ?? 'a signal'}.`;
  if (result.exitCode === 2) {
    return 'tp rejected the command line (exit code 2): the installed tp lacks this command or option (see tp_help and server_status).';
  }
  return `tp failed with exit code ${result.exitCode}.`;
}

/** A refusal or failure before or without `tp`: the text tells the model what to change. */
export function errorResult(message: string): CallToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

const SECRET_LINE = /^(.*secret[^:=\n]*[:=][ \t]*)(\S.*)$/gim;
const MASK = '[MASKED: restart the server with --allow-secrets to see it]';

/**
 * `enable` prints the secret access key: without --allow-secrets, the value on every line that names a
 * secret is masked, and so is that value wherever else it appears (a table, a config snippet).
 */
export function maskSecretLines(result: TpResult): TpResult {
  const values = new Set<string>();
  for (const text of [result.stdout, result.stderr]) {
    for (const match of text.matchAll(SECRET_LINE)) if (match[2]!.trim().length >= 8) values.add(match[2]!.trim());
  }
  const mask = (text: string) => {
    let masked = text.replace(SECRET_LINE, `$1${MASK}`);
    for (const value of values) masked = masked.split(value).join(MASK);
    return masked;
  };
  return { ...result, stdout: mask(result.stdout), stderr: mask(result.stderr) };
}
