import type { IncomingMessage } from 'node:http';
import type { Caller } from './caller.js';

/** One way of checking `Authorization: Bearer <token>`: static tokens, TensorPool keys, OAuth JWTs. */
export interface Authenticator {
  /**
   * Who presents `token`; throws AuthRefusal otherwise. `newSession` is true for a request without
   * an Mcp-Session-Id, the only kind that may open a session (and so the only one worth a costly check).
   */
  verify(token: string, context: { newSession: boolean }): Promise<Caller>;
  /** OAuth: where clients learn which authorization server issues tokens for this resource (RFC 9728). */
  resourceMetadataUrl?(req: IncomingMessage): string;
}
