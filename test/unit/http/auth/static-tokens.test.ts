import { describe, expect, it } from 'vitest';
import { AuthRefusal } from '../../../../src/errors.js';
import { StaticTokenAuthenticator } from '../../../../src/http/auth/static-tokens.js';
import { sameCaller } from '../../../../src/http/auth/caller.js';

const ALICE = 'alice-0123456789abcdef';
const BOB = 'bob-fedcba9876543210xyz';

describe('StaticTokenAuthenticator (--auth-token)', () => {
  const auth = new StaticTokenAuthenticator([ALICE, BOB]);

  it('accepts each configured token as its own caller, named without the token', async () => {
    const alice = await auth.verify(ALICE);
    const bob = await auth.verify(BOB);
    expect(alice.label).toBe('token #1');
    expect(bob.label).toBe('token #2');
    expect(sameCaller(alice, await auth.verify(ALICE))).toBe(true);
    // a session opened with one token cannot be used with another
    expect(sameCaller(alice, bob)).toBe(false);
    expect(JSON.stringify([alice, bob])).not.toMatch(/0123456789abcdef|fedcba9876543210/);
  });

  it.each([
    ['another token', 'mallory-0123456789abcdef'],
    ['a prefix of a good one', ALICE.slice(0, -1)],
    ['a good one with more after it', `${ALICE}x`],
    ['a good one in another case', ALICE.toUpperCase()],
  ])('refuses %s with 401 invalid_token', async (_what, token) => {
    const refusal = await auth.verify(token).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AuthRefusal);
    expect(refusal).toMatchObject({ status: 401, code: 'invalid_token' });
  });
});
