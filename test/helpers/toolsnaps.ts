import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../../src/registry/tool.js';
import { FakeTpWorkspace } from './fake-tp.js';
import { connectInMemory } from './in-memory.js';

/**
 * One schema snapshot per tool, test/__toolsnaps__/<tool>.json (as github-mcp-server keeps them): exactly what
 * tools/list tells a client about the tool. Each tool group's test file (test/tools/<group>.test.ts) checks its
 * own tools, so a change to one tool is a diff of one small file beside that tool's cases. To write them after a
 * deliberate change (never in CI):
 *   UPDATE_TOOLSNAPS=1 npx vitest run test/tools/
 */
export const TOOLSNAPS_DIR = resolve(import.meta.dirname, '../__toolsnaps__');
export const UPDATE_TOOLSNAPS = process.env.UPDATE_TOOLSNAPS === '1' && !process.env.CI;
export const HOW_TO_UPDATE_TOOLSNAPS = 'after a deliberate change, run: UPDATE_TOOLSNAPS=1 npx vitest run test/tools/';

const fileOf = (name: string) => join(TOOLSNAPS_DIR, `${name}.json`);
const render = (tool: Tool) => `${JSON.stringify(tool, null, 2)}\n`;

/** What tools/list says of every given tool, from a server that registers all of them. */
export async function listedTools(tools: readonly ToolDefinition[]): Promise<Map<string, Tool>> {
  const ws = new FakeTpWorkspace();
  try {
    const mcp = await connectInMemory({ env: ws.env(), allowedDirs: [ws.dir], tools });
    try {
      return new Map((await mcp.client.listTools()).tools.map((tool) => [tool.name, tool]));
    } finally {
      await mcp.close();
    }
  } finally {
    ws.cleanup();
  }
}

/** A test per tool of a group: tools/list shows it exactly as its snapshot says. */
export function describeToolsnaps(tools: readonly ToolDefinition[]): void {
  describe('schema snapshots (test/__toolsnaps__)', () => {
    let listed: Map<string, Tool>;
    beforeAll(async () => {
      listed = await listedTools(tools);
      if (UPDATE_TOOLSNAPS) mkdirSync(TOOLSNAPS_DIR, { recursive: true });
    });

    it.each(tools.map((tool) => tool.name))('%s matches its snapshot', (name) => {
      const tool = listed.get(name);
      expect(tool, `${name} is declared but not in tools/list`).toBeDefined();
      const file = fileOf(name);
      if (UPDATE_TOOLSNAPS) writeFileSync(file, render(tool!));
      expect(existsSync(file), `no snapshot ${file} for tool ${name}; ${HOW_TO_UPDATE_TOOLSNAPS}`).toBe(true);
      expect(render(tool!), `${name} differs from ${file}; ${HOW_TO_UPDATE_TOOLSNAPS}`).toBe(
        readFileSync(file, 'utf8'),
      );
    });
  });
}
