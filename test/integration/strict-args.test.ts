import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allTools } from '../../src/tools/index.js';
import type { Generation } from '../../src/tp/generation.js';
import { FakeTpWorkspace } from '../helpers/fake-tp.js';
import { connectInMemory, textOf, type Connected } from '../helpers/in-memory.js';

const GENERATIONS = ['0.0.6', '0.0.8', '0.0.9'] as const satisfies readonly Generation[];

/** A plausible slip of the real name: a dropped word, a camelCase spelling, or two letters swapped. */
function misspell(name: string): string {
  const words = name.split('_');
  if (words.length > 1) return words.slice(1).join('_');
  return name.length > 3 ? `${name.slice(0, 1)}${name[2]}${name[1]}${name.slice(3)}` : `${name}s`;
}

describe.each(GENERATIONS)('unknown arguments on tp %s', (generation) => {
  let ws: FakeTpWorkspace;
  let mcp: Connected;
  beforeAll(async () => {
    ws = new FakeTpWorkspace();
    mcp = await connectInMemory({
      env: ws.env({ FAKE_TP_GENERATION: generation }),
      allowedDirs: [ws.dir],
      config: { tpGeneration: generation, allowSecrets: true },
    });
  });
  afterAll(async () => {
    await mcp.close();
    ws.cleanup();
  });

  it('tools/list lists every parameter a tool takes (the server, not the listing, refuses the others)', async () => {
    const { tools } = await mcp.client.listTools();
    expect(tools).toHaveLength(allTools.length);
    for (const tool of tools) {
      const declared = allTools.find((candidate) => candidate.name === tool.name)!;
      expect(Object.keys(tool.inputSchema.properties ?? {}), tool.name).toEqual(Object.keys(declared.inputSchema));
    }
  });

  it.each(allTools.map((tool) => [tool.name, Object.keys(tool.inputSchema)] as const))(
    '%s refuses a misspelled argument, naming it and the parameter it meant, and runs nothing',
    async (name, parameters) => {
      const before = ws.commandCalls().length;
      const real = parameters[0];
      const wrong = real ? misspell(real) : 'verbose';
      const result = await mcp.call(name, { [wrong]: 'x' });
      expect(result.isError).toBe(true);
      const text = textOf(result);
      expect(text).toContain(`Unknown argument "${wrong}"`);
      if (real) expect(text).toContain(`did you mean "${real}"`);
      else expect(text).toContain(`${name} takes no arguments`);
      expect(ws.commandCalls().length).toBe(before);
    },
  );
});

describe('the misspellings from the issue', () => {
  let ws: FakeTpWorkspace;
  let mcp: Connected;
  beforeAll(async () => {
    ws = new FakeTpWorkspace();
    mcp = await connectInMemory({ env: ws.env() });
  });
  afterAll(async () => {
    await mcp.close();
    ws.cleanup();
  });

  it('cluster_create {instance_type, nodes, public_key} is refused, not run as one node without a key', async () => {
    const result = await mcp.call('cluster_create', {
      instance_type: '8xH100',
      nodes: 2,
      public_key: 'ssh-ed25519 AAAA',
    });
    expect(result.isError).toBe(true);
    const text = textOf(result);
    expect(text).toContain(
      'Unknown arguments "nodes" (did you mean "num_nodes"?), "public_key" (did you mean "ssh_public_key"?).',
    );
    expect(text).toContain(
      'cluster_create takes: instance_type, ssh_public_key, num_nodes, name, deletion_protection, container, wait, ' +
        'confirm.',
    );
    expect(text).toContain('Nothing was run.');
    expect(ws.commandCalls()).toEqual([]);
  });

  it('other problems in the same call are still reported with their own messages', async () => {
    const text = textOf(await mcp.call('cluster_info', { clusterId: 'c-1' }));
    expect(text).toMatch(/cluster_id/);
    expect(text).toContain('Unknown argument "clusterId" (did you mean "cluster_id"?)');
  });
});
