import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../helpers/fake-clock.js';
import { FakeTpWorkspace } from '../helpers/fake-tp.js';
import { connectInMemory, textOf, type Connected } from '../helpers/in-memory.js';

let ws: FakeTpWorkspace;
let mcp: Connected | undefined;
beforeEach(() => {
  ws = new FakeTpWorkspace();
});
afterEach(async () => {
  await mcp?.close();
  mcp = undefined;
  ws.cleanup();
});

const FAST = { syncBudgetMs: 1000, heartbeatMs: 300 };
const operationId = (result: CallToolResult) =>
  (result.structuredContent as { operation: { id: string } }).operation.id;
const progressLines = (text: string) => text.match(/progress line \d+/g) ?? [];

describe('handles that survive the model’s mistakes', () => {
  it('a lost handle says a create may have gone ahead, and where to look before retrying', async () => {
    mcp = await connectInMemory({ env: ws.env(), config: FAST });
    const result = await mcp.call('operation_status', { operation_id: 'op_0123456789ab' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('No operation op_0123456789ab in this session');
    expect(textOf(result)).toMatch(
      /If it was a create \(cluster_create, storage_create, job_push\), TensorPool may have gone ahead and be billing: look with cluster_list, storage_list or job_list before you retry/,
    );
  });

  it(
    'output is shown once: the handle’s tail is not shown again, and a finished operation shows its result, not the ' +
      'same output as new output',
    async () => {
      // tp prints its lines and waits to be released; the sync budget passes on the test's clock
      const clock = new FakeClock();
      mcp = await connectInMemory({ env: ws.env(ws.hold(6)), config: FAST, clock });
      const call = mcp.call('cluster_list', {});
      await ws.untilReady();
      clock.advance(FAST.syncBudgetMs);
      const handle = await call;
      const id = operationId(handle);
      const shownByHandle = new Set(progressLines(textOf(handle)));

      const running = await mcp.call('operation_status', { operation_id: id });
      const newOutput = (running.structuredContent as { new_output: string }).new_output;
      for (const line of progressLines(newOutput)) expect(shownByHandle.has(line), line).toBe(false);
      // tp's own output is not fenced: only what a user's job prints is
      if (newOutput) expect(textOf(running)).toMatch(/New output[^\n]*:\nprogress line/);

      ws.release();
      const finished = await mcp.call('operation_status', { operation_id: id, wait_seconds: 30 });
      expect(finished.structuredContent).toMatchObject({ status: 'succeeded', ok: true, clusters: expect.any(Array) });
      const text = textOf(finished);
      expect(text).toContain('Result:');
      const lines = progressLines(text);
      expect(lines.length).toBeGreaterThan(0);
      expect(new Set(lines).size).toBe(lines.length);
    },
  );
});
