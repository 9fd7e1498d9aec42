import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { tpToolResult } from '../shape/shape.js';
import type { TpResult } from '../tp/runner.js';
import { readList, renderRows, type ListKind, type Row } from './rows.js';

const FIELD: Record<ListKind, string> = {
  clusters: 'clusters',
  jobs: 'jobs',
  volumes: 'volumes',
  keys: 'keys',
  buckets: 'buckets',
};

/**
 * A list tool's result: its rows in structuredContent under the kind's name, and as compact text (the
 * same rows without box drawing, with whatever else tp said). A failed run is shaped like any other.
 */
export function listResult(kind: ListKind, run: TpResult, keep: (row: Row) => boolean = () => true): CallToolResult {
  if (run.exitCode !== 0 || run.timedOut || run.cancelled || run.dryRun) return tpToolResult(run);
  const { rows: all, notes } = readList(kind, run.stdout);
  const rows = all.filter(keep);
  const left = all.length - rows.length;
  const lines = [
    ...notes,
    rows.length > 0 ? renderRows(rows) : `No ${kind}${left > 0 ? ` of that status (${left} others)` : ''}.`,
  ];
  return {
    content: [{ type: 'text', text: lines.join('\n') }],
    structuredContent: { ok: true, [FIELD[kind]]: rows, ...(run.truncated ? { truncated: true } : {}) },
  };
}
