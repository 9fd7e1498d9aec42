import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** The names README's layout block gives under src/: folders as `name/`, files as `name.ts`. */
function layoutNames(readme: string): string[] {
  const block = /^Layout .*\n\n```\n(src\/\n[\s\S]*?)```/m.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no "Layout" code block starting with src/');
  const names: string[] = [];
  for (const line of block.split('\n').slice(1)) {
    // a line names one or more entries, then describes them; a line that goes on describing names none
    for (const word of line.trim().split(' ')) {
      if (!/^[\w.-]+(\/|\.ts)$/.test(word)) break;
      names.push(word);
    }
  }
  return names;
}

/** What src/ holds at its top level, named the way the layout names it. */
function srcEntries(): string[] {
  return readdirSync(resolve(ROOT, 'src'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() || entry.name.endsWith('.ts'))
    .map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name));
}

describe("README's layout of src/", () => {
  const named = layoutNames(readFileSync(resolve(ROOT, 'README.md'), 'utf8'));

  it('reads the block the way a person does: folders and files at the start of each line', () => {
    expect(named).toEqual(
      expect.arrayContaining(['cli.ts', 'tools/', 'doctor/', 'subcommands/', 'errors.ts', 'version.ts']),
    );
    // words of a description are not names, even when they look like one
    expect(named).not.toContain('stdio.ts,');
    expect(named).not.toContain('options.ts');
  });

  it('names every top-level folder and file of src/, and nothing that is not there', () => {
    const present = srcEntries();
    expect({ missingFromReadme: present.filter((name) => !named.includes(name)) }).toEqual({ missingFromReadme: [] });
    expect({ namedButGone: named.filter((name) => !present.includes(name)) }).toEqual({ namedButGone: [] });
  });

  it('names each entry once', () => {
    expect(named.filter((name, index) => named.indexOf(name) !== index)).toEqual([]);
  });
});
