import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { TpResult } from '../tp/runner.js';

/**
 * A tp run as a handler hands it on: the raw text travels in structuredContent under these keys until
 * the pipeline's shaping step (results/shape.ts) turns it into fields and a compact text for the model.
 */
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
  return {
    content: [{ type: 'text', text: result.stdout.trim() || 'OK' }],
    structuredContent,
    ...(ok ? {} : { isError: true }),
  };
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
