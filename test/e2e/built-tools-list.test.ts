// The build writes the default selection's tools/list beside the bundle (scripts/build-tools-list.mjs),
// and a cold start serves it instead of converting every schema. It must be exactly what the sources compute.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { selectTools } from '../../src/registry/selection.js';
import { allTools } from '../../src/tools/index.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { baseEnv, FAKE_TP } from '../helpers/fake-tp.js';
import { connectInMemory } from '../helpers/in-memory.js';
import { BIN } from '../helpers/server-process.js';

const BUILT = resolve(import.meta.dirname, '../../dist/tools-list.json');
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.allSettled(cleanups.splice(0).map((cleanup) => cleanup()));
});

async function stdioClient(args: string[]): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, '--stdio', '--tp-path', FAKE_TP, ...args],
    env: baseEnv() as Record<string, string>,
    stderr: 'ignore',
  });
  const client = new Client({ name: 'test', version: '1' });
  await client.connect(transport);
  cleanups.push(() => client.close());
  return client;
}

describe('the tools/list the build computed', () => {
  const built = JSON.parse(readFileSync(BUILT, 'utf8')) as { tools: string[]; result: { tools: { name: string }[] } };

  it('is the default selection as listed (deferred tools left out), exactly what the sources compute', async () => {
    const { tools, deferred } = selectTools(allTools, {});
    const mcp = await connectInMemory({ env: {}, tools, config: {}, deferred });
    cleanups.push(() => mcp.close());
    const live = await mcp.client.listTools();
    expect(built.tools).toEqual(live.tools.map((tool) => tool.name));
    expect(built.result.tools).toEqual(live.tools);
  });

  it('is what a stdio server with the default tools answers; another selection is computed live', async () => {
    const plain = await stdioClient([]);
    expect((await plain.listTools()).tools).toEqual(built.result.tools);
    const readOnly = await stdioClient(['--read-only']);
    const names = (await readOnly.listTools()).tools.map((tool) => tool.name);
    const { tools, deferred } = selectTools(allTools, { readOnly: true });
    expect(names).toEqual([
      ...tools.filter((tool) => !deferred.includes(tool.name)).map((tool) => tool.name),
      'toolset_enable',
    ]);
  });
});
