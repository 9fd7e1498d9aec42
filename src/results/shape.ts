import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Generation } from '../tp/generation.js';
import { fenceWithin, type Source } from './fence.js';
import { renderHints, toolHints } from './hints.js';
import { parseFields, summarize, type RunText } from './ids.js';

/** Tools whose text carries what a user's job printed (or named: pulled files). */
const JOB_OUTPUT: Readonly<Record<string, Source>> = {
  job_push: 'job output',
  job_info: 'job output',
  job_listen: 'job output',
  job_pull: 'pulled file list',
};

/** Tools whose text is reference, not advice: tp's help shows syntax, and must not turn into calls. */
const NO_HINTS: ReadonlySet<string> = new Set(['tp_help']);

/**
 * The last step of a tp tool's call: the result a person at a terminal would read, made for a model.
 * structuredContent gains the ids (and status) the text states; the text gains one line naming them
 * and the tool-terms equivalents of commands tp suggested; output of a user's job is fenced as data.
 * Adds, never removes: the raw stdout and stderr stay as they were. Results that are not a tp run
 * (local tools, refusals, operation handles, dry runs) pass through unchanged.
 */
export function shapeResult(tool: string, generation: Generation | undefined, result: CallToolResult): CallToolResult {
  const run = result.structuredContent as (RunText & { operation?: unknown }) | undefined;
  if (!run || typeof run.stdout !== 'string' || run.operation !== undefined || run.dry_run) return result;

  const fields = parseFields(tool, run);
  const source = JOB_OUTPUT[tool];
  const hints = NO_HINTS.has(tool) ? [] : toolHints(`${run.stdout}\n${run.stderr ?? ''}`, generation, { fromJobOutput: source !== undefined });

  let content = result.content;
  if (source) {
    const first = content.findIndex((part) => part.type === 'text');
    if (first >= 0) {
      content = content.map((part, index) =>
        index === first && part.type === 'text' ? { ...part, text: fenceWithin(part.text, [run.stdout, run.stderr ?? ''], source) } : part,
      );
    }
  }
  const summary = summarize(fields);
  const added = [summary && `Parsed from tp's output: ${summary}`, renderHints(hints)].filter(Boolean).join('\n\n');
  if (added) content = [...content, { type: 'text', text: added }];

  return { ...result, content, structuredContent: { ...result.structuredContent, ...fields } };
}
