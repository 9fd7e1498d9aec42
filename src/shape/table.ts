/**
 * The tables in tp's output, read as cells. The engine formats them and its layout is not ours: it
 * has drawn boxes and padded plain columns, and may draw something else tomorrow. So this reads only
 * what any layout shows: lines of cells split by a vertical rule (`│ ┃ |`), or by runs of two or more
 * spaces, between rule lines that hold nothing but drawing characters. Which cell means what is for
 * the caller to take from the header's words, never from a position.
 */

export interface TextTable {
  /** The header's cells, when the first row is one (followed by a rule, or made only of words). */
  header?: string[];
  rows: string[][];
}

export interface SplitText {
  tables: TextTable[];
  /** The lines that are not part of a table, in order. */
  prose: string[];
}

// a line made of drawing characters only (top, bottom, header rules of any box style or ASCII grid)
const RULE = /^[\s─━═╌┄┈╍┅┉\-=_+|│┃┆┇┊┋╎╏║┌┐└┘├┤┬┴┼╭╮╯╰┏┓┗┛┣┫┳┻╋┡┩╇┢┪╈┠┨┯┷┿╔╗╚╝╠╣╦╩╬╒╕╘╛╞╡╤╧╪╓╖╙╜╟╢╥╨╫:]+$/;
const RULE_DASH = /[─━═╌┄┈╍┅┉\-=]/;
const VERTICAL = /[│┃|║┆┇┊┋╎╏]/;
const PADDED = /\S {2,}\S/;

function isRule(line: string): boolean {
  return line.trim().length >= 3 && RULE.test(line) && RULE_DASH.test(line);
}

function ruledCells(line: string): string[] | undefined {
  if (!VERTICAL.test(line)) return undefined;
  const cells = line.split(VERTICAL).map((cell) => cell.trim());
  // a leading and a trailing rule leave an empty cell at each end
  if (cells[0] === '') cells.shift();
  if (cells.at(-1) === '') cells.pop();
  return cells.length >= 2 ? cells : undefined;
}

function paddedCells(line: string): string[] | undefined {
  if (!PADDED.test(line.trim())) return undefined;
  const cells = line.trim().split(/ {2,}/);
  return cells.length >= 2 ? cells : undefined;
}

/** Header words: letters, spaces and a little punctuation, as in `INSTANCE TYPE`, `Size (GB)`, `#`. */
const HEADER_CELL = /^[A-Za-z#][A-Za-z0-9 #()./_-]*$/;

/** Whether a row of cells reads as a header: words only, none of them an id or a number. */
function looksLikeHeader(cells: readonly string[], isHeaderWord: (cell: string) => boolean): boolean {
  return cells.every((cell) => cell === '' || HEADER_CELL.test(cell)) && cells.some(isHeaderWord);
}

/**
 * Splits `text` into its tables and the rest. `isHeaderWord` tells a column name the caller knows
 * (`STATUS`, `Cluster ID`), so a plain-column header is recognised without a rule below it.
 */
export function splitTables(text: string, isHeaderWord: (cell: string) => boolean): SplitText {
  const tables: TextTable[] = [];
  const prose: string[] = [];
  let current: { lines: string[]; cells: string[][]; ruled: boolean; ruleAfterFirst: boolean } | undefined;
  let sawRule = false;

  const close = () => {
    if (!current) return;
    const [first, ...rest] = current.cells;
    const header = current.ruleAfterFirst || looksLikeHeader(first!, isHeaderWord) ? first : undefined;
    // one padded line alone is prose that happens to hold two spaces, not a table
    if (!current.ruled && !header && current.cells.length === 1) prose.push(...current.lines);
    else tables.push({ header, rows: mergeWrapped(header ? rest : current.cells) });
    current = undefined;
  };

  for (const line of text.split('\n')) {
    if (isRule(line)) {
      if (current?.cells.length === 1) current.ruleAfterFirst = true;
      sawRule = true;
      continue;
    }
    const ruled = ruledCells(line);
    const cells = ruled ?? paddedCells(line);
    if (!cells) {
      close();
      // the blank lines a box layout leaves around itself say nothing
      if (!(sawRule && line.trim() === '')) prose.push(line);
      continue;
    }
    if (current && current.ruled !== Boolean(ruled)) close();
    current ??= { lines: [], cells: [], ruled: Boolean(ruled), ruleAfterFirst: false };
    current.lines.push(line);
    current.cells.push(cells);
  }
  close();
  return { tables, prose };
}

/**
 * A box table wraps a long cell onto the next line, leaving that line's other cells empty, and the
 * first cell (the id) is never wrapped: such a line continues the row above it.
 */
function mergeWrapped(rows: readonly string[][]): string[][] {
  const merged: string[][] = [];
  for (const row of rows) {
    const previous = merged.at(-1);
    if (previous && row[0] === '' && row.length === previous.length) {
      row.forEach((cell, i) => {
        if (cell) previous[i] = previous[i] ? `${previous[i]} ${cell}` : cell;
      });
    } else {
      merged.push([...row]);
    }
  }
  return merged;
}

/** tp's spinner prints `* Authenticating...` and the like, a line per step off a terminal: progress, never a result. */
export function isSpinnerLine(line: string): boolean {
  return line.startsWith('* ');
}

/** `text` without tp's spinner lines. */
export function withoutSpinnerLines(text: string): string {
  return text
    .split('\n')
    .filter((line) => !isSpinnerLine(line))
    .join('\n');
}
