import type { IncomingMessage } from 'node:http';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AuthRefusal } from '../../errors.js';
import type { Authenticator } from './authenticator.js';
import type { Caller } from './caller.js';
import { checkAuthorityUrl } from './authority-url.js';
import { metadataUrlOf, resourceOf } from './resource-metadata.js';

export interface OAuthOptions {
  /** The authorization server's issuer identifier, exactly as tokens carry it in `iss`. */
  issuer: string;
  /** What tokens must carry in `aud`: best the public URL of /mcp. */
  audience: string;
  /** Scopes every token must hold; none: any token for this audience. */
  scopes: readonly string[];
  mcpPath: string;
  onError?: (message: string) => void;
  /** Leeway for `exp` and `nbf` between our clock and the issuer's. Default 5 seconds. */
  clockToleranceSeconds?: number;
}

const FETCH_TIMEOUT_MS = 10_000;
/** After a failed discovery, requests wait this long before the issuer is asked again. */
const RETRY_AFTER_SECONDS = 10;

/**
 * `--auth oauth`: an OAuth 2.1 resource server. Access tokens are JWTs checked with jose against the
 * issuer's JWKS (found through its metadata, RFC 8414 or OpenID discovery): signature, issuer,
 * audience, expiry, and the required scopes. The issuer is asked lazily and again after a failure,
 * so a server can start while its authorization server is briefly away.
 */
export class OAuthAuthenticator implements Authenticator {
  private keys: Promise<JWTVerifyGetKey> | undefined;
  private failedAt = 0;

  constructor(private readonly options: OAuthOptions) {}

  /** Starts discovery now, so a misconfigured issuer shows in the log at start-up, not at the first request. */
  warmUp(): void {
    void this.jwks().catch(() => {});
  }

  resourceMetadataUrl(req: IncomingMessage): string {
    return metadataUrlOf(resourceOf(this.options.audience, req, this.options.mcpPath));
  }

  async verify(token: string): Promise<Caller> {
    const keys = await this.jwks().catch(() => {
      throw new AuthRefusal(
        503,
        'The authorization server could not be reached to check tokens; try again shortly.',
        undefined,
        {
          retryAfterSeconds: RETRY_AFTER_SECONDS,
        },
      );
    });
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        requiredClaims: ['exp'],
        clockTolerance: this.options.clockToleranceSeconds ?? 5,
      }));
    } catch (error) {
      throw refusalFor(error);
    }
    const granted = scopesOf(payload);
    const missing = this.options.scopes.filter((scope) => !granted.has(scope));
    if (missing.length > 0) {
      throw new AuthRefusal(403, `The token lacks the scope ${missing.join(' ')}.`, 'insufficient_scope', {
        scope: this.options.scopes.join(' '),
      });
    }
    const principal = principalOf(payload);
    if (!principal) throw new AuthRefusal(401, 'The token names no subject (sub or client_id).', 'invalid_token');
    return { id: `oauth:${this.options.issuer}#${principal}`, label: `oauth ${principal}` };
  }

  private jwks(): Promise<JWTVerifyGetKey> {
    if (this.keys) return this.keys;
    if (Date.now() - this.failedAt < RETRY_AFTER_SECONDS * 1000)
      return Promise.reject(new Error('discovery failed recently'));
    this.keys = discoverJwksUri(this.options.issuer).then(
      (uri) => createRemoteJWKSet(uri, { timeoutDuration: FETCH_TIMEOUT_MS }),
      (error: unknown) => {
        this.keys = undefined;
        this.failedAt = Date.now();
        this.options.onError?.(
          `oauth: could not read the metadata of issuer ${this.options.issuer}: ` +
            `${error instanceof Error ? error.message : String(error)}`,
        );
        throw error;
      },
    );
    return this.keys;
  }
}

/**
 * Who a token speaks for, marked with the claim that said it: `sub:alice` for a user, `client:alice`
 * for a client acting on its own (client_id, or azp). Unmarked, a client registered as "alice" would
 * be the same caller as the user alice, and could use her sessions.
 */
function principalOf(payload: JWTPayload): string | undefined {
  const named = (value: unknown): value is string => typeof value === 'string' && value !== '';
  if (named(payload.sub)) return `sub:${payload.sub}`;
  const client = [payload.client_id, payload.azp].find(named);
  return client === undefined ? undefined : `client:${client}`;
}

/** `scope` is a space-separated string (RFC 9068); some issuers send `scp` as a list instead. */
function scopesOf(payload: JWTPayload): Set<string> {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === 'string') return new Set(raw.split(' ').filter(Boolean));
  if (Array.isArray(raw)) return new Set(raw.filter((item): item is string => typeof item === 'string'));
  return new Set();
}

/** A reason the caller can act on, without echoing anything from the token. */
function refusalFor(error: unknown): AuthRefusal {
  const invalid = (message: string) => new AuthRefusal(401, message, 'invalid_token');
  if (error instanceof errors.JWTExpired) return invalid('The token has expired.');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return invalid('The token was issued for another audience.');
    if (error.claim === 'iss') return invalid('The token was issued by another authorization server.');
    if (error.claim === 'nbf') return invalid('The token is not valid yet.');
    return invalid(`The token's ${error.claim} claim is missing or invalid.`);
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWSSignatureVerificationFailed) {
    return invalid("The token was not signed by the issuer's keys.");
  }
  if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
    // the JWKS could not be fetched: nothing is known about the token yet
    return new AuthRefusal(503, "The issuer's signing keys could not be fetched; try again shortly.", undefined, {
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    });
  }
  return invalid('The bearer token is not a valid signed JWT.');
}

/**
 * Where the issuer publishes its metadata, in the order the MCP authorization spec has clients try:
 * RFC 8414 (path inserted after the well-known prefix), then OpenID Connect discovery.
 */
export function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, '');
  if (path === '')
    return [`${url.origin}/.well-known/oauth-authorization-server`, `${url.origin}/.well-known/openid-configuration`];
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}/.well-known/openid-configuration${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
}

/** The issuer's `jwks_uri`, from the first metadata document that exists; it must name the same issuer. */
export async function discoverJwksUri(issuer: string): Promise<URL> {
  const tried: string[] = [];
  for (const location of metadataUrls(issuer)) {
    const response = await fetch(location, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      redirect: 'error',
    });
    if (!response.ok) {
      tried.push(`${location} (${response.status})`);
      continue;
    }
    const metadata = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    // RFC 8414 §3.3: metadata naming another issuer must not be used
    if (metadata.issuer !== issuer)
      throw new Error(`${location} names issuer ${JSON.stringify(metadata.issuer)}, not ${issuer}`);
    if (typeof metadata.jwks_uri !== 'string') throw new Error(`${location} has no jwks_uri`);
    return checkAuthorityUrl(metadata.jwks_uri, 'jwks_uri');
  }
  throw new Error(`no authorization server metadata at ${tried.join(', ')}`);
}
