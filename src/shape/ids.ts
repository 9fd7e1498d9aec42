import { jobStatus } from './rows.js';
import { withoutSpinnerLines } from './table.js';

/**
 * The ids (and a status) in tp's text, as fields. tp has no JSON mode: a result is the engine's
 * message printed verbatim, and `job push` never prints the job id itself, only inside that message
 * (docs/tp-cli.md §5 and §9.11, "parse, don't expect, ids"). Every agent would otherwise re-do this
 * parsing from text, so the server does it once.
 *
 * Only two forms are read, neither of them a table layout:
 * - a labelled id, `Cluster ID: c-abc123` (`Job ID`, `Storage ID`, `Key ID`, `Request ID(s)`), and
 *   `Instance <id>` or `tp ssh <id>` (`tp ssh INSTANCE_ID` is the documented command);
 * - an id by its prefix, standing alone: `c-` clusters, `s-` storage volumes, `job-` or `j-` jobs,
 *   `key-` or `k-` SSH keys. A prefixed word must hold a digit (`key-value` and `c-style` are words, not ids)
 *   and must not run on into another token (`c-abc123-0` is an instance, `outputs/job-1.txt` a path).
 * Text that matches neither yields nothing: a parsed field is absent, never guessed, never an error.
 */

export interface ParsedFields {
  cluster_id?: string;
  instance_ids?: string[];
  job_id?: string;
  storage_id?: string;
  key_id?: string;
  request_ids?: string[];
  status?: string;
  exit_code?: number;
}

export type ParsedField = keyof ParsedFields;

/** What each tool's output may yield; the tool's output schema names exactly these. */
export const PARSED_FIELDS: Readonly<Record<string, readonly ParsedField[]>> = {
  cluster_create: ['cluster_id', 'instance_ids', 'request_ids'],
  cluster_info: ['cluster_id', 'instance_ids', 'status'],
  cluster_destroy: ['request_ids'],
  cluster_attach_storage: ['request_ids'],
  cluster_detach_storage: ['request_ids'],
  storage_create: ['storage_id', 'request_ids'],
  storage_info: ['storage_id', 'status'],
  storage_destroy: ['request_ids'],
  job_push: ['job_id'],
  job_info: ['job_id', 'status', 'exit_code'],
  ssh_key_add: ['key_id'],
};

/** The part of a tp tool's structuredContent the parser reads. */
export interface RunText {
  stdout: string;
  stderr?: string;
  exit_code?: number | null;
  timed_out?: boolean;
  cancelled?: boolean;
  dry_run?: boolean;
}

type Kind = 'cluster' | 'storage' | 'job' | 'key';

// an id: a safe token (letters, digits, '_', '-', inner dots), never its trailing punctuation
const TOKEN = String.raw`[A-Za-z0-9](?:[A-Za-z0-9_-]|\.(?=[A-Za-z0-9])){0,127}`;
const BEFORE = '(?<![A-Za-z0-9_./-])';
const AFTER = String.raw`(?![A-Za-z0-9_/-]|\.[A-Za-z0-9])`;

const PREFIXES: Record<Kind, string> = { cluster: 'c-', storage: 's-', job: '(?:job|j)-', key: '(?:key|k)-' };
const LABELS: Record<Kind, string> = {
  cluster: 'cluster',
  storage: '(?:storage(?: volume)?|volume)',
  job: 'job',
  key: '(?:ssh )?key',
};

const prefixed = (kind: Kind) => new RegExp(`${BEFORE}${PREFIXES[kind]}(?=[A-Za-z0-9]*[0-9])[A-Za-z0-9]+${AFTER}`, 'g');
const labelled = (kind: Kind) => new RegExp(String.raw`\b${LABELS[kind]}[ _]id\s*[:=]\s*(${TOKEN})${AFTER}`, 'gi');
const REQUEST_IDS = new RegExp(String.raw`\brequest[ _]ids?\s*[:=]\s*(${TOKEN}(?:\s*,\s*${TOKEN})*)`, 'gi');
const INSTANCE = new RegExp(String.raw`\binstance(?:[ _]id)?\s*[:=]?\s+(${TOKEN})${AFTER}`, 'gi');
const SSH_COMMAND = new RegExp(String.raw`\b(?:tp|tensorpool) ssh (${TOKEN})${AFTER}`, 'g');
const STATUS_LINE = /^\s*status\s*:\s*([A-Za-z][A-Za-z _-]{0,39}?)\s*\.?\s*$/im;
const WITH_STATUS = /\bwith status ([A-Za-z][A-Za-z_-]{0,39})\b/i;

function unique(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

/** Lines tp wrote itself: the spinner lines say nothing about the result. */
function messageText(result: RunText): string {
  return withoutSpinnerLines(`${result.stdout}\n${result.stderr ?? ''}`);
}

function labelledIds(kind: Kind, text: string): string[] {
  return unique([...text.matchAll(labelled(kind))].map((match) => match[1]!));
}

function prefixedIds(kind: Kind, text: string): string[] {
  return unique([...text.matchAll(prefixed(kind))].map((match) => match[0]));
}

/** The one id a create or info names: its labelled id, else the only prefixed id of its kind. */
function singleId(kind: Kind, text: string): string | undefined {
  const labelledOnes = labelledIds(kind, text);
  if (labelledOnes.length > 0) return labelledOnes[0];
  const prefixedOnes = prefixedIds(kind, text);
  return prefixedOnes.length === 1 ? prefixedOnes[0] : undefined;
}

function instanceIds(text: string): string[] {
  const named = [...text.matchAll(INSTANCE), ...text.matchAll(SSH_COMMAND)].map((match) => match[1]!);
  // "instance type 1xH100" names a type, not an instance: an instance id holds a digit and a '-'
  return unique(named.filter((id) => /[0-9]/.test(id) && id.includes('-')));
}

function requestIds(text: string): string[] {
  return unique([...text.matchAll(REQUEST_IDS)].flatMap((match) => match[1]!.split(',').map((id) => id.trim())));
}

function status(tool: string, text: string): string | undefined {
  const stated = STATUS_LINE.exec(text)?.[1] ?? WITH_STATUS.exec(text)?.[1];
  if (!stated) return undefined;
  return tool.startsWith('job_') ? jobStatus(stated) : stated.toUpperCase();
}

const EXIT_CODE = /^\s*exit code\s*:\s*(-?\d+)\s*$/im;

const EXTRACT: Record<ParsedField, (text: string, tool: string, result: RunText) => string | string[] | undefined> = {
  cluster_id: (text) => singleId('cluster', text),
  storage_id: (text) => singleId('storage', text),
  job_id: (text) => singleId('job', text),
  key_id: (text) => singleId('key', text),
  exit_code: (text) => EXIT_CODE.exec(text)?.[1],
  instance_ids: instanceIds,
  request_ids: requestIds,
  status: (text, tool) => status(tool, text),
};

/**
 * The fields `tool`'s output states. A field not found is absent, never empty: a list whose ids
 * are in a form we do not know must not read as "there are none". A dry run states nothing.
 */
export function parseFields(tool: string, result: RunText): ParsedFields {
  const fields = PARSED_FIELDS[tool];
  if (!fields || result.dry_run) return {};
  const text = messageText(result);
  const parsed: Record<string, string | string[] | number> = {};
  for (const field of fields) {
    const value = EXTRACT[field](text, tool, result);
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    parsed[field] = field === 'exit_code' ? Number(value) : value;
  }
  return parsed as ParsedFields;
}
