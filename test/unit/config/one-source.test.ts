// Issue 17, "One Config": the environment is read in one place and the key variables are named in one,
// so a new reader of either cannot slip in unseen. Comments are not code: only the syntax tree is read.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { API_KEY_VARIABLE, KEY_VARIABLES, TP_KEY_VARIABLE } from '../../../src/config/api-key.js';
import { OPTIONS } from '../../../src/config/options.js';

const SRC = resolve(import.meta.dirname, '../../../src');

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [relative(SRC, path).split(sep).join('/')] : [];
  });
}

/** The code of a file as the words it is made of: identifiers, strings, template parts and regexes (no comments). */
const parsed = new Map<string, string[]>();

function tokensOf(file: string): string[] {
  const known = parsed.get(file);
  if (known) return known;
  const source = ts.createSourceFile(file, readFileSync(join(SRC, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const tokens: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && node.expression.getText(source) === 'process')
      tokens.push(`process.${node.name.text}`);
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) tokens.push(node.text);
    else if (ts.isStringLiteralLike(node) || ts.isTemplateLiteralToken(node) || ts.isRegularExpressionLiteral(node))
      tokens.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  parsed.set(file, tokens);
  return tokens;
}

/** Files of src/ whose code matches `found`. */
function filesWhere(found: (tokens: string[]) => boolean): string[] {
  return sourceFiles().filter((file) => found(tokensOf(file)));
}

const readsProcessEnv = (tokens: string[]) => tokens.includes('process.env');

describe('one Config', () => {
  it('sees what it looks for: the entry reads process.env, the key module names the key variables', () => {
    expect(readsProcessEnv(tokensOf('cli.ts'))).toBe(true);
    expect(tokensOf('config/api-key.ts').some((token) => token.includes(API_KEY_VARIABLE))).toBe(true);
    expect(KEY_VARIABLES).toEqual([TP_KEY_VARIABLE, API_KEY_VARIABLE]);
  });

  it('process.env is read only by the entry (cli.ts) and src/config; everything else receives values', () => {
    const readers = filesWhere(readsProcessEnv).filter((file) => file !== 'cli.ts' && !file.startsWith('config/'));
    expect(readers).toEqual([]);
  });

  it('the API key variables are spelled only in config/api-key.ts', () => {
    const spelled = filesWhere((tokens) =>
      tokens.some((token) => KEY_VARIABLES.some((name) => new RegExp(`\\b${name}\\b`).test(token))),
    );
    expect(spelled).toEqual(['config/api-key.ts']);
  });

  it('the options with a default write it only in the option table', () => {
    // the table's numeric defaults, each as its own literal: one written elsewhere as a constant is a second source
    const written = ['maxProcesses', 'maxResultKb', 'maxOutputMb', 'operationTtl', 'maxSessions'] as const;
    const patterns = {
      maxProcesses: /^DEFAULT_MAX_PROCESSES$/,
      maxResultKb: /^DEFAULT_MAX_RESULT_BYTES$/,
      maxOutputMb: /^DEFAULT_MAX_OUTPUT_BYTES$/,
      operationTtl: /^DEFAULT_OPERATION_TTL_MS$/,
      maxSessions: /^DEFAULT_MAX_SESSIONS/,
    };
    for (const name of written) {
      expect(OPTIONS[name].default, name).toBeTypeOf('number');
      expect(
        filesWhere((tokens) => tokens.some((token) => patterns[name].test(token))),
        name,
      ).toEqual([]);
    }
  });
});
