import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TpInstallation } from '../../../src/tp/generation.js';
import { TpRunner } from '../../../src/tp/runner.js';
import { FAKE_TP, FAKE_TP_PASS_ENV, FakeTpWorkspace, RUNNER_LIMITS } from '../../helpers/fake-tp.js';

let ws: FakeTpWorkspace;
let runner: TpRunner;
beforeEach(() => {
  ws = new FakeTpWorkspace();
  runner = new TpRunner({
    ...RUNNER_LIMITS,
    tpPath: FAKE_TP,
    passEnv: FAKE_TP_PASS_ENV,
    env: ws.env({ FAKE_TP_GENERATION: '0.0.6' }),
    timeoutMs: 10_000,
    killGraceMs: 300,
  });
});
afterEach(async () => {
  await runner.shutdown();
  ws.cleanup();
});

describe('TpInstallation', () => {
  it('probes once and shares the answer', async () => {
    const installation = new TpInstallation(runner);
    const [a, b] = await Promise.all([installation.generation(), installation.generation()]);
    expect([a, b]).toEqual(['0.0.6', '0.0.6']);
    expect(await installation.describe()).toEqual({ version: '0.0.6', generation: '0.0.6', source: 'usage' });
    expect(ws.calls()).toHaveLength(3);
  });

  it('a caller that gives up does not spoil the probe for everyone else', async () => {
    const installation = new TpInstallation(runner);
    const controller = new AbortController();
    const first = installation.generation(controller.signal);
    controller.abort();
    await expect(first).rejects.toThrow(/cancelled/);
    expect(await installation.generation()).toBe('0.0.6');
  });

  it('a missing tp is reported with how to install it, and probed again on the next call', async () => {
    const missing = new TpInstallation(
      new TpRunner({ ...RUNNER_LIMITS, tpPath: '/nonexistent/tp', env: ws.env(), timeoutMs: 10_000 }),
    );
    await expect(missing.generation()).rejects.toThrow(/not found.*pipx install tensorpool/s);
    await expect(missing.generation()).rejects.toThrow(/not found/);
  });
});
