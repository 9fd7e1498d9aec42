import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The repository stands on its own: a fresh clone with nothing beside it must build and test. So no
 * file that code, tests, benchmarks or docs rely on may point outside the repository root — not at a
 * sibling folder (the CLI reference once lived in one), not through a relative path that climbs
 * above the root. The tp reference lives in docs/tp-cli.md and test/reference/tp-usage/.
 * (.ci/run proves the same end to end by running the suite in a lone clone.)
 */

const ROOT = resolve(import.meta.dirname, '../..');
const CHECKED = ['src', 'test', 'bench', 'bin', 'docs', '.ci', 'README.md'];
const TEXT = /\.(ts|mts|js|mjs|cjs|json|md|txt|sh|toml|ya?ml)$|(^|\/)[^./]+$/;
/** This file: its examples of what the check catches are bad on purpose. */
const SELF = relative(ROOT, import.meta.filename)
  .split(sep)
  .join('/');
const SIBLING_REFERENCE = /\.\.\/(?:\.\.\/)*shared\b/;

/** Tracked files plus new ones git does not ignore; without git, every file under the checked paths. */
function repositoryFiles(): string[] {
  try {
    const out = execFileSync(
      'git',
      ['ls-files', '--cached', '--others', '--exclude-standard', '-z', '--', ...CHECKED],
      { cwd: ROOT, encoding: 'utf8' },
    );
    // a tracked file deleted in the working tree is on its way out: only what is there counts
    return out.split('\0').filter((file) => file && existsSync(join(ROOT, file)));
  } catch {
    const walk = (path: string): string[] => {
      const full = join(ROOT, path);
      if (!statSync(full, { throwIfNoEntry: false })) return [];
      if (!statSync(full).isDirectory()) return [path];
      return readdirSync(full)
        .filter((name) => name !== 'node_modules')
        .flatMap((name) => walk(join(path, name)));
    };
    return CHECKED.flatMap(walk);
  }
}

/** Whether `target`, resolved from `fromDir`, stays inside the repository. */
const inside = (fromDir: string, target: string) => {
  const path = relative(ROOT, resolve(fromDir, target));
  return path !== '..' && !path.startsWith(`..${sep}`) && !isAbsolute(path);
};

/**
 * The references in one file's text that leave the repository: a sibling `shared` folder, any
 * quoted or linked relative path (alone or as consecutive path arguments, `'..', '..'`) that
 * climbs above the root when resolved from the file's own directory.
 */
function escapes(file: string, text: string): string[] {
  const dir = dirname(resolve(ROOT, file));
  const found: string[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    const where = `${file}:${index + 1}`;
    if (SIBLING_REFERENCE.test(line)) found.push(`${where}: refers to a folder beside the repository: ${line.trim()}`);
    // runs of quoted strings separated by commas: resolve(dir, '..', '..', 'x') or a lone '../../x'
    for (const run of line.matchAll(/(['"`])[^'"`\n]*\1(?:\s*,\s*(['"`])[^'"`\n]*\2)*/g)) {
      const parts = [...run[0].matchAll(/(['"`])([^'"`\n]*)\1/g)].map((m) => m[2]!);
      if (!parts[0]?.startsWith('..') || parts.some((part) => part.includes('${'))) continue;
      if (parts.length === 1 && !parts[0].includes('/')) continue; // a lone '..' in prose is no path
      const target = parts.join('/');
      if (!inside(dir, target)) found.push(`${where}: ${run[0]} climbs above the repository root`);
    }
    // Markdown links
    for (const link of line.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)) {
      const target = link[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('/')) continue;
      if (!inside(dir, target)) found.push(`${where}: link ${target} points outside the repository`);
    }
  });
  return found;
}

describe('the repository is self-contained', () => {
  it('finds the files it checks', () => {
    const files = repositoryFiles();
    expect(files).toContain('README.md');
    expect(files).toContain('docs/tp-cli.md');
    expect(files.some((file) => file.startsWith('test/reference/tp-usage/'))).toBe(true);
  });

  it('no file in src, test, bench, bin, docs, .ci or README.md refers to a path outside the repository', () => {
    const problems = repositoryFiles()
      .filter((file) => TEXT.test(file) && file !== SELF)
      .flatMap((file) => escapes(file, readFileSync(join(ROOT, file), 'utf8')));
    expect(problems).toEqual([]);
  });

  it('the check itself catches what it is for, and lets the rest be', () => {
    // built from parts, so that no file of the repository itself reads as such a reference
    expect(escapes('src/tp/commands.ts', ` * in one place (../${'shared'}/tp-cli.md §2)`)).toHaveLength(1);
    expect(
      escapes('test/unit/tp/x.test.ts', "readFileSync(resolve(import.meta.dirname, '../../../../usage/0.0.6.txt'))"),
    ).toHaveLength(1);
    expect(
      escapes('test/integration/x.test.ts', "resolve(import.meta.dirname, '..', '..', '..', 'elsewhere')"),
    ).toHaveLength(1);
    expect(escapes('README.md', 'see [the reference](../elsewhere/tp-cli.md)')).toHaveLength(1);
    expect(escapes('bench/memory.mjs', "new URL('../../outside.mjs', import.meta.url)")).toHaveLength(1);

    expect(escapes('test/helpers/tp-usage.ts', "resolve(import.meta.dirname, '../reference/tp-usage')")).toEqual([]);
    expect(escapes('test/integration/x.test.ts', "import { x } from '../../src/tools/index.js';")).toEqual([]);
    expect(escapes('test/integration/x.test.ts', "{ filename: '../evil.toml' }")).toEqual([]);
    expect(
      escapes('docs/tp-cli.md', '[usage](../test/reference/tp-usage/) and [site](https://example.com/../x)'),
    ).toEqual([]);
    expect(escapes('README.md', 'symlinks and `..` are resolved first')).toEqual([]);
  });
});
