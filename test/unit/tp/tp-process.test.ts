import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { childEnvironment } from '../../../src/tp/environment.js';
import { Redactor } from '../../../src/tp/redact.js';
import { TpProcess, type TpProcessOptions } from '../../../src/tp/tp-process.js';
import { FAKE_TP, FAKE_TP_PASS_ENV, FakeTpWorkspace, TEST_KEY, isAlive, waitFor } from '../../helpers/fake-tp.js';

let ws: FakeTpWorkspace;
const started: TpProcess[] = [];
beforeEach(() => {
  ws = new FakeTpWorkspace();
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((tp) => tp.kill()));
  ws.cleanup();
});

function start(env: Record<string, string>, options: Partial<TpProcessOptions> = {}): TpProcess {
  const tp = new TpProcess({
    executable: FAKE_TP,
    args: ['--no-input', 'cluster', 'list'],
    cwd: ws.dir,
    env: childEnvironment(ws.env(env), FAKE_TP_PASS_ENV),
    redactor: new Redactor([TEST_KEY]),
    timeoutMs: 60_000,
    graceMs: 300,
    headBytes: 64 * 1024,
    tailBytes: 64 * 1024,
    ...options,
  });
  started.push(tp);
  return tp;
}

const pids = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { tp: number; grandchild: number };

describe('TpProcess', () => {
  it(
    'goes from running through exited to settled, and its result stands against a cancel that comes after the ' +
      'exit',
    async () => {
      const pidFile = join(ws.dir, 'pids.json');
      const controller = new AbortController();
      // the grandchild ignores SIGTERM and the grace period is long: the group's cleanup waits until the test kills it
      const tp = start(
        { FAKE_TP_GRANDCHILD: '1', FAKE_TP_PIDFILE: pidFile, FAKE_TP_IGNORE_SIGTERM: '1' },
        { signal: controller.signal, graceMs: 120_000 },
      );
      expect(tp.state).toBe('running');
      await waitFor(() => tp.state === 'exited', 10_000, 'tp to exit');
      controller.abort();
      expect(tp.state).toBe('exited');
      process.kill(pids(pidFile).grandchild, 'SIGKILL');
      const result = await tp.result;
      expect(tp.state).toBe('settled');
      expect(result).toMatchObject({
        exitCode: 0,
        cancelled: false,
        timedOut: false,
        argv: [FAKE_TP, '--no-input', 'cluster', 'list'],
      });
      expect(isAlive(pids(pidFile).grandchild)).toBe(false);
    },
  );

  it('is stopping once cancelled, and reports the cancel when tp then dies of the SIGTERM', async () => {
    const pidFile = join(ws.dir, 'pids.json');
    const controller = new AbortController();
    const tp = start(
      { FAKE_TP_GRANDCHILD: '1', FAKE_TP_PIDFILE: pidFile, FAKE_TP_DELAY_MS: '60000' },
      { signal: controller.signal },
    );
    await waitFor(() => existsSync(pidFile), 10_000, 'the fake tp to start its grandchild');
    controller.abort();
    expect(tp.state).toBe('stopping');
    expect(await tp.result).toMatchObject({ cancelled: true, timedOut: false, exitCode: null, signal: 'SIGTERM' });
    expect(isAlive(pids(pidFile).tp)).toBe(false);
    expect(isAlive(pids(pidFile).grandchild)).toBe(false);
  });

  it('relays output redacted as it comes, stream by stream, and keeps it bounded for the result', async () => {
    const relayed: { stdout: string; stderr: string } = { stdout: '', stderr: '' };
    const tp = start(
      { FAKE_TP_ECHO_KEY: '1', FAKE_TP_STDERR: 'warning', FAKE_TP_OUTPUT_BYTES: String(256 * 1024) },
      { headBytes: 1024, tailBytes: 1024, observer: { output: (text, stream) => void (relayed[stream] += text) } },
    );
    const result = await tp.result;
    expect(relayed.stdout.length).toBeGreaterThan(256 * 1024);
    expect(relayed.stderr).toContain('warning');
    expect(JSON.stringify([relayed, result])).not.toContain(TEST_KEY);
    expect(relayed.stdout).toContain('[REDACTED]');
    expect(result.truncated).toBe(true);
    expect(result.stdout.length).toBeLessThan(4096);
  });

  it('rejects with the spawn error when the executable is missing', async () => {
    const tp = start({}, { executable: join(ws.dir, 'no-such-tp') });
    await expect(tp.result).rejects.toMatchObject({ code: 'ENOENT' });
    expect(tp.state).toBe('settled');
  });
});
