import { splitTables, withoutSpinnerLines, type TextTable } from './table.js';

/**
 * The rows of a list tool, as fields: what an agent needs from `cluster list`, `job list`,
 * `storage list` and `me sshkey list` without reading a table. A field comes from a column only where
 * the header names it; a row the header does not fit still gives what it shows by itself (an id by its
 * prefix, a status word from the known set). A field not stated is absent, never guessed.
 */

export type ListKind = 'clusters' | 'jobs' | 'volumes' | 'keys' | 'buckets';

export type Row = Record<string, string | number | string[]>;

interface KindSpec {
  /** The row's id field, and the prefixes an id of this kind starts with. */
  id: string;
  prefixes: readonly string[];
  /** Header words (lowercase, single-spaced) → field. */
  columns: Readonly<Record<string, string>>;
}

const CREATED = {
  created: 'created',
  'created at': 'created',
  age: 'created',
  started: 'created',
  'started at': 'created',
  submitted: 'created',
};

const KINDS: Record<Exclude<ListKind, 'buckets'>, KindSpec> = {
  clusters: {
    id: 'cluster_id',
    prefixes: ['c-'],
    columns: {
      id: 'cluster_id',
      'cluster id': 'cluster_id',
      cluster: 'cluster_id',
      name: 'name',
      'cluster name': 'name',
      'instance type': 'instance_type',
      type: 'instance_type',
      gpu: 'instance_type',
      gpus: 'instance_type',
      hardware: 'instance_type',
      nodes: 'nodes',
      'num nodes': 'nodes',
      '# nodes': 'nodes',
      'node count': 'nodes',
      status: 'status',
      state: 'status',
      instances: 'instance_ids',
      'instance ids': 'instance_ids',
      'instance id': 'instance_ids',
      ...CREATED,
    },
  },
  jobs: {
    id: 'job_id',
    prefixes: ['j-', 'job-'],
    columns: {
      id: 'job_id',
      'job id': 'job_id',
      job: 'job_id',
      cluster: 'cluster_id',
      'cluster id': 'cluster_id',
      status: 'status',
      state: 'status',
      ...CREATED,
    },
  },
  volumes: {
    id: 'storage_id',
    prefixes: ['s-'],
    columns: {
      id: 'storage_id',
      'storage id': 'storage_id',
      'volume id': 'storage_id',
      storage: 'storage_id',
      volume: 'storage_id',
      name: 'name',
      'volume name': 'name',
      'storage name': 'name',
      type: 'type',
      'volume type': 'type',
      'storage type': 'type',
      size: 'size_gb',
      'size gb': 'size_gb',
      'size (gb)': 'size_gb',
      capacity: 'size_gb',
      status: 'status',
      state: 'status',
      'attached to': 'attached_to',
      attached: 'attached_to',
      clusters: 'attached_to',
      cluster: 'attached_to',
      'cluster id': 'attached_to',
      ...CREATED,
    },
  },
  keys: {
    id: 'key_id',
    prefixes: ['k-', 'key-'],
    columns: { id: 'key_id', 'key id': 'key_id', 'ssh key id': 'key_id', name: 'name', 'key name': 'name', ...CREATED },
  },
};

/** Every status word the engine is known to use, for rows whose header does not say which cell is the status. */
const STATUSES = new Set([
  'pending',
  'queued',
  'provisioning',
  'creating',
  'starting',
  'initializing',
  'running',
  'ready',
  'available',
  'active',
  'busy',
  'idle',
  'attaching',
  'attached',
  'detaching',
  'detached',
  'in_use',
  'updating',
  'resizing',
  'stopping',
  'stopped',
  'destroying',
  'destroyed',
  'deleting',
  'deleted',
  'terminating',
  'terminated',
  'completed',
  'success',
  'succeeded',
  'failed',
  'error',
  'canceled',
  'cancelled',
]);

/** A job's status in the words the tools use, whatever the engine printed. */
export function jobStatus(word: string): string {
  const lower = word.toLowerCase();
  if (['success', 'succeeded', 'completed', 'complete', 'done', 'finished'].includes(lower)) return 'COMPLETED';
  if (['failed', 'failure', 'error', 'errored'].includes(lower)) return 'FAILED';
  if (['canceled', 'cancelled'].includes(lower)) return 'CANCELED';
  if (['pending', 'queued', 'starting', 'submitted', 'initializing'].includes(lower)) return 'PENDING';
  return word.toUpperCase();
}

function headerKey(cell: string): string {
  return cell.toLowerCase().replace(/[_-]/g, ' ').replace(/\s+/g, ' ').trim();
}

// an id is its prefix and letters and digits, one of them a digit: `c-abc123-0` (an instance) and `c-style` are not
const idPattern = (prefixes: readonly string[]) =>
  new RegExp(`(?<![\\w./-])(?:${prefixes.join('|')})(?=[A-Za-z0-9]*[0-9])[A-Za-z0-9]+(?![\\w/-])`, 'g');
const INSTANCE_ID = /(?<![\w./-])i-(?=[A-Za-z0-9]*[0-9])[A-Za-z0-9_-]+(?![\w/-])/g;

/** "100 GB", "2 TB", "100" under a GB header: a whole number of GB, or undefined. */
function sizeGb(cell: string, header: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(gb|gib|g|tb|tib|t)?$/i.exec(cell.trim());
  if (!match) return undefined;
  const unit = match[2]?.toLowerCase();
  const value = Number(match[1]);
  if (!unit) return /gb|gib/.test(header) ? value : undefined;
  return unit.startsWith('t') ? value * 1000 : value;
}

function cellValue(
  field: string,
  cell: string,
  header: string,
  kind: ListKind,
): string | number | string[] | undefined {
  const text = cell.trim();
  if (text === '' || text === '-' || text === '—') return undefined;
  switch (field) {
    case 'nodes':
      return /^\d+$/.test(text) ? Number(text) : undefined;
    case 'size_gb':
      return sizeGb(text, header);
    case 'instance_ids': {
      const ids = text.split(/[\s,]+/).filter((word) => /^[A-Za-z0-9][\w.-]*$/.test(word));
      return ids.length > 0 ? ids : undefined;
    }
    case 'status':
      return kind === 'jobs' ? jobStatus(text) : text.toUpperCase();
    default:
      return text;
  }
}

/** What a row shows without a header: its id by prefix, and a status word from the known set. */
function rowAlone(cells: readonly string[], spec: KindSpec, kind: ListKind): Row | undefined {
  const line = cells.join('  ');
  const id = [...line.matchAll(idPattern(spec.prefixes))][0]?.[0];
  if (!id) return undefined;
  const row: Row = { [spec.id]: id };
  const status = cells.map((cell) => cell.trim()).find((cell) => STATUSES.has(cell.toLowerCase()));
  if (status) row.status = kind === 'jobs' ? jobStatus(status) : status.toUpperCase();
  return row;
}

function tableRows(table: TextTable, spec: KindSpec, kind: ListKind): Row[] {
  const fields = table.header?.map((cell) => spec.columns[headerKey(cell)]);
  const rows: Row[] = [];
  for (const cells of table.rows) {
    let row: Row | undefined;
    if (table.header && fields && cells.length === table.header.length && fields.includes(spec.id)) {
      row = {};
      cells.forEach((cell, i) => {
        const field = fields[i];
        const value = field && cellValue(field, cell, headerKey(table.header![i]!), kind);
        if (field && value !== undefined && row![field] === undefined) row![field] = value;
      });
      // an id column holding something else is no row of this list
      const id = row[spec.id];
      if (typeof id !== 'string' || ![...id.matchAll(idPattern(spec.prefixes))].length)
        row = rowAlone(cells, spec, kind);
    } else {
      row = rowAlone(cells, spec, kind);
    }
    if (row) {
      rows.push(row);
      continue;
    }
    // `cluster list --instances` prints each node under its cluster
    const instances = [...cells.join(' ').matchAll(INSTANCE_ID)].map((match) => match[0]);
    const owner = rows.at(-1);
    if (kind === 'clusters' && owner && instances.length > 0) {
      const known = Array.isArray(owner.instance_ids) ? owner.instance_ids : [];
      owner.instance_ids = [...new Set([...known, ...instances])];
    }
  }
  return rows;
}

export interface ListReading {
  rows: Row[];
  /** The lines that were not table rows (notes, "Organization: …"), spinner lines left out. */
  notes: string[];
}

/** The rows of `kind` in tp's output, and what else it said. Rows with no id of the kind are left out. */
export function readList(kind: ListKind, stdout: string): ListReading {
  const text = withoutSpinnerLines(stdout);
  if (kind === 'buckets') return readBuckets(text);
  const spec = KINDS[kind];
  const known = new Set(Object.keys(spec.columns));
  const { tables, prose } = splitTables(text, (cell) => known.has(headerKey(cell)));
  const rows = tables.flatMap((table) => tableRows(table, spec, kind));
  const notes = prose.filter((line) => line.trim() !== '');
  // a list printed as lines of prose (one per item) still names its ids
  for (const line of [...notes]) {
    const row = rowAlone([line], spec, kind);
    if (row && !rows.some((known) => known[spec.id] === row[spec.id])) {
      rows.push(row);
      notes.splice(notes.indexOf(line), 1);
    }
  }
  return { rows, notes };
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `object-storage bucket list` prints one name a line (or a table with a NAME column). */
function readBuckets(text: string): ListReading {
  const { tables, prose } = splitTables(text, (cell) => ['name', 'bucket', 'bucket name'].includes(headerKey(cell)));
  const rows: Row[] = [];
  for (const table of tables) {
    const column = table.header?.findIndex((cell) => ['name', 'bucket', 'bucket name'].includes(headerKey(cell))) ?? -1;
    if (column < 0) continue;
    for (const cells of table.rows) if (BUCKET.test(cells[column] ?? '')) rows.push({ name: cells[column]! });
  }
  const notes: string[] = [];
  for (const line of prose) {
    if (BUCKET.test(line.trim())) rows.push({ name: line.trim() });
    else if (line.trim()) notes.push(line);
  }
  return { rows, notes };
}

/** The rows as compact text: one line of field names, then one line a row, cells split by two spaces. */
export function renderRows(rows: readonly Row[]): string {
  const fields = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: Row[string] | undefined) =>
    value === undefined ? '-' : Array.isArray(value) ? value.join(',') : String(value);
  return [fields.join('  '), ...rows.map((row) => fields.map((field) => cell(row[field])).join('  '))].join('\n');
}
