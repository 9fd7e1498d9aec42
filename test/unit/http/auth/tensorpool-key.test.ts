import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthRefusal } from '../../../../src/errors.js';
import { TensorPoolKeyAuthenticator, tpMeVerifier, type KeyVerdict } from '../../../../src/http/auth/tensorpool-key.js';
import { TpRunner } from '../../../../src/tp/runner.js';
import { FAKE_TP, FakeTpWorkspace } from '../../../helpers/fake-tp.js';

const GOOD = 'tpk_good_0123456789abcdef';
const OTHER_GOOD = 'tpk_good_fedcba9876543210';
const BAD = 'tpk_bad_0000000000000000';

/** A verifier that knows two good keys and counts what it is asked. */
function countingVerifier(answer: (key: string) => KeyVerdict = (key) => ({ valid: key.startsWith('tpk_good') })) {
  const asked: string[] = [];
  return {
    asked,
    verifier: async (key: string) => {
      asked.push(key);
      return answer(key);
    },
  };
}

const refusalOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as AuthRefusal);

describe('TensorPoolKeyAuthenticator (--auth tensorpool-key)', () => {
  it('checks a key once when it opens a session, and gives the session that key', async () => {
    const { asked, verifier } = countingVerifier();
    const auth = new TensorPoolKeyAuthenticator(verifier);
    const caller = await auth.verify(GOOD, { newSession: true });
    expect(caller.tpKey).toBe(GOOD);
    expect(caller.label).toMatch(/^key sha256:[0-9a-f]{8}$/);
    expect(caller.id).not.toContain(GOOD);
    // a second session with the same key within the cache time asks nobody
    await auth.verify(GOOD, { newSession: true });
    expect(asked).toEqual([GOOD]);
  });

  it('asks again once the cache time is over', async () => {
    let now = 1_000_000;
    const { asked, verifier } = countingVerifier();
    const auth = new TensorPoolKeyAuthenticator(verifier, { validTtlMs: 60_000, now: () => now });
    await auth.verify(GOOD, { newSession: true });
    now += 59_000;
    await auth.verify(GOOD, { newSession: true });
    now += 2_000;
    await auth.verify(GOOD, { newSession: true });
    expect(asked).toEqual([GOOD, GOOD]);
  });

  it('does not check requests within a session: the transport matches them to the session by key hash', async () => {
    const { asked, verifier } = countingVerifier();
    const auth = new TensorPoolKeyAuthenticator(verifier);
    const inSession = await auth.verify(BAD, { newSession: false });
    const opened = await auth.verify(GOOD, { newSession: true });
    expect(asked).toEqual([GOOD]);
    expect(inSession.id).not.toBe(opened.id);
    expect((await auth.verify(GOOD, { newSession: false })).id).toBe(opened.id);
  });

  it('refuses a key TensorPool refused with 401, and remembers that for a while', async () => {
    const { asked, verifier } = countingVerifier();
    const auth = new TensorPoolKeyAuthenticator(verifier);
    for (let i = 0; i < 3; i++) expect(await refusalOf(auth.verify(BAD, { newSession: true }))).toMatchObject({ status: 401, code: 'invalid_token' });
    expect(asked).toEqual([BAD]);
  });

  it('asks once for concurrent sessions opened with one key', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const asked: string[] = [];
    const auth = new TensorPoolKeyAuthenticator(async (key) => {
      asked.push(key);
      await gate;
      return { valid: true };
    });
    const sessions = Promise.all([1, 2, 3].map(() => auth.verify(GOOD, { newSession: true })));
    release();
    expect((await sessions).map((caller) => caller.tpKey)).toEqual([GOOD, GOOD, GOOD]);
    expect(asked).toEqual([GOOD]);
  });

  it('answers 503 with Retry-After beyond maxPending distinct checks, and runs no more of them', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const asked: string[] = [];
    const auth = new TensorPoolKeyAuthenticator(
      async (key) => {
        asked.push(key);
        await gate;
        return { valid: true };
      },
      { maxPending: 2 },
    );
    const first = auth.verify('tpk_good_1111111111', { newSession: true });
    const second = auth.verify('tpk_good_2222222222', { newSession: true });
    expect(await refusalOf(auth.verify('tpk_good_3333333333', { newSession: true }))).toMatchObject({ status: 503, extra: { retryAfterSeconds: 5 } });
    release();
    await Promise.all([first, second]);
    expect(asked).toHaveLength(2);
  });

  it('answers 503 when the key could not be checked, tells the operator, and asks again next time', async () => {
    const problems: string[] = [];
    const { asked, verifier } = countingVerifier(() => ({ unavailable: 'tp was not found' }));
    const auth = new TensorPoolKeyAuthenticator(verifier, { onUnavailable: (reason) => problems.push(reason) });
    expect(await refusalOf(auth.verify(GOOD, { newSession: true }))).toMatchObject({ status: 503 });
    expect(await refusalOf(auth.verify(GOOD, { newSession: true }))).toMatchObject({ status: 503 });
    expect(asked).toEqual([GOOD, GOOD]);
    expect(problems).toEqual(['tp was not found', 'tp was not found']);
  });

  it.each([
    ['too short', 'abc'],
    ['holding a space', 'tpk_good 0123456789'],
    ['holding a newline', 'tpk_good_0123\n456789'],
    ['not ASCII', 'tpk_good_0123456789é'],
  ])('refuses a bearer %s without asking anyone', async (_what, key) => {
    const { asked, verifier } = countingVerifier();
    const auth = new TensorPoolKeyAuthenticator(verifier);
    expect(await refusalOf(auth.verify(key, { newSession: true }))).toMatchObject({ status: 401 });
    expect(asked).toEqual([]);
  });

  it('keeps no key in its caches, only hashes', async () => {
    const { verifier } = countingVerifier();
    const auth = new TensorPoolKeyAuthenticator(verifier);
    await auth.verify(GOOD, { newSession: true });
    await auth.verify(OTHER_GOOD, { newSession: true });
    await refusalOf(auth.verify(BAD, { newSession: true }));
    const state = inspect(auth, { depth: 10, showHidden: true });
    for (const key of [GOOD, OTHER_GOOD, BAD]) expect(state).not.toContain(key);
  });
});

describe('tpMeVerifier: the production check runs `tp me` with the key', () => {
  let ws: FakeTpWorkspace;
  let runner: TpRunner;
  afterEach(async () => {
    await runner.shutdown();
    ws.cleanup();
  });

  it('finds a key TensorPool takes valid and one it refuses invalid, with that key in the child env only', async () => {
    ws = new FakeTpWorkspace();
    runner = new TpRunner({ tpPath: FAKE_TP, env: ws.env({ TENSORPOOL_KEY: undefined, FAKE_TP_VALID_KEYS: GOOD }), timeoutMs: 10_000 });
    const verify = tpMeVerifier(runner);
    expect(await verify(GOOD)).toEqual({ valid: true });
    expect(await verify(BAD)).toEqual({ valid: false });
    expect(ws.commandCalls().map((call) => [call.argv, call.env.TENSORPOOL_KEY])).toEqual([
      [['--no-input', 'me'], GOOD],
      [['--no-input', 'me'], BAD],
    ]);
  });

  it('says nothing about the key when tp is missing', async () => {
    ws = new FakeTpWorkspace();
    runner = new TpRunner({ tpPath: `${ws.dir}/no-such-tp`, env: ws.env(), timeoutMs: 10_000 });
    const verdict = await tpMeVerifier(runner)(GOOD);
    expect(verdict).toMatchObject({ unavailable: expect.stringMatching(/not found/) });
    expect(JSON.stringify(verdict)).not.toContain(GOOD);
  });
});
