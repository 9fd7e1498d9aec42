import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthRefusal } from '../../../../src/errors.js';
import { TensorPoolKeyAuthenticator, tpMeVerifier, type KeyVerdict } from '../../../../src/http/auth/tensorpool-key.js';
import { TpRunner } from '../../../../src/tp/runner.js';
import { FAKE_TP, FAKE_TP_PASS_ENV, FakeTpWorkspace, RUNNER_LIMITS } from '../../../helpers/fake-tp.js';

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

/** A verifier whose checks all wait for release(); good keys start with tpk_good. */
function gated() {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const asked: string[] = [];
  return {
    asked,
    release: () => release(),
    verifier: async (key: string): Promise<KeyVerdict> => {
      asked.push(key);
      await gate;
      return { valid: key.startsWith('tpk_good') };
    },
  };
}

const refusalOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as AuthRefusal,
  );

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
    for (let i = 0; i < 3; i++)
      expect(await refusalOf(auth.verify(BAD, { newSession: true }))).toMatchObject({
        status: 401,
        code: 'invalid_token',
      });
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

  it('queues checks beyond maxPending, and answers 503 only when the server has its most waiting too', async () => {
    const gate = gated();
    const auth = new TensorPoolKeyAuthenticator(gate.verifier, { maxPending: 1, maxWaiting: 1 });
    const first = auth.verify('tpk_good_1111111111', { newSession: true, address: '192.0.2.1' });
    const second = auth.verify('tpk_good_2222222222', { newSession: true, address: '192.0.2.2' });
    expect(
      await refusalOf(auth.verify('tpk_good_3333333333', { newSession: true, address: '192.0.2.3' })),
    ).toMatchObject({
      status: 503,
      extra: { retryAfterSeconds: 5 },
    });
    gate.release();
    await Promise.all([first, second]);
    expect(gate.asked).toEqual(['tpk_good_1111111111', 'tpk_good_2222222222']);
  });

  it(
    'an address past its budget of unknown keys gets 429 with Retry-After, and runs no check; another address is ' +
      'still checked',
    async () => {
      let now = 1_000_000;
      const { asked, verifier } = countingVerifier();
      const auth = new TensorPoolKeyAuthenticator(verifier, {
        addressBurst: 3,
        addressChecksPerMinute: 6,
        now: () => now,
      });
      for (let i = 0; i < 3; i++) {
        expect(
          await refusalOf(auth.verify(`tpk_bad_flood_${i}_000000`, { newSession: true, address: '192.0.2.66' })),
        ).toMatchObject({ status: 401 });
      }
      const limited = await refusalOf(
        auth.verify('tpk_bad_flood_3_000000', { newSession: true, address: '192.0.2.66' }),
      );
      expect(limited).toMatchObject({ status: 429, extra: { retryAfterSeconds: 10 } });
      expect(asked).toHaveLength(3);
      // a known refused key costs nothing, and says 401 as before
      expect(
        await refusalOf(auth.verify('tpk_bad_flood_0_000000', { newSession: true, address: '192.0.2.66' })),
      ).toMatchObject({ status: 401 });
      expect((await auth.verify(GOOD, { newSession: true, address: '192.0.2.7' })).tpKey).toBe(GOOD);
      // ten seconds later the flooding address has one more check
      now += 10_000;
      expect(
        await refusalOf(auth.verify('tpk_bad_flood_4_000000', { newSession: true, address: '192.0.2.66' })),
      ).toMatchObject({ status: 401 });
      expect(
        await refusalOf(auth.verify('tpk_bad_flood_5_000000', { newSession: true, address: '192.0.2.66' })),
      ).toMatchObject({ status: 429 });
      expect(asked).toHaveLength(5);
    },
  );

  it(
    "waiting checks take turns by address: another address's key is checked before a flooding address's " + 'next one',
    async () => {
      const gate = gated();
      const auth = new TensorPoolKeyAuthenticator(gate.verifier, { maxPending: 1 });
      const flood = ['tpk_bad_a_11111111', 'tpk_bad_a_22222222', 'tpk_bad_a_33333333'].map((key) =>
        refusalOf(auth.verify(key, { newSession: true, address: '192.0.2.66' })),
      );
      // the flooding address has one check running and two waiting: its next one is turned away at once
      expect(
        await refusalOf(auth.verify('tpk_bad_a_44444444', { newSession: true, address: '192.0.2.66' })),
      ).toMatchObject({ status: 429 });
      const member = auth.verify('tpk_good_member_0001', { newSession: true, address: '192.0.2.7' });
      gate.release();
      await Promise.all([...flood, member]);
      expect(gate.asked).toEqual([
        'tpk_bad_a_11111111',
        'tpk_good_member_0001',
        'tpk_bad_a_22222222',
        'tpk_bad_a_33333333',
      ]);
    },
  );

  it(
    'checks a known key again within its sessions once validTtl is over; refused, it is forgotten and its caller ' +
      'revoked',
    async () => {
      let now = 1_000_000;
      let accepted = true;
      const { asked, verifier } = countingVerifier(() => ({ valid: accepted }));
      const revoked: string[] = [];
      const auth = new TensorPoolKeyAuthenticator(verifier, { validTtlMs: 300_000, now: () => now });
      auth.onRevoked((id) => revoked.push(id));
      const caller = await auth.verify(GOOD, { newSession: true });
      now += 299_000;
      await auth.verify(GOOD, { newSession: false });
      expect(asked).toHaveLength(1);
      now += 2_000;
      accepted = false;
      expect(await refusalOf(auth.verify(GOOD, { newSession: false }))).toMatchObject({ status: 401 });
      expect(revoked).toEqual([caller.id]);
      // within its sessions too, and without asking again
      expect(await refusalOf(auth.verify(GOOD, { newSession: false }))).toMatchObject({ status: 401 });
      expect(asked).toHaveLength(2);
    },
  );

  it('a recheck that cannot reach TensorPool lets the session go on, and asks again a minute later', async () => {
    let now = 1_000_000;
    let answer: KeyVerdict = { valid: true };
    const { asked, verifier } = countingVerifier(() => answer);
    const revoked: string[] = [];
    const auth = new TensorPoolKeyAuthenticator(verifier, { validTtlMs: 300_000, now: () => now });
    auth.onRevoked((id) => revoked.push(id));
    await auth.verify(GOOD, { newSession: true });
    now += 301_000;
    answer = { unavailable: 'Cannot reach the TensorPool' };
    expect((await auth.verify(GOOD, { newSession: false })).tpKey).toBe(GOOD);
    await auth.verify(GOOD, { newSession: false });
    expect(asked).toHaveLength(2);
    now += 61_000;
    answer = { valid: false };
    expect(await refusalOf(auth.verify(GOOD, { newSession: false }))).toMatchObject({ status: 401 });
    expect(asked).toHaveLength(3);
    expect(revoked).toHaveLength(1);
  });

  it('revoke(): a key tp found refused ends its caller at once, with no check', async () => {
    const { asked, verifier } = countingVerifier();
    const auth = new TensorPoolKeyAuthenticator(verifier);
    const revoked: string[] = [];
    auth.onRevoked((id) => revoked.push(id));
    const caller = await auth.verify(GOOD, { newSession: true });
    auth.revoke(caller);
    expect(revoked).toEqual([caller.id]);
    expect(await refusalOf(auth.verify(GOOD, { newSession: false }))).toMatchObject({ status: 401 });
    expect(await refusalOf(auth.verify(GOOD, { newSession: true }))).toMatchObject({ status: 401 });
    expect(asked).toEqual([GOOD]);
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
    runner = new TpRunner({
      ...RUNNER_LIMITS,
      tpPath: FAKE_TP,
      passEnv: FAKE_TP_PASS_ENV,
      env: ws.env({ TENSORPOOL_KEY: undefined, FAKE_TP_VALID_KEYS: GOOD }),
      timeoutMs: 10_000,
    });
    const verify = tpMeVerifier(runner);
    expect(await verify(GOOD)).toEqual({ valid: true });
    const refused = await verify(BAD);
    expect(refused).toMatchObject({ valid: false, said: expect.stringMatching(/Invalid API key/) });
    expect(JSON.stringify(refused)).not.toContain(BAD);
    expect(ws.commandCalls().map((call) => [call.argv, call.env.TENSORPOOL_KEY])).toEqual([
      [['--no-input', 'me'], GOOD],
      [['--no-input', 'me'], BAD],
    ]);
  });

  it('says nothing about the key when tp is missing', async () => {
    ws = new FakeTpWorkspace();
    runner = new TpRunner({ ...RUNNER_LIMITS, tpPath: `${ws.dir}/no-such-tp`, env: ws.env(), timeoutMs: 10_000 });
    const verdict = await tpMeVerifier(runner)(GOOD);
    expect(verdict).toMatchObject({ unavailable: expect.stringMatching(/not found/) });
    expect(JSON.stringify(verdict)).not.toContain(GOOD);
  });
});
