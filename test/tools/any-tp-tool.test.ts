import { afterEach, describe, expect, it } from 'vitest';
import { FakeTpWorkspace, TEST_KEY } from '../helpers/fake-tp.js';
import { type Connected, connectInMemory, textOf } from '../helpers/in-memory.js';

/** What holds for every tool that runs tp, shown on one of them: each case needs a server of its own. */

let ws: FakeTpWorkspace;
let mcp: Connected | undefined;

async function connect(env: Record<string, string | undefined> = {}) {
  ws = new FakeTpWorkspace();
  mcp = await connectInMemory({ env: ws.env(env), allowedDirs: [ws.dir] });
  return mcp;
}

afterEach(async () => {
  await mcp?.close();
  mcp = undefined;
  ws.cleanup();
});

describe('every tp tool', () => {
  it('refuses an unconfirmed call before anything starts, not even the generation probe', async () => {
    await connect();
    for (const [name, args] of [
      ['cluster_destroy', { cluster_id: 'c-1' }],
      ['job_cancel', { job_id: 'j-1', confirm: false }],
    ] as const) {
      const result = await mcp!.call(name, args);
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/Not done: .*cannot be undone.*confirm=true/);
    }
    expect(ws.calls()).toHaveLength(0);
  });

  it('a failing tp gives isError with the exit code, stdout and stderr', async () => {
    await connect({ FAKE_TP_FAIL: '1', FAKE_TP_STDERR: 'Traceback: engine down' });
    const result = await mcp!.call('cluster_list');
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/exit code 1.*simulated failure.*Traceback: engine down/s);
    expect(result.structuredContent).toMatchObject({ ok: false, exit_code: 1 });
  });

  it('without a key says how to set one, and tp never runs', async () => {
    await connect({ TENSORPOOL_KEY: undefined });
    const result = await mcp!.call('account_me');
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/TENSORPOOL_API_KEY/);
    expect(ws.commandCalls()).toHaveLength(0);
  });

  it('never returns the API key, even when tp prints it', async () => {
    await connect({ FAKE_TP_ECHO_KEY: '1' });
    const result = await mcp!.call('account_me');
    expect(JSON.stringify(result)).not.toContain(TEST_KEY);
    expect(textOf(result)).toContain('[REDACTED]');
  });
});
