/**
 * tp prints lists as tables laid out by the engine: a header of upper-case column names, then one
 * line per row, columns aligned by spaces. The view wants rows; a line tp prints around the table
 * ("* Authenticating...") is not one.
 */
export type Row = Record<string, string>;

const HEADER = /^[A-Z][A-Z0-9 _()/-]*[A-Z0-9)]$/;

/** Rows of the first table in `text`, keyed by lower_snake_case column names ("CLUSTER ID" → cluster_id). */
export function parseTable(text: string): Row[] {
  const lines = text.split('\n').map((line) => line.replace(/\s+$/, ''));
  const at = lines.findIndex((line) => HEADER.test(line.trim()) && / {2,}/.test(line.trim()));
  if (at === -1) return [];
  const header = lines[at]!;
  const columns: { name: string; start: number }[] = [];
  for (const match of header.matchAll(/\S+(?: \S+)*/g)) {
    columns.push({ name: match[0].toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, ''), start: match.index });
  }
  const rows: Row[] = [];
  for (const line of lines.slice(at + 1)) {
    if (!line.trim()) {
      if (rows.length) break;
      continue;
    }
    if (/^[*─-]/.test(line.trim()) && !rows.length) continue;
    const row: Row = {};
    columns.forEach((column, index) => {
      const end = columns[index + 1]?.start ?? line.length;
      row[column.name] = line.slice(column.start, index === columns.length - 1 ? undefined : end).trim();
    });
    rows.push(row);
  }
  return rows;
}

/** "Key: value" lines (tp job info, cluster info) as lower_snake_case fields. */
export function parseFields(text: string): Row {
  const fields: Row = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z][A-Za-z0-9 _-]{0,40}):\s+(.+)$/.exec(line.trim());
    if (match) fields[match[1]!.toLowerCase().replace(/[^a-z0-9]+/g, '_')] = match[2]!.trim();
  }
  return fields;
}
