import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allTools } from '../../src/tools/index.js';
import { FakeTpWorkspace } from '../helpers/fake-tp.js';
import { connectInMemory } from '../helpers/in-memory.js';

/**
 * One schema snapshot per tool, test/__toolsnaps__/<tool>.json (as github-mcp-server keeps them):
 * exactly what tools/list tells a client about the tool. A change to one tool's name, title,
 * description, schemas or annotations shows up as a diff of one small file, so it is deliberate.
 *
 * A missing snapshot fails, and so does one for a tool that no longer exists. To write them after a
 * deliberate change (never in CI):
 *   UPDATE_TOOLSNAPS=1 npx vitest run test/integration/toolsnaps.test.ts
 */

const DIR = resolve(import.meta.dirname, '../__toolsnaps__');
const UPDATE = process.env.UPDATE_TOOLSNAPS === '1' && !process.env.CI;
const HOW_TO_UPDATE =
  'after a deliberate change, run: UPDATE_TOOLSNAPS=1 npx vitest run test/integration/toolsnaps.test.ts';

const fileOf = (name: string) => join(DIR, `${name}.json`);
const render = (tool: Tool) => `${JSON.stringify(tool, null, 2)}\n`;

let ws: FakeTpWorkspace;
let listed: Map<string, Tool>;

beforeAll(async () => {
  ws = new FakeTpWorkspace();
  // no tool selection: the server registers every tool of the registry
  const mcp = await connectInMemory({ env: ws.env(), allowedDirs: [ws.dir] });
  try {
    listed = new Map((await mcp.client.listTools()).tools.map((tool) => [tool.name, tool]));
  } finally {
    await mcp.close();
  }
  if (UPDATE) mkdirSync(DIR, { recursive: true });
});
afterAll(() => ws.cleanup());

describe('tool schema snapshots (test/__toolsnaps__)', () => {
  it('tools/list shows every tool of the registry, once', () => {
    expect([...listed.keys()].sort()).toEqual(allTools.map((tool) => tool.name).sort());
  });

  // the registry, not a number written here, says how many snapshots there are
  it.each(allTools.map((tool) => tool.name))('%s matches its snapshot', (name) => {
    const tool = listed.get(name);
    expect(tool, `${name} is in the registry but not in tools/list`).toBeDefined();
    const file = fileOf(name);
    if (UPDATE) writeFileSync(file, render(tool!));
    expect(existsSync(file), `no snapshot ${file} for tool ${name}; ${HOW_TO_UPDATE}`).toBe(true);
    expect(render(tool!), `${name} differs from ${file}; ${HOW_TO_UPDATE}`).toBe(readFileSync(file, 'utf8'));
  });

  it('has no snapshot for a tool that no longer exists', () => {
    const known = new Set(allTools.map((tool) => `${tool.name}.json`));
    const stale = existsSync(DIR) ? readdirSync(DIR).filter((file) => !known.has(file)) : [];
    if (UPDATE) for (const file of stale.splice(0)) rmSync(join(DIR, file));
    expect(stale, `snapshots of tools that are gone; ${HOW_TO_UPDATE}`).toEqual([]);
  });
});
