import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_TP, FakeTpWorkspace } from '../helpers/fake-tp.js';
import { connectInMemory, textOf, type Connected } from '../helpers/in-memory.js';
import { BIN, assertBuilt } from '../helpers/server-process.js';

/** What a chatty tp call (1 MiB of output) comes back as: bounded, the cut marked, the rest a resource. */
const CHATTY = { FAKE_TP_OUTPUT_BYTES: String(1024 * 1024) };

let ws: FakeTpWorkspace;
let client: Client | undefined;
let mcp: Connected | undefined;
beforeEach(() => {
  ws = new FakeTpWorkspace();
});
afterEach(async () => {
  await client?.close();
  await mcp?.close();
  client = undefined;
  mcp = undefined;
  ws.cleanup();
});

async function expectBounded(result: CallToolResult, client: Client, limit: number) {
  expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThanOrEqual(limit + 4096);
  expect(result.structuredContent).toMatchObject({ ok: true, truncated: true });
  expect(textOf(result)).toMatch(/\[\.\.\. \d+ bytes of output cut by tensorpool-mcp \.\.\.\]/);
  const link = result.content.find((part) => part.type === 'resource_link') as { uri: string } | undefined;
  // all of it, a page of at most 1 MiB at a time, each page naming the next
  let whole = '';
  for (let uri: string | undefined = link!.uri, pages = 0; uri; pages++) {
    if (pages > 10) throw new Error('the pages never end');
    const content = (await client.readResource({ uri })).contents[0] as {
      text: string;
      _meta?: Record<string, string>;
    };
    expect(content.text.length).toBeLessThanOrEqual(1024 * 1024 + 200);
    whole += content.text;
    uri = content._meta?.['tensorpool-mcp/next'];
  }
  expect(whole.length).toBeGreaterThan(1024 * 1024);
}

describe('results that fit a client', () => {
  it('by default a result stays within about 80 KB however much tp prints', async () => {
    mcp = await connectInMemory({ env: ws.env(CHATTY) });
    const result = await mcp.call('cluster_list');
    await expectBounded(result, mcp.client, 80 * 1024);
  });

  it('--max-result-kb sets the bound of the built server', async () => {
    assertBuilt();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, '--stdio', '--tp-path', FAKE_TP, '--max-result-kb', '16'],
      env: ws.env(CHATTY) as Record<string, string>,
      cwd: ws.dir,
      stderr: 'pipe',
    });
    client = new Client({ name: 'e2e', version: '1.0.0' });
    await client.connect(transport);
    const result = (await client.callTool({ name: 'cluster_list', arguments: {} })) as CallToolResult;
    await expectBounded(result, client, 16 * 1024);
  });
});
