import type { IncomingMessage } from 'node:http';
import type { Caller } from './caller.js';

/** One way of checking `Authorization: Bearer <token>`: static tokens, TensorPool keys, OAuth JWTs. */
export interface Authenticator {
  /**
   * Who presents `token`; throws AuthRefusal otherwise. `newSession` is true for a request without
   * an Mcp-Session-Id, the only kind that may open a session (and so the only one worth a costly check);
   * `address` is the client's (clientAddress), against which costly checks are counted.
   */
  verify(token: string, context: { newSession: boolean; address?: string }): Promise<Caller>;
  /** OAuth: where clients learn which authorization server issues tokens for this resource (RFC 9728). */
  resourceMetadataUrl?(req: IncomingMessage): string;
  /**
   * The caller's credential stopped working (TensorPool refused its key during a call): forget it, and tell onRevoked.
   */
  revoke?(caller: Caller): void;
  /** Hears each caller whose credential was revoked, so its sessions can end. */
  onRevoked?(listener: (callerId: string) => void): void;
}
