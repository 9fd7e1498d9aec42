import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthRefusal } from '../../errors.js';
import type { Authenticator } from './authenticator.js';
import { clientAddress } from '../client-address.js';
import { sessionIdOf, setCaller } from './caller.js';

/** RFC 6750 §2.1: `Bearer` (any case), then the token; undefined when there is no such header. */
function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  return match ? match[1] : '';
}

/**
 * Lets a request through only with a bearer token the authenticator accepts, and records its caller;
 * everything else gets 401 (or 403 for a missing scope) with a `WWW-Authenticate: Bearer` challenge,
 * 429 when the client's address has started too many checks, 503 when the server cannot check now,
 * all before the body is read or any session exists. Not the SDK's requireBearerAuth: it refuses tokens
 * without an expiry (ours and TensorPool keys have none), has no 429 or 503 with Retry-After, and cannot
 * tell the authenticator whether a request opens a session.
 */
export function requireBearer(authenticator: Authenticator, trustProxy = false) {
  return async (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): Promise<void> => {
    const token = bearerToken(req);
    if (token === undefined)
      return refuse(res, authenticator, req, new AuthRefusal(401, 'This server needs Authorization: Bearer <token>.'));
    if (token === '')
      return refuse(
        res,
        authenticator,
        req,
        new AuthRefusal(401, 'The Authorization header is not a Bearer token.', 'invalid_token'),
      );
    try {
      setCaller(
        req,
        await authenticator.verify(token, {
          newSession: sessionIdOf(req) === undefined,
          address: clientAddress(req, trustProxy),
        }),
      );
    } catch (error) {
      if (error instanceof AuthRefusal) return refuse(res, authenticator, req, error);
      return next(error);
    }
    next();
  };
}

function refuse(res: ServerResponse, authenticator: Authenticator, req: IncomingMessage, refusal: AuthRefusal): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (refusal.status === 401 || refusal.status === 403)
    headers['www-authenticate'] = challenge(authenticator, req, refusal);
  if (refusal.extra.retryAfterSeconds !== undefined) headers['retry-after'] = String(refusal.extra.retryAfterSeconds);
  res.writeHead(refusal.status, headers);
  const error =
    refusal.code ??
    { 429: 'too_many_requests', 503: 'temporarily_unavailable' }[refusal.status as 429 | 503] ??
    'unauthorized';
  res.end(JSON.stringify({ error, error_description: refusal.message }));
}

/** `Bearer realm=…` for tokens and keys; with OAuth, `resource_metadata=…` tells the client where to get one. */
function challenge(authenticator: Authenticator, req: IncomingMessage, refusal: AuthRefusal): string {
  const params: [string, string][] = [];
  const metadata = authenticator.resourceMetadataUrl?.(req);
  if (metadata) params.push(['resource_metadata', metadata]);
  else params.push(['realm', 'tensorpool-mcp']);
  if (refusal.code) params.push(['error', refusal.code], ['error_description', refusal.message]);
  if (refusal.extra.scope) params.push(['scope', refusal.extra.scope]);
  // quoted-string: our own texts hold no quotes or backslashes, but make sure
  return `Bearer ${params.map(([name, value]) => `${name}="${value.replace(/["\\]/g, '')}"`).join(', ')}`;
}
