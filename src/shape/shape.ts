import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Generation } from '../tp/generation.js';
import type { TpResult } from '../tp/runner.js';
import { renderHints, toolHints } from './hints.js';
import { parseFields, type RunText } from './ids.js';
import { isSpinnerLine } from './table.js';

/** Tools whose text is reference, not advice: tp's help shows syntax, and must not turn into calls. */
const NO_HINTS: ReadonlySet<string> = new Set(['tp_help']);

/** What a handler hands on from a tp run (tpToolResult), before shaping. */
interface RawRun extends RunText {
  ok: boolean;
  exit_code: number | null;
  signal?: string | null;
  truncated?: boolean;
  argv?: string[];
  duration_ms?: number;
}

const RAW_KEYS = [
  'ok',
  'exit_code',
  'signal',
  'stdout',
  'stderr',
  'duration_ms',
  'timed_out',
  'cancelled',
  'truncated',
  'argv',
  'dry_run',
];

/**
 * The last step of a tp tool's call: what a person at a terminal would read, made for a model that
 * pays for every byte. structuredContent carries fields (ids, a status), never a copy of tp's text;
 * the text is tp's own words without spinner lines (list tools shape their rows themselves: list-result.ts). tp's
 * suggestions come with their tool-terms equivalents. What tp printed stays whole in
 * the operation's output resource. Results that are not a tp run (local tools, refusals, handles)
 * pass through unchanged.
 */
export function shapeResult(tool: string, generation: Generation | undefined, result: CallToolResult): CallToolResult {
  const run = result.structuredContent as (RawRun & { operation?: unknown }) | undefined;
  if (!run || typeof run.stdout !== 'string' || run.operation !== undefined) return result;
  const extra = Object.fromEntries(Object.entries(run).filter(([key]) => !RAW_KEYS.includes(key)));
  if (run.dry_run) return { ...result, structuredContent: { ok: true, dry_run: true, ...extra } };

  const fields: Record<string, unknown> = { ...parseFields(tool, run) };
  const stdout = withoutSpinner(run.stdout);
  const stderr = withoutProgressBars(run.stderr ?? '');
  const said = stdout;
  const hints = NO_HINTS.has(tool) ? [] : toolHints(`${run.stdout}\n${run.stderr ?? ''}`, generation);
  const text = run.ok ? said || 'OK' : failureText(run, said, stderr);
  // text a handler added after tp's (a pull report, a note) stays after it
  const added = result.content.slice(1);
  const content: CallToolResult['content'] = [
    { type: 'text', text: [text, renderHints(hints)].filter(Boolean).join('\n') },
    ...added,
  ];

  const outcome = run.ok
    ? { ok: true }
    : {
        ok: false,
        exit_code: run.exit_code,
        ...(run.timed_out ? { timed_out: true } : {}),
        ...(run.cancelled ? { cancelled: true } : {}),
      };
  return {
    ...result,
    content,
    structuredContent: { ...outcome, ...(run.truncated ? { truncated: true } : {}), ...fields, ...extra },
  };
}

/** Some steps announce themselves (`Uploading job files...`): progress, not a result, like the spinner's lines. */
const PROGRESS_NOTICE = /^[A-Z][\w ]*\.\.\.$/;

/** tp's text without its progress: the spinner's lines and the steps' notices. */
function withoutSpinner(text: string): string {
  return text
    .split('\n')
    .filter((line) => !isSpinnerLine(line) && !PROGRESS_NOTICE.test(line))
    .join('\n')
    .trim();
}

/** tqdm's download bars on stderr: progress, not a message. */
function withoutProgressBars(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/\|\s*\d+\/\d+ \[/.test(line) && !/^\s*\d+%\|/.test(line))
    .join('\n')
    .trim();
}

function failureText(run: RawRun, stdout: string, stderr: string): string {
  const seconds = ((run.duration_ms ?? 0) / 1000).toFixed(1);
  const headline = run.timed_out
    ? `tp did not finish within the call timeout and was stopped after ${seconds}s (raise it with --timeout).`
    : run.cancelled
      ? `The call was cancelled; tp was stopped after ${seconds}s.`
      : run.exit_code === null
        ? `tp was killed by ${run.signal ?? 'a signal'}.`
        : run.exit_code === 2
          ? `tp rejected the command line (exit code 2): the installed tp lacks this command or option (see tp_help ` +
            `and server_status). Command: ${(run.argv ?? []).join(' ')}`
          : `tp failed (exit code ${run.exit_code}).`;
  return [headline, stdout, stderr].filter(Boolean).join('\n');
}

/**
 * A tp run as a handler hands it on: the raw text travels in structuredContent under these keys until
 * the pipeline's shaping step (shapeResult below) turns it into fields and a compact text for the model.
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
