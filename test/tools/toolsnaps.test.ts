import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectTools } from '../../src/registry/selection.js';
import { allTools } from '../../src/tools/index.js';
import { FakeTpWorkspace } from '../helpers/fake-tp.js';
import { connectInMemory } from '../helpers/in-memory.js';
import { HOW_TO_UPDATE_TOOLSNAPS, listedTools, TOOLSNAPS_DIR, UPDATE_TOOLSNAPS } from '../helpers/toolsnaps.js';

/**
 * What tools/list shows, across all tools: each group's test file (test/tools/<group>.test.ts) compares its own
 * tools with their snapshots in test/__toolsnaps__; this file checks that every tool has one, in a group file,
 * and what every listed tool must carry.
 */

let listed: Map<string, Tool>;

beforeAll(async () => {
  // no tool selection: the server registers every tool of the registry
  listed = await listedTools(allTools);
});

describe('tools/list', () => {
  it('shows every tool of the registry, once', () => {
    expect([...listed.keys()].sort()).toEqual(allTools.map((tool) => tool.name).sort());
  });

  it('gives every tool a title, a description, an object schema with described fields, and all four hints', () => {
    for (const tool of listed.values()) {
      expect(tool.title, tool.name).toBeTruthy();
      expect(tool.description!.length, tool.name).toBeGreaterThan(30);
      expect(tool.inputSchema.type).toBe('object');
      // structuredContent carries fields the instructions name; an output schema would only cost bytes and validation
      expect(tool.outputSchema, tool.name).toBeUndefined();
      for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const) {
        expect(typeof tool.annotations?.[hint], `${tool.name}.${hint}`).toBe('boolean');
      }
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        expect((schema as { description?: string }).description, `${tool.name}.${field}`).toBeTruthy();
      }
    }
  });
});

describe('tool schema snapshots (test/__toolsnaps__)', () => {
  it('every tool of the registry has one', () => {
    for (const tool of allTools) {
      const file = join(TOOLSNAPS_DIR, `${tool.name}.json`);
      expect(existsSync(file), `no snapshot ${file} for tool ${tool.name}; ${HOW_TO_UPDATE_TOOLSNAPS}`).toBe(true);
    }
  });

  it('has no snapshot for a tool that no longer exists', () => {
    const known = new Set(allTools.map((tool) => `${tool.name}.json`));
    const stale = existsSync(TOOLSNAPS_DIR) ? readdirSync(TOOLSNAPS_DIR).filter((file) => !known.has(file)) : [];
    if (UPDATE_TOOLSNAPS) for (const file of stale.splice(0)) rmSync(join(TOOLSNAPS_DIR, file));
    expect(stale, `snapshots of tools that are gone; ${HOW_TO_UPDATE_TOOLSNAPS}`).toEqual([]);
  });

  it('every tool group of src/tools/index.ts has its test file here, which checks its snapshots', () => {
    const index = readFileSync(resolve(import.meta.dirname, '../../src/tools/index.ts'), 'utf8');
    const groups = [...index.matchAll(/import \{ (\w+Tools) \} from '\.\/([\w-]+)\.js'/g)];
    expect(groups.length).toBeGreaterThan(0);
    for (const [, group, file] of groups) {
      const test = resolve(import.meta.dirname, `${file}.test.ts`);
      expect(existsSync(test), `no test/tools/${file}.test.ts for ${group}`).toBe(true);
      expect(readFileSync(test, 'utf8'), `test/tools/${file}.test.ts`).toContain(`describeToolsnaps(${group})`);
    }
  });
});

describe('tools/list in each selection mode', () => {
  let ws: FakeTpWorkspace;
  beforeAll(() => {
    ws = new FakeTpWorkspace();
  });
  afterAll(() => ws.cleanup());

  // names only: each tool's hints are pinned once, in its own snapshot
  it('matches the committed snapshot of the names per mode', async () => {
    const modes = {
      default: {},
      all: { toolsets: ['all'] },
      'all+secrets': { toolsets: ['all'], allowSecrets: true },
      'read-only': { readOnly: true },
      'read-only all+secrets': { toolsets: ['all'], readOnly: true, allowSecrets: true },
      clusters: { toolsets: ['clusters'] },
      'tools only': { tools: ['cluster_list', 'server_status'] },
      'jobs minus deletes': { toolsets: ['jobs'], excludeTools: ['job_delete', 'job_cancel'] },
    };
    const names: Record<string, string[]> = {};
    for (const [mode, options] of Object.entries(modes)) {
      const { tools } = selectTools(allTools, options);
      const mcp = await connectInMemory({ env: ws.env(), allowedDirs: [ws.dir], tools });
      try {
        names[mode] = (await mcp.client.listTools()).tools.map((tool) => tool.name);
      } finally {
        await mcp.close();
      }
    }
    await expect(`${JSON.stringify(names, null, 2)}\n`).toMatchFileSnapshot('../__snapshots__/tools-list.modes.json');
  });
});
