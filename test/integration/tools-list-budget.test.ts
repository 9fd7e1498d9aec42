import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { selectTools } from '../../src/registry/selection.js';
import { allTools } from '../../src/tools/index.js';
import { SKILL_URI } from '../../src/server/skill-resource.js';
import { FakeTpWorkspace } from '../helpers/fake-tp.js';
import { connectInMemory, textOf, type Connected } from '../helpers/in-memory.js';

/**
 * tools/list and the instructions are read into the model's context at the start of every
 * conversation: their size is a cost users pay every time. Measured as the model sees a tool:
 * name, title, description and input schema, in JSON.
 */
const asModelSees = (tools: { name: string; title?: string; description?: string; inputSchema: unknown }[]) =>
  tools.reduce(
    (sum, { name, title, description, inputSchema }) =>
      sum + Buffer.byteLength(JSON.stringify({ name, title, description, inputSchema })),
    0,
  );

let ws: FakeTpWorkspace;
let mcp: Connected | undefined;
afterEach(async () => {
  await mcp?.close();
  ws?.cleanup();
});

async function defaultServer(): Promise<Connected> {
  ws = new FakeTpWorkspace();
  const { tools, deferred } = selectTools(allTools);
  mcp = await connectInMemory({ env: ws.env(), tools, deferred, allowedDirs: [ws.dir] });
  return mcp;
}

describe('what every conversation pays for', () => {
  it(
    'the default tools/list is at most 8,000 bytes as the model sees it, and the instructions at most ' + '1,500',
    async () => {
      const { client } = await defaultServer();
      const { tools } = await client.listTools();
      expect(asModelSees(tools), 'tools/list').toBeLessThanOrEqual(8_000);
      expect(Buffer.byteLength(client.getInstructions() ?? ''), 'instructions').toBeLessThanOrEqual(1_500);
      // the seed's tools and everything the everyday workflows need are listed from the start
      expect(tools.map((tool) => tool.name)).toEqual(
        expect.arrayContaining([
          'cluster_create',
          'cluster_destroy',
          'cluster_list',
          'job_write_config',
          'job_push',
          'job_listen',
          'job_pull',
          'storage_create',
        ]),
      );
    },
  );

  it('every tool stays within 36,000 bytes of tools/list when all toolsets are named', async () => {
    ws = new FakeTpWorkspace();
    mcp = await connectInMemory({
      env: ws.env(),
      tools: selectTools(allTools, { toolsets: ['all'], allowSecrets: true }).tools,
    });
    const listed = await mcp.client.listTools();
    expect(listed.tools).toHaveLength(allTools.length);
    expect(Buffer.byteLength(JSON.stringify(listed))).toBeLessThanOrEqual(36_000);
  });

  it(
    'lists types, enums and descriptions; the limits a field enforces stay on the server, which names ' + 'them',
    async () => {
      const { client, call } = await defaultServer();
      const text = JSON.stringify(await client.listTools());
      for (const dropped of [
        '"pattern"',
        '"maxLength"',
        '"minLength"',
        '"$schema"',
        '"additionalProperties"',
        '9007199254740991',
        '"outputSchema"',
      ])
        expect(text).not.toContain(dropped);
      const refused = await call('cluster_info', { cluster_id: '-rf' });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toMatch(/cluster_id must start with a letter or digit/);
      expect(ws.calls()).toHaveLength(0);
    },
  );
});

describe('the rest a call away (toolset_enable)', () => {
  it('lists a deferred toolset on request and tells the client the list changed', async () => {
    const { client, call } = await defaultServer();
    const before = (await client.listTools()).tools.map((tool) => tool.name);
    expect(before).not.toContain('storage_destroy');
    expect(before).toContain('toolset_enable');
    // a deferred tool answers by its name all the same (a handle's text names operation_cancel)
    expect((await call('storage_info', { storage_id: 's-1' })).isError ?? false).toBe(false);

    const changed = new Promise<void>((resolve) =>
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()),
    );
    const enabled = await call('toolset_enable', { toolset: 'storage' });
    expect(enabled.structuredContent).toEqual({ ok: true, tools: ['storage_info', 'storage_destroy'] });
    await changed;
    const after = (await client.listTools()).tools.map((tool) => tool.name);
    expect(after).toEqual(expect.arrayContaining(['storage_info', 'storage_destroy']));
    expect((await call('storage_info', { storage_id: 's-1' })).isError ?? false).toBe(false);
    // nothing more to list there now
    expect((await call('toolset_enable', { toolset: 'storage' })).isError).toBe(true);
  });

  it('named toolsets list every tool of them, with no toolset_enable', async () => {
    ws = new FakeTpWorkspace();
    const { tools, deferred } = selectTools(allTools, { toolsets: ['clusters', 'jobs'] });
    expect(deferred).toEqual([]);
    mcp = await connectInMemory({ env: ws.env(), tools, deferred });
    const names = (await mcp.client.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain('cluster_edit');
    expect(names).not.toContain('toolset_enable');
  });
});

describe('the workflow skill over MCP', () => {
  it("is a resource the instructions name, with the plugin's SKILL.md as its text", async () => {
    const { client } = await defaultServer();
    expect(client.getInstructions()).toContain(SKILL_URI);
    const read = await client.readResource({ uri: SKILL_URI });
    const text = (read.contents[0] as { text: string }).text;
    expect(text).toMatch(/^---\nname: tensorpool\n/);
    expect(text).toContain('job_listen');
  });
});
