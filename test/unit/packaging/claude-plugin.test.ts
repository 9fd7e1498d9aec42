import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PARSED_FIELDS } from '../../../src/shape/ids.js';
import { allTools } from '../../../src/tools/index.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const pkg = JSON.parse(read('package.json')) as { name: string; version: string };

// the fields of Claude Code's plugin manifest this plugin uses; its skill and .mcp.json sit where Claude Code looks by
// default
const pluginManifest = z.strictObject({
  name: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'kebab-case, no spaces'),
  version: z.string().regex(/^\d+\.\d+\.\d+/),
  description: z.string().min(1),
  author: z.strictObject({ name: z.string().min(1), email: z.string().optional(), url: z.url().optional() }),
  homepage: z.url(),
  repository: z.url(),
  license: z.string(),
  keywords: z.array(z.string()),
});

const mcpJson = z.strictObject({
  mcpServers: z.record(
    z.string(),
    z.strictObject({
      command: z.string(),
      args: z.array(z.string()),
      env: z.record(z.string(), z.string()).optional(),
    }),
  ),
});

describe('Claude Code plugin', () => {
  it('.claude-plugin/plugin.json has the manifest fields, in step with package.json', () => {
    const manifest = pluginManifest.parse(JSON.parse(read('.claude-plugin/plugin.json')));
    expect(manifest.version).toBe(pkg.version);
  });

  it('.claude-plugin/marketplace.json offers this plugin from this repository', () => {
    const marketplace = z
      .object({
        name: z.string(),
        owner: z.object({ name: z.string() }),
        plugins: z.array(z.object({ name: z.string(), source: z.string(), description: z.string() })),
      })
      .parse(JSON.parse(read('.claude-plugin/marketplace.json')));
    expect(marketplace.plugins).toEqual([
      expect.objectContaining({
        name: pluginManifest.parse(JSON.parse(read('.claude-plugin/plugin.json'))).name,
        source: './',
      }),
    ]);
  });

  it(
    '.mcp.json starts the published package through npx, with the key taken from the environment, never ' +
      'written in',
    () => {
      const { mcpServers } = mcpJson.parse(JSON.parse(read('.mcp.json')));
      expect(Object.keys(mcpServers)).toEqual(['tensorpool']);
      const server = mcpServers.tensorpool!;
      expect([server.command, ...server.args]).toEqual(['npx', '-y', pkg.name]);
      for (const value of Object.values(server.env ?? {})) expect(value).toMatch(/^\$\{[A-Z_]+(:-[^}]*)?\}$/);
    },
  );
});

describe('skills/tensorpool/SKILL.md', () => {
  const text = read('skills/tensorpool/SKILL.md');
  const frontmatter = /^---\n([\s\S]*?)\n---\n/.exec(text)?.[1] ?? '';
  const field = (name: string) => new RegExp(`^${name}: (.+)$`, 'm').exec(frontmatter)?.[1];
  const toolNames = new Set(allTools.map((tool) => tool.name));
  // the listed fields, the ids parsed from tp's text, and the run fields every tp result has (described once, in the
  // instructions)
  const fieldNames = new Set([
    ...allTools.flatMap((tool) => [...Object.keys(tool.inputSchema), ...(PARSED_FIELDS[tool.name] ?? [])]),
    // what job_listen, the list tools and operation_status return besides parsed ids
    'job_status',
    'exit_code',
    'new_lines',
    'next_line',
    'result_status',
    'operation_id',
  ]);
  const mentioned = [...new Set([...text.matchAll(/`([a-z][a-z0-9]*(?:_[a-z0-9]+)+)`/g)].map((match) => match[1]!))];

  it('has the frontmatter Claude Code reads: its directory’s name and a description of when to use it', () => {
    expect(field('name')).toBe('tensorpool');
    expect(field('description')!.length).toBeGreaterThan(50);
    expect(field('description')!.length).toBeLessThanOrEqual(1024);
  });

  it('every tool or parameter it names exists in the registry', () => {
    // toolset_enable is added by the server to the default selection, not declared in the registry
    const unknown = mentioned.filter(
      (name) => !toolNames.has(name) && !fieldNames.has(name) && name !== 'toolset_enable',
    );
    expect(unknown).toEqual([]);
  });

  it('walks through the job workflow, clusters, approvals and operation handles with our tool names', () => {
    for (const tool of [
      'server_status',
      'job_write_config',
      'cluster_create',
      'job_push',
      'job_listen',
      'job_pull',
      'cluster_destroy',
      'cluster_info',
      'operation_status',
      'toolset_enable',
    ]) {
      expect(mentioned, tool).toContain(tool);
    }
    // and every tool that starts billing where it explains asking first
    for (const tool of allTools.filter((candidate) => candidate.approval?.billing))
      expect(mentioned, tool.name).toContain(tool.name);
  });
});
