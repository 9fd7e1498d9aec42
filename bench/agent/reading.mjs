// How the benchmark's agent takes an id, a status or a size out of what it read, and where it took
// it from: a field of structuredContent, the prose of the text, or a row of a table. Issue 16 asks
// that no id, status or size come from a table, so every value taken is recorded with its source.

/** Status words the engine's tables have used, lower-case; a row's status is the first cell among them. */
const STATUS_WORDS = new Set([
  'running',
  'provisioning',
  'pending',
  'queued',
  'starting',
  'creating',
  'ready',
  'attached',
  'available',
  'success',
  'succeeded',
  'completed',
  'failed',
  'error',
  'canceled',
  'cancelled',
  'stopped',
  'destroying',
  'destroyed',
]);
const PREFIX = {
  cluster_id: /^c-[\w-]+$/,
  job_id: /^(?:j|job)-[\w-]+$/,
  storage_id: /^s-[\w-]+$/,
  key_id: /^(?:k|key)-[\w-]+$/,
};

/** The first value under `key` anywhere in `value` (breadth first), or undefined. */
function findField(value, key) {
  const queue = [value];
  while (queue.length > 0) {
    const item = queue.shift();
    if (item === null || typeof item !== 'object') continue;
    if (!Array.isArray(item) && Object.hasOwn(item, key) && item[key] !== null && typeof item[key] !== 'object')
      return item[key];
    queue.push(...Object.values(item));
  }
  return undefined;
}

/** The first array of objects anywhere in `value` whose items carry `idKey`, or undefined. */
function findRows(value, idKey) {
  const queue = [value];
  while (queue.length > 0) {
    const item = queue.shift();
    if (item === null || typeof item !== 'object') continue;
    if (
      Array.isArray(item) &&
      item.length > 0 &&
      item.every((row) => row && typeof row === 'object' && Object.hasOwn(row, idKey))
    )
      return item;
    queue.push(...Object.values(item));
  }
  return undefined;
}

/**
 * The rows of whatever table `text` holds, read the way an agent reads one: a line is a row when a
 * cell is an id of the kind asked for; its status is the cell that is a known status word, its
 * cluster the cell that is a cluster id, its size a cell like "100 GB". Box drawing is ignored.
 */
export function tableRows(text, idKey) {
  const rows = [];
  for (const line of text.split('\n')) {
    const cells = line
      .split(/[│┃║|]|\s{2,}/)
      .map((cell) => cell.trim())
      .filter(Boolean);
    const id = cells.find((cell) => PREFIX[idKey].test(cell));
    if (!id) continue;
    const row = { [idKey]: id };
    const status = cells.find((cell) => STATUS_WORDS.has(cell.toLowerCase()));
    if (status) row.status = status;
    const cluster = cells.find((cell) => cell !== id && PREFIX.cluster_id.test(cell));
    if (cluster) row.cluster_id = cluster;
    const size = cells.map((cell) => /^(\d+)\s*GB$/i.exec(cell)).find(Boolean);
    if (size) row.size_gb = Number(size[1]);
    rows.push(row);
  }
  return rows;
}

/** All the text a tool result shows the model: its text blocks, and any other block as JSON. */
function resultText(result) {
  return (result.content ?? []).map((block) => (block.type === 'text' ? block.text : JSON.stringify(block))).join('\n');
}

/**
 * One tool result as the benchmark's agent reads it. Every value taken goes into `taken` with its
 * source ('structured', 'text' or 'table'), for the report.
 */
export class ResultView {
  constructor(result) {
    this.result = result;
    this.text = resultText(result);
    this.structured = result.structuredContent;
    this.taken = [];
  }

  get isError() {
    return this.result.isError === true;
  }

  /**
   * A field from structuredContent (`names`: one name, or several to try in turn); else the first
   * match of `pattern` in the text (its group 1 if it has one).
   */
  field(names, pattern) {
    const tried = [names].flat();
    const name = tried[0];
    for (const candidate of tried) {
      const fromStructured = findField(this.structured, candidate);
      if (fromStructured !== undefined) return this.#took(candidate, fromStructured, 'structured');
    }
    const match = pattern?.exec(this.text);
    if (!match)
      throw new Error(`no ${tried.join(' or ')} in the result, neither as a field nor in the text:\n${this.text}`);
    return this.#took(name, match[1] ?? match[0], 'text');
  }

  /** Rows carrying `idKey` from structuredContent; else the rows of the table in the text. */
  rows(idKey) {
    const fromStructured = findRows(this.structured, idKey);
    if (fromStructured) {
      this.taken.push({ what: `${idKey} rows`, value: fromStructured.length, source: 'structured' });
      return fromStructured;
    }
    const fromTable = tableRows(this.text, idKey);
    this.taken.push({ what: `${idKey} rows`, value: fromTable.length, source: 'table' });
    return fromTable;
  }

  #took(what, value, source) {
    this.taken.push({ what, value, source });
    return value;
  }
}

/** A status compared the way an agent would: case and spelling variants aside. */
export const statusIs = (status, ...words) => words.includes(String(status ?? '').toLowerCase());
