import { AuthRefusal } from '../../errors.js';
import type { Authenticator } from './authenticator.js';
import { sameDigest, sha256, type Caller } from './caller.js';

/**
 * `--auth-token`: fixed bearer tokens. Only their SHA-256 digests are kept, and a presented token is
 * compared with every one of them in constant time, so neither content nor position leaks by timing.
 */
export class StaticTokenAuthenticator implements Authenticator {
  private readonly digests: Buffer[];

  constructor(tokens: readonly string[]) {
    if (tokens.length === 0) throw new Error('StaticTokenAuthenticator needs at least one token');
    this.digests = tokens.map(sha256);
  }

  async verify(token: string): Promise<Caller> {
    const presented = sha256(token);
    let match = -1;
    // no early exit: every comparison runs whichever token matches
    for (const [index, digest] of this.digests.entries()) {
      if (sameDigest(presented, digest) && match < 0) match = index;
    }
    if (match < 0) throw new AuthRefusal(401, 'The bearer token is not one this server accepts.', 'invalid_token');
    return { id: `token#${match + 1}`, label: `token #${match + 1}` };
  }
}
