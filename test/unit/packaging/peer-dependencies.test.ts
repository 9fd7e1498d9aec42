import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertBuilt } from '../../helpers/server-process.js';

// What the published package needs from its user's node_modules, measured on the build: at run time
// nothing (the bundle inlines every dependency), for the types of its library API only what
// dist/index.d.ts imports. package.json's peerDependencies must say exactly that.

const ROOT = resolve(import.meta.dirname, '../../..');
const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};
// debug (inside express) tries require('supports-color') and goes on without it
const OPTIONAL_AT_RUN_TIME = new Set(['supports-color']);

/** The package a bare specifier names: `@scope/name/sub` → `@scope/name`, `zod/v4` → `zod`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

describe('what the package needs besides itself', () => {
  it('at run time: only Node built-ins, since the bundle inlines the SDK, zod and the rest', () => {
    assertBuilt();
    const metafile = JSON.parse(readFileSync(resolve(ROOT, 'dist/metafile-esm.json'), 'utf8')) as {
      outputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
    };
    const builtins = new Set(builtinModules);
    const outside = Object.values(metafile.outputs)
      .flatMap((output) => output.imports.filter((imported) => imported.external).map((imported) => imported.path))
      .map((path) => path.replace(/^node:/, ''))
      .filter((path) => !builtins.has(path) && !OPTIONAL_AT_RUN_TIME.has(path));
    expect([...new Set(outside)]).toEqual([]);
  });

  it('for the types of the library API: the packages dist/index.d.ts imports, as optional peers', () => {
    assertBuilt();
    const declarations = readFileSync(resolve(ROOT, 'dist/index.d.ts'), 'utf8');
    const imported = new Set(
      [...declarations.matchAll(/^import[^;]*?from '([^'.][^']*)'/gm)].map((match) => packageOf(match[1]!)),
    );
    expect(Object.keys(pkg.peerDependencies ?? {}).sort()).toEqual([...imported].sort());
    for (const name of imported) expect(pkg.peerDependenciesMeta?.[name]?.optional, name).toBe(true);
  });
});
