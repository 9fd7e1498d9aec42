import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Options } from 'tsup';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * Code of our dependencies that the server provably never runs, replaced in the bundle by a stand-in
 * that throws (build/stubs/). test/unit/build/slim-bundle.test.ts checks, against the installed SDK
 * and zod, that each import below is still the only way in and that its code stays unreachable;
 * the SDK is pinned to the minor version this was checked on.
 */
export interface Substitute {
  /** The import as written in the importing module. */
  specifier: string;
  /** The modules whose import of `specifier` is replaced (path relative to node_modules, with /). */
  importer: RegExp;
  /** File in build/stubs/. */
  stub: string;
}

export const SUBSTITUTES: readonly Substitute[] = [
  {
    specifier: '../validation/ajv-provider.js',
    importer: /^@modelcontextprotocol\/sdk\/dist\/esm\/server\/index\.js$/,
    stub: 'ajv-provider.ts',
  },
  {
    specifier: 'zod-to-json-schema',
    importer: /^@modelcontextprotocol\/sdk\/dist\/esm\/server\/zod-json-schema-compat\.js$/,
    stub: 'zod-to-json-schema.ts',
  },
  {
    specifier: 'zod/v3',
    importer: /^@modelcontextprotocol\/sdk\/dist\/esm\/server\/zod-compat\.js$/,
    stub: 'zod-v3.ts',
  },
  {
    specifier: '../locales/index.js',
    importer: /^zod\/v4\/(core\/index|classic\/external|mini\/external)\.js$/,
    stub: 'zod-locales.ts',
  },
];

/**
 * What must not reach the bundle at all: an import the list above does not replace fails the build.
 * A package name covers its subpaths; zod's locale tables are named exactly, so locales/en.js stays allowed.
 */
export const LEFT_OUT = ['ajv', 'ajv-formats', 'zod-to-json-schema', 'zod/v3', 'zod/locales', 'zod/v4/locales'];

/** The SDK minor version the substitutions were checked against. */
export const CHECKED_SDK_MINOR = '1.32';

const STUBS = join(dirname(fileURLToPath(import.meta.url)), 'stubs');

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The importing module as a path below node_modules, or undefined for our own sources. */
function packagePath(importer: string): string | undefined {
  const normalized = importer.replaceAll('\\', '/');
  const at = normalized.lastIndexOf('/node_modules/');
  return at === -1 ? undefined : normalized.slice(at + '/node_modules/'.length);
}

export function slimBundle(): Plugin {
  const specifiers = [...new Set([...SUBSTITUTES.map((s) => s.specifier), ...LEFT_OUT])];
  const filter = new RegExp(`^(${specifiers.map(escapeRegExp).join('|')})(/.*)?$`);
  return {
    name: 'tensorpool-slim-bundle',
    setup(build) {
      build.onResolve({ filter }, (args) => {
        const from = packagePath(args.importer);
        const substitute = SUBSTITUTES.find(
          (s) => s.specifier === args.path && from !== undefined && s.importer.test(from),
        );
        if (substitute) return { path: join(STUBS, substitute.stub) };
        const leftOut = LEFT_OUT.find(
          (name) => args.path === name || (!name.includes('/') && args.path.startsWith(`${name}/`)),
        );
        if (leftOut) {
          return {
            errors: [
              {
                text:
                  `${args.path} is imported by ${from ?? args.importer}, a path build/slim-bundle.ts has not ` +
                  `checked. ` +
                  'Check that it is never reached and add it to SUBSTITUTES, or remove the package from LEFT_OUT.',
              },
            ],
          };
        }
        return undefined;
      });
    },
  };
}
