import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OPTIONS } from '../../../src/config/options.js';
import { baseEnv } from '../../helpers/fake-tp.js';
import { runCli } from '../../helpers/server-process.js';

// server.json for the MCP Registry. The rules below are transcribed from the registry's
// server.schema.json (2025-12-11) for the fields this file uses; the registry validates the rest when
// `mcp-publisher publish` runs. What can drift is checked against package.json and the CLI's --help.

const ROOT = resolve(import.meta.dirname, '../../..');
const readJson = (name: string) => JSON.parse(readFileSync(resolve(ROOT, name), 'utf8')) as Record<string, unknown>;

const exactVersion = z
  .string()
  .min(1)
  .refine((version) => version !== 'latest' && !/^[\^~<>=]|\.x$|\*/.test(version), 'a specific version, not a range');
const input = {
  description: z.string().optional(),
  isRequired: z.boolean().optional(),
  isSecret: z.boolean().optional(),
  format: z.enum(['string', 'number', 'boolean', 'filepath']).optional(),
  default: z.string().optional(),
  choices: z.array(z.string()).optional(),
  value: z.string().optional(),
};
const registryServer = z.object({
  $schema: z
    .string()
    .regex(/^https:\/\/static\.modelcontextprotocol\.io\/schemas\/\d{4}-\d{2}-\d{2}\/server\.schema\.json$/),
  name: z
    .string()
    .min(3)
    .max(200)
    .regex(/^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/),
  title: z.string().min(1).max(100).optional(),
  description: z.string().min(1).max(100),
  repository: z
    .object({ url: z.url(), source: z.string(), id: z.string().optional(), subfolder: z.string().optional() })
    .optional(),
  websiteUrl: z.url().optional(),
  version: exactVersion.pipe(z.string().max(255)),
  packages: z
    .array(
      z.strictObject({
        registryType: z.literal('npm'),
        registryBaseUrl: z.url().optional(),
        identifier: z.string().min(1),
        version: exactVersion,
        runtimeHint: z.string().optional(),
        transport: z.strictObject({ type: z.literal('stdio') }),
        packageArguments: z
          .array(
            z.strictObject({
              ...input,
              type: z.literal('named'),
              name: z.string().startsWith('--'),
              isRepeated: z.boolean().optional(),
            }),
          )
          .optional(),
        environmentVariables: z
          .array(z.strictObject({ ...input, name: z.string().regex(/^[A-Z][A-Z0-9_]*$/) }))
          .optional(),
      }),
    )
    .min(1),
});

/** --help's option entries, each on one line (commander wraps them at 80 columns when not on a terminal). */
function helpEntries(help: string): string[] {
  const entries: string[] = [];
  for (const line of help.split('\n')) {
    if (/^ {2}-/.test(line)) entries.push(line.trim());
    else if (/^ {4,}\S/.test(line) && entries.length > 0) entries[entries.length - 1] += ` ${line.trim()}`;
  }
  return entries.map((entry) => entry.replace(/\s+/g, ' '));
}

describe('server.json (MCP Registry entry)', () => {
  const server = registryServer.parse(readJson('server.json'));
  const pkg = readJson('package.json') as { name: string; version: string; description: string; mcpName: string };
  const npm = server.packages[0]!;
  let help = '';

  beforeAll(async () => {
    const result = await runCli(['--help'], { env: baseEnv() });
    expect(result.code).toBe(0);
    help = result.stdout;
  });

  it('follows the registry schema for every field it uses', () => {
    expect(() => registryServer.parse(readJson('server.json'))).not.toThrow();
  });

  it('names the same server, version and description as package.json (the registry checks mcpName on npm)', () => {
    expect(server.name).toBe(pkg.mcpName);
    expect(server.version).toBe(pkg.version);
    expect(server.description).toBe(pkg.description);
    expect(npm).toMatchObject({
      registryType: 'npm',
      identifier: pkg.name,
      version: pkg.version,
      runtimeHint: 'npx',
      transport: { type: 'stdio' },
    });
  });

  it('the key is a required secret', () => {
    expect(npm.environmentVariables?.find((variable) => variable.name === 'TENSORPOOL_API_KEY')).toMatchObject({
      isRequired: true,
      isSecret: true,
    });
  });

  it('every package argument is a flag of the CLI, with the same choices and default', () => {
    for (const argument of npm.packageArguments ?? []) {
      const line = helpEntries(help).find((text) => text.startsWith(`${argument.name} `));
      expect(line, `${argument.name} in --help`).toBeDefined();
      const spec = Object.values(OPTIONS).find((option) => option.flags.split(' ')[0] === argument.name);
      expect(spec, `${argument.name} in the option table`).toBeDefined();
      if (argument.choices) expect(argument.choices).toEqual(spec!.choices);
      if (argument.default !== undefined && spec!.default !== undefined)
        expect(argument.default).toBe(String(spec!.default));
    }
  });

  it('every environment variable is one the CLI reads', () => {
    for (const variable of npm.environmentVariables ?? []) {
      if (variable.name === 'TENSORPOOL_API_KEY') continue;
      expect(help, variable.name).toContain(variable.name);
    }
  });
});
