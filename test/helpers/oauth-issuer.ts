import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

export interface LocalIssuer {
  /** The issuer identifier, e.g. http://127.0.0.1:PORT or http://127.0.0.1:PORT/tenant */
  issuer: string;
  /** Paths the issuer was asked for, in order. */
  requests: string[];
  /**
   * An access token. `signer: 'foreign'` signs with another key pair under the same kid (a forged
   * token); `'unknown-kid'` with another pair and a kid the JWKS lacks.
   */
  token(
    claims?: JWTPayload,
    options?: { expiresIn?: string | number; signer?: 'own' | 'foreign' | 'unknown-kid'; omitExp?: boolean },
  ): Promise<string>;
  close(): Promise<void>;
}

export interface IssuerOptions {
  /** Which metadata document it publishes. Default 'oauth' (RFC 8414). */
  metadata?: 'oauth' | 'openid';
  /** A path part of the issuer identifier, e.g. '/tenant'. */
  path?: string;
  /** Puts another issuer in the metadata (a misconfigured or malicious document). */
  metadataIssuer?: string;
  /** Publishes this jwks_uri instead of its own. */
  jwksUri?: string;
}

/**
 * A minimal authorization server on 127.0.0.1 (random port): metadata, a JWKS, and tokens signed with its own ES256
 * key.
 */
export async function startLocalIssuer(options: IssuerOptions = {}): Promise<LocalIssuer> {
  const own = await generateKeyPair('ES256');
  const foreign = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(own.publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' };
  const path = options.path ?? '';
  const requests: string[] = [];
  let issuer = '';
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    const json = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const metadata = {
      issuer: options.metadataIssuer ?? issuer,
      jwks_uri: options.jwksUri ?? `${issuer}/jwks`,
      token_endpoint: `${issuer}/token`,
      response_types_supported: ['code'],
    };
    const origin = new URL(issuer).origin;
    const wanted =
      options.metadata === 'openid'
        ? // with a path, only the appended form (the last one clients try) exists
          [path === '' ? '/.well-known/openid-configuration' : `${path}/.well-known/openid-configuration`]
        : [`/.well-known/oauth-authorization-server${path}`];
    if (wanted.includes(url)) return json(metadata);
    if (`${origin}${url}` === `${issuer}/jwks`) return json({ keys: [jwk] });
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"not_found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;

  return {
    issuer,
    requests,
    async token(claims = {}, { expiresIn = '10m', signer = 'own', omitExp = false } = {}) {
      const key: CryptoKey = signer === 'own' ? own.privateKey : foreign.privateKey;
      const jwt = new SignJWT({ scope: 'mcp', ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: signer === 'unknown-kid' ? 'key-2' : 'key-1', typ: 'at+jwt' })
        .setIssuedAt();
      // claims given by the test win over these defaults
      if (claims.iss === undefined) jwt.setIssuer(issuer);
      if (claims.sub === undefined) jwt.setSubject('user-1');
      if (!omitExp) jwt.setExpirationTime(expiresIn);
      if (claims.aud === undefined) jwt.setAudience('https://mcp.example.test/mcp');
      return jwt.sign(key);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
