import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { TpResult } from '../tp/runner.js';

/**
 * The fields every tool that runs `tp` returns in structuredContent, as one compact schema: it is
 * listed with each of those tools, so each byte here is paid once per tool in tools/list. It names what a caller acts
 * on; the other fields of a run (exit_code, signal, duration_ms, timed_out, cancelled, truncated, argv,
 * dry_run, and operation on a handle) are always there too, and the server instructions describe
 * them once (RUN_FIELDS).
 */
export const tpOutputSchema = {
  ok: z.boolean(),
  stdout: z.string(),
  stderr: z.string(),
};

/** The fields of a run that tpOutputSchema leaves to this one description. */
export const RUN_FIELDS =
  'exit_code (null: killed by a signal), signal, duration_ms, timed_out, cancelled, truncated (the middle was cut; the full output is a linked resource), ' +
  'argv (what ran), dry_run, and operation {id, status} when the call became a handle';

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
