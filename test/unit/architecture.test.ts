import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The folder rules of src/, checked on every import, static and dynamic:
 * - tp/ and files/ import nothing above them: only their own folder and the leaf modules;
 * - the leaf modules (at the root, and config/api-key.ts, which names the key variables) import only each other;
 * - only server/ and transports/ use the MCP SDK's server classes, and only tp/ starts processes;
 * - tools know nothing about the server or transports, and transports nothing about tools;
 * - every error class lives in errors.ts.
 */

const SRC = resolve(import.meta.dirname, '../../src');
const LEAVES = new Set([
  'errors.ts',
  'temp-dirs.ts',
  'log.ts',
  'version.ts',
  'net.ts',
  'shell-quote.ts',
  'deep-freeze.ts',
  'config/api-key.ts',
]);

/** The folder a src file belongs to ('tp', 'server', …), or 'root' for the files directly in src/. */
function folderOf(file: string): string {
  return file.includes('/') ? file.split('/')[0]! : 'root';
}

/** An import as the rules see it: a file of src/ (as 'tp/runner.ts'), a package, or a path outside src/. */
type Target = { kind: 'src'; file: string } | { kind: 'package'; name: string } | { kind: 'outside'; path: string };

function targetOf(file: string, specifier: string): Target {
  if (!specifier.startsWith('.')) return { kind: 'package', name: specifier };
  const absolute = resolve(SRC, dirname(file), specifier).replace(/\.js$/, '.ts');
  const inside = relative(SRC, absolute);
  if (inside.startsWith('..')) return { kind: 'outside', path: relative(resolve(SRC, '..'), absolute) };
  return { kind: 'src', file: inside.split(sep).join('/') };
}

/** Why `file` may not import `specifier`, or undefined when it may. */
function ruleBroken(file: string, specifier: string): string | undefined {
  const from = folderOf(file);
  const target = targetOf(file, specifier);
  if (target.kind === 'outside')
    return target.path === 'package.json' ? undefined : 'src/ imports nothing outside src/ but package.json';
  if (target.kind === 'package') {
    if (specifier.startsWith('@modelcontextprotocol/sdk/server/') && from !== 'server' && from !== 'transports') {
      return "only server/ and transports/ import the MCP SDK's server classes";
    }
    if (specifier === 'cross-spawn' && from !== 'tp') return 'only tp/ starts processes';
    return undefined;
  }
  const to = folderOf(target.file);
  const toLeaf = LEAVES.has(target.file);
  if (LEAVES.has(file) && !toLeaf) return 'the leaf modules import only each other';
  if ((from === 'tp' || from === 'files') && to !== from && !toLeaf)
    return `${from}/ imports only ${from}/ and the leaf modules`;
  if (from === 'tools' && (to === 'server' || to === 'transports'))
    return 'tools/ never imports server/ or transports/';
  if (from === 'transports' && (to === 'tools' || to === 'registry'))
    return 'transports/ never import tools/ or registry/';
  return undefined;
}

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(SRC, path).split(sep).join('/')] : [];
  });
}

/** Every module specifier of a file: import and export declarations, type-only or not, and import(). */
function importsOf(file: string): string[] {
  return ts
    .preProcessFile(readFileSync(join(SRC, file), 'utf8'), true, true)
    .importedFiles.map((imported) => imported.fileName);
}

describe('folder rules of src/', () => {
  const files = sourceFiles();

  it('reads every file of src/ and its imports, dynamic ones included', () => {
    expect(files).toEqual(expect.arrayContaining(['cli.ts', 'errors.ts', 'tp/runner.ts', 'server/call-pipeline.ts']));
    expect(importsOf('cli.ts')).toEqual(
      expect.arrayContaining(['./transports/http.js', './transports/stdio.js', './errors.js']),
    );
  });

  it('no import breaks a rule', () => {
    const violations = files.flatMap((file) =>
      importsOf(file).flatMap((specifier) => {
        const rule = ruleBroken(file, specifier);
        return rule ? [`src/${file} imports ${specifier}: ${rule}`] : [];
      }),
    );
    expect(violations).toEqual([]);
  });

  it.each([
    ['tp/runner.ts', '../shape/shape.js', /tp\/ imports only tp\//],
    ['tp/runner.ts', '../files/ssh-key.js', /tp\/ imports only tp\//],
    ['files/allowed-dirs.ts', '../config/config.js', /files\/ imports only files\//],
    ['tp/runner.ts', '../config/options.js', /tp\/ imports only tp\//],
    ['config/api-key.ts', './options.js', /leaf modules import only each other/],
    ['log.ts', './tp/redact.js', /leaf modules import only each other/],
    ['errors.ts', './cli.js', /leaf modules import only each other/],
    ['registry/tool.ts', '@modelcontextprotocol/sdk/server/mcp.js', /only server\/ and transports\//],
    ['cli.ts', '@modelcontextprotocol/sdk/server/stdio.js', /only server\/ and transports\//],
    ['tools/job.ts', 'cross-spawn', /only tp\/ starts processes/],
    ['tools/job.ts', '../server/approval.js', /tools\/ never imports server\//],
    ['transports/http.ts', '../registry/tool.js', /transports\/ never import tools\/ or registry\//],
    ['tp/commands.ts', '../../docs/tp-cli.md', /nothing outside src/],
  ])('%s importing %s is reported', (file, specifier, rule) => {
    expect(ruleBroken(file, specifier)).toMatch(rule);
  });

  it.each([
    ['tp/runner.ts', '../errors.js'],
    ['files/ssh-key.ts', '../temp-dirs.js'],
    ['tp/runner.ts', '../config/api-key.js'],
    ['errors.ts', './config/api-key.js'],
    ['version.ts', '../package.json'],
    ['server/create-server.ts', '@modelcontextprotocol/sdk/server/mcp.js'],
    ['tools/job.ts', '../files/allowed-dirs.js'],
  ])('%s may import %s', (file, specifier) => {
    expect(ruleBroken(file, specifier)).toBeUndefined();
  });

  it('every error class is declared in errors.ts', () => {
    const elsewhere = files
      .filter((file) => file !== 'errors.ts')
      .flatMap((file) =>
        [...readFileSync(join(SRC, file), 'utf8').matchAll(/class (\w+) extends (\w*Error)\b/g)].map(
          (match) => `src/${file}: ${match[1]}`,
        ),
      );
    expect(elsewhere).toEqual([]);
  });
});
