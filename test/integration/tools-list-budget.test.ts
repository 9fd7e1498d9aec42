import { afterEach, describe, expect, it } from 'vitest';
import { selectTools } from '../../src/registry/selection.js';
import { allTools } from '../../src/tools/index.js';
import { FakeTpWorkspace } from '../helpers/fake-tp.js';
import { connectInMemory, type Connected } from '../helpers/in-memory.js';

/**
 * tools/list is read into the model's context at the start of every session: its size is a cost
 * users pay on every conversation. Budgets in bytes of the JSON result a client receives.
 */
const BUDGETS = [
  { mode: 'default toolsets', tools: () => selectTools(allTools).tools, bytes: 30_000 },
  { mode: 'every tool (all toolsets, --allow-secrets)', tools: () => selectTools(allTools, { toolsets: ['all'], allowSecrets: true }).tools, bytes: 36_000 },
];

let ws: FakeTpWorkspace;
let mcp: Connected | undefined;
afterEach(async () => {
  await mcp?.close();
  ws?.cleanup();
});

describe('tools/list size', () => {
  it.each(BUDGETS)('$mode stays within $bytes bytes', async ({ tools, bytes }) => {
    ws = new FakeTpWorkspace();
    const selected = tools();
    mcp = await connectInMemory({ env: ws.env(), tools: selected });
    const listed = await mcp.client.listTools();
    expect(listed.tools).toHaveLength(selected.length);
    const size = Buffer.byteLength(JSON.stringify(listed));
    expect(size, `tools/list is ${size} bytes`).toBeLessThanOrEqual(bytes);
  });

  it('lists no 64-bit integer bounds and no $schema keyword', async () => {
    ws = new FakeTpWorkspace();
    mcp = await connectInMemory({ env: ws.env(), tools: allTools });
    const text = JSON.stringify(await mcp.client.listTools());
    expect(text).not.toContain('9007199254740991');
    expect(text).not.toContain('"$schema"');
  });
});
