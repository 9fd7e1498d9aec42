/** What the view shows of a list row or of `tp job info`: text by field (lists are read by results/rows.ts). */
export type Row = Record<string, string>;

/** "Key: value" lines (tp job info, cluster info) as lower_snake_case fields. */
export function parseFields(text: string): Row {
  const fields: Row = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z][A-Za-z0-9 _-]{0,40}):\s+(.+)$/.exec(line.trim());
    if (match) fields[match[1]!.toLowerCase().replace(/[^a-z0-9]+/g, '_')] = match[2]!.trim();
  }
  return fields;
}
