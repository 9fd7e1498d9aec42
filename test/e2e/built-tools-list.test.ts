// The build writes the default selection's tools/list beside the bundle (scripts/build-tools-list.mjs),
// and a cold start serves it instead of converting every schema. It must be exactly what the SDK computes.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { selectTools } from '../../src/registry/selection.js';
import { TpRunner } from '../../src/tp/runner.js';
import { allTools } from '../../src/tools/index.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { baseEnv, FAKE_TP } from '../helpers/fake-tp.js';
import { listOnce, uncachedServer } from '../helpers/raw-tools-list.js';
import { BIN } from '../helpers/server-process.js';

const BUILT = resolve(import.meta.dirname, '../../dist/tools-list.json');
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.allSettled(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** tools/list as the SDK computes it from the sources, raw off the transport, with no cache of ours in the way. */
async function computedBySdk(): Promise<string> {
  const fresh = await uncachedServer();
  const runner = new TpRunner({ tpPath: 'tp', env: {}, timeoutMs: 1_000 });
  const server = fresh.createServer({ runner, tools: fresh.selectTools(fresh.allTools, {}).tools });
  cleanups.push(() => server.close(), () => runner.shutdown());
  return listOnce(server);
}

async function stdioClient(args: string[]): Promise<Client> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, '--stdio', '--tp-path', FAKE_TP, ...args], env: baseEnv() as Record<string, string>, stderr: 'ignore' });
  const client = new Client({ name: 'test', version: '1' });
  await client.connect(transport);
  cleanups.push(() => client.close());
  return client;
}

describe('the tools/list the build computed', () => {
  const built = JSON.parse(readFileSync(BUILT, 'utf8')) as { tools: string[]; result: unknown };

  it('is for the default selection, and byte for byte what the SDK computes from the sources', async () => {
    expect(built.tools).toEqual(selectTools(allTools, {}).tools.map((tool) => tool.name));
    expect(JSON.stringify(built.result)).toBe(await computedBySdk());
  });

  it('is what a stdio server with the default tools answers; another selection is computed live', async () => {
    const plain = await stdioClient([]);
    expect((await plain.listTools()).tools).toEqual((built.result as { tools: unknown[] }).tools);
    const readOnly = await stdioClient(['--read-only']);
    const names = (await readOnly.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(selectTools(allTools, { readOnly: true }).tools.map((tool) => tool.name));
  });
});
