import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The usage lines the real `tp` printed for `tp <command> --help` (docs/tp-cli.md §1), kept verbatim
 * in test/reference/tp-usage/<version>.txt. A missing or malformed file throws: a test that needs the
 * reference must fail, never run with fewer cases.
 */

const TP_USAGE_DIR = resolve(import.meta.dirname, '../reference/tp-usage');

/** The generations that have a file; 0.0.7 is derived from 0.0.8. */
export const USAGE_VERSIONS = ['0.0.6', '0.0.8', '0.0.9'] as const;
export type UsageVersion = (typeof USAGE_VERSIONS)[number];
export type UsageGeneration = UsageVersion | '0.0.7';

export interface UsageEntry {
  /** The words between `tp` and `--help`, e.g. `cluster create`; '' for bare `tp`. */
  command: string;
  exit: number;
  /** The first line printed: a usage line on exit 0, argparse's error on exit 2. */
  line: string;
}

const cache = new Map<UsageVersion, UsageEntry[]>();

/** Every entry of one file, in file order. */
export function readUsageFile(version: UsageVersion): UsageEntry[] {
  const cached = cache.get(version);
  if (cached) return cached;
  const file = join(TP_USAGE_DIR, `${version}.txt`);
  if (!existsSync(file)) {
    throw new Error(
      `The tp usage reference ${file} is missing. It is part of the repository (see docs/tp-cli.md); restore it with ` +
        `git.`,
    );
  }
  const lines = readFileSync(file, 'utf8').split('\n');
  const entries: UsageEntry[] = [];
  lines.forEach((heading, index) => {
    const match = /^tp (.*?)\s*--help {2}\[exit (\d+)\]$/.exec(heading);
    if (!match) return;
    const printed = lines[index + 1] ?? '';
    if (!printed.startsWith('    ')) throw new Error(`${file}: no indented line after "${heading}"`);
    entries.push({ command: match[1]!.trim(), exit: Number(match[2]), line: printed.slice(4) });
  });
  if (entries.length === 0) throw new Error(`${file} holds no "tp ... --help  [exit N]" entries`);
  cache.set(version, entries);
  return entries;
}

/** 0.0.7 has no file: it is 0.0.8 with the container option under its old name (docs/tp-cli.md §1). */
export function usageEntries(gen: UsageGeneration): UsageEntry[] {
  if (gen !== '0.0.7') return readUsageFile(gen);
  return readUsageFile('0.0.8').map((entry) =>
    entry.command === 'cluster create'
      ? {
          ...entry,
          line: entry.line.replace('[--container CONTAINER]', '[--experimental-container EXPERIMENTAL_CONTAINER]'),
        }
      : entry,
  );
}

/** The usage line `tp <command> --help` prints on a generation; throws when the command has none there. */
export function usageLine(gen: UsageGeneration, command: string): string {
  const entry = usageEntries(gen).find((e) => e.command === command);
  if (entry?.exit !== 0) throw new Error(`test/reference/tp-usage has no usage line for "tp ${command}" on ${gen}`);
  return entry.line;
}
