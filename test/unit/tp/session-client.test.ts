import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyRefused, SessionClient, TpRunner } from '../../../src/tp/runner.js';
import { FAKE_TP, FAKE_TP_PASS_ENV, FakeTpWorkspace, TEST_KEY, RUNNER_LIMITS } from '../../helpers/fake-tp.js';

const KEY_A = 'tpk_session_a_0123456789abcdef';
const KEY_B = 'tpk_session_b_fedcba9876543210';

let ws: FakeTpWorkspace;
let runner: TpRunner;
beforeEach(() => {
  ws = new FakeTpWorkspace();
});
afterEach(async () => {
  await runner.shutdown();
  ws.cleanup();
});

/** A session's client with a caller's own key, in a lane of its own. */
function keyed(runner: TpRunner, key: string, onRefused?: () => void): SessionClient {
  return new SessionClient(runner, { lane: {}, key: { value: key, onRefused } });
}

describe('SessionClient: one session, its own key, through the shared runner', () => {
  it('hands each call only its own key, and masks that key in what the call returns', async () => {
    runner = new TpRunner({
      ...RUNNER_LIMITS,
      tpPath: FAKE_TP,
      passEnv: FAKE_TP_PASS_ENV,
      env: ws.env({ FAKE_TP_ECHO_KEY: '1' }),
      timeoutMs: 10_000,
    });
    const a = keyed(runner, KEY_A);
    const b = keyed(runner, KEY_B);
    const [resultA, resultB] = await Promise.all([
      a.run(['--no-input', 'cluster', 'list']),
      b.run(['--no-input', 'cluster', 'list']),
    ]);
    const keys = ws
      .commandCalls()
      .map((call) => call.env.TENSORPOOL_KEY)
      .sort();
    expect(keys).toEqual([KEY_A, KEY_B]);
    for (const result of [resultA, resultB]) {
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toContain('TENSORPOOL_KEY=[REDACTED]');
      expect(result.stderr).toContain('key is [REDACTED]');
      for (const secret of [KEY_A, KEY_B, TEST_KEY]) expect(result.stdout + result.stderr).not.toContain(secret);
    }
    // the server's own key is neither used nor shown: a session never falls back to it
    expect(ws.commandCalls().some((call) => call.env.TENSORPOOL_KEY === TEST_KEY)).toBe(false);
  });

  it('streams output with the session key masked, even when it arrives in pieces', async () => {
    runner = new TpRunner({
      ...RUNNER_LIMITS,
      tpPath: FAKE_TP,
      passEnv: FAKE_TP_PASS_ENV,
      env: ws.env({ FAKE_TP_ECHO_KEY: '1' }),
      timeoutMs: 10_000,
    });
    let streamed = '';
    await keyed(runner, KEY_A).run(['--no-input', 'cluster', 'list'], {
      observer: { output: (text) => (streamed += text) },
    });
    expect(streamed).toContain('TENSORPOOL_KEY=[REDACTED]');
    expect(streamed).not.toContain(KEY_A);
  });

  it('works on a server that has no key of its own, and leaves the runner keyless', async () => {
    runner = new TpRunner({
      ...RUNNER_LIMITS,
      tpPath: FAKE_TP,
      passEnv: FAKE_TP_PASS_ENV,
      env: ws.env({ TENSORPOOL_KEY: undefined }),
      timeoutMs: 10_000,
    });
    const client = keyed(runner, KEY_A);
    expect(client.hasApiKey).toBe(true);
    expect((await client.run(['--no-input', 'me'])).exitCode).toBe(0);
    expect(ws.lastCall().env.TENSORPOOL_KEY).toBe(KEY_A);
    expect(runner.hasApiKey).toBe(false);
    await expect(runner.run(['--no-input', 'me'])).rejects.toThrow(/No TensorPool API key is set/);
    expect(client.redactor.redact(`a ${KEY_A} b`)).toBe('a [REDACTED] b');
    expect(runner.redactor.redact(`a ${KEY_A} b`)).toBe(`a ${KEY_A} b`);
  });

  it('tells its session when TensorPool refuses the key, and only then', async () => {
    runner = new TpRunner({
      ...RUNNER_LIMITS,
      tpPath: FAKE_TP,
      passEnv: FAKE_TP_PASS_ENV,
      env: ws.env({ TENSORPOOL_KEY: undefined, FAKE_TP_VALID_KEYS: KEY_B }),
      timeoutMs: 10_000,
    });
    let refusedA = 0;
    let refusedB = 0;
    const refused = await keyed(runner, KEY_A, () => refusedA++).run(['--no-input', 'cluster', 'list']);
    expect(refused).toMatchObject({ exitCode: 1, stdout: '* Authenticating...\nInvalid API key\n' });
    await keyed(runner, KEY_B, () => refusedB++).run(['--no-input', 'cluster', 'list']);
    expect([refusedA, refusedB]).toEqual([1, 0]);
  });

  it.each([
    ['a failing command after the health check', 1, '* Authenticating...\nError: simulated failure\n'],
    ["a job's own output that says the words later", 1, '* Authenticating...\nstep 1\nInvalid API key\n'],
    ['the words with exit code 0', 0, '* Authenticating...\nInvalid API key\n'],
  ])('does not take %s for a refused key', (_what, exitCode, stdout) => {
    expect(keyRefused({ exitCode, stdout })).toBe(false);
  });
});

describe("SessionClient.forCall: one call's dry run and observation", () => {
  it('under a dry run reports the exact command, masked, and starts nothing', async () => {
    runner = new TpRunner({
      tpPath: FAKE_TP,
      passEnv: FAKE_TP_PASS_ENV,
      env: ws.env(),
      timeoutMs: 10_000,
      ...RUNNER_LIMITS,
    });
    const started: string[][] = [];
    const client = keyed(runner, KEY_A).forCall({ dryRun: true, onStart: (argv) => started.push(argv) });
    const result = await client.run(['--no-input', 'cluster', 'destroy', 'c-1', `--note=${KEY_A}`], { cwd: '/tmp' });
    expect(result).toMatchObject({ exitCode: 0, dryRun: true });
    expect(result.stdout).toContain("cluster destroy c-1 '--note=[REDACTED]'");
    expect(result.stdout).toContain('(in /tmp)');
    expect(started).toEqual([[FAKE_TP, '--no-input', 'cluster', 'destroy', 'c-1', '--note=[REDACTED]']]);
    expect(ws.commandCalls()).toEqual([]);
  });

  it("runs with the call's signal and observer, in the session's lane, with its key", async () => {
    runner = new TpRunner({
      tpPath: FAKE_TP,
      passEnv: FAKE_TP_PASS_ENV,
      env: ws.env({ FAKE_TP_ECHO_KEY: '1' }),
      timeoutMs: 10_000,
      ...RUNNER_LIMITS,
    });
    const controller = new AbortController();
    let streamed = '';
    const client = keyed(runner, KEY_A).forCall({
      dryRun: false,
      signal: controller.signal,
      observer: { output: (text) => (streamed += text) },
    });
    const result = await client.run(['--no-input', 'cluster', 'list']);
    expect(result.exitCode).toBe(0);
    expect(ws.lastCall().env.TENSORPOOL_KEY).toBe(KEY_A);
    expect(streamed).toContain('TENSORPOOL_KEY=[REDACTED]');
    controller.abort();
    await expect(client.run(['--no-input', 'cluster', 'list'])).rejects.toThrow(/cancelled before tp started/);
  });
});
