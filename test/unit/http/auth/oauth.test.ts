import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthRefusal } from '../../../../src/errors.js';
import {
  discoverJwksUri,
  metadataUrls,
  OAuthAuthenticator,
  type OAuthOptions,
} from '../../../../src/http/auth/oauth.js';
import { metadataUrlOf, protectedResourceMetadata, resourceOf } from '../../../../src/http/auth/resource-metadata.js';
import { startLocalIssuer, type LocalIssuer } from '../../../helpers/oauth-issuer.js';

const AUDIENCE = 'https://mcp.example.test/mcp';
let issuer: LocalIssuer | undefined;
afterEach(async () => {
  await issuer?.close();
  issuer = undefined;
});

function authenticator(overrides: Partial<OAuthOptions> = {}, errors: string[] = []) {
  return new OAuthAuthenticator({
    issuer: issuer!.issuer,
    audience: AUDIENCE,
    scopes: [],
    mcpPath: '/mcp',
    onError: (m) => errors.push(m),
    ...overrides,
  });
}

const refusalOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as AuthRefusal,
  );
const anHourAgo = () => Math.floor(Date.now() / 1000) - 3600;

describe('OAuthAuthenticator: a resource server checking JWT access tokens with jose', () => {
  it('accepts a token the issuer signed for this audience, and names the caller by its subject', async () => {
    issuer = await startLocalIssuer();
    const caller = await authenticator().verify(await issuer.token());
    expect(caller).toEqual({ id: `oauth:${issuer.issuer}#sub:user-1`, label: 'oauth sub:user-1' });
    // discovery went through the RFC 8414 metadata, then the JWKS
    expect(issuer.requests).toEqual(['/.well-known/oauth-authorization-server', '/jwks']);
  });

  it('marks the claim a principal came from: a client registered as "alice" is not the user alice', async () => {
    issuer = await startLocalIssuer();
    const auth = authenticator();
    const user = await auth.verify(await issuer.token({ sub: 'alice' }));
    const client = await auth.verify(await issuer.token({ sub: '', client_id: 'alice' }));
    const azp = await auth.verify(await issuer.token({ sub: '', azp: 'alice' }));
    expect(user.id).toBe(`oauth:${issuer.issuer}#sub:alice`);
    expect(client.id).toBe(`oauth:${issuer.issuer}#client:alice`);
    expect(azp.id).toBe(client.id);
  });

  it.each([
    ['expired', { claims: {}, options: { expiresIn: anHourAgo() } }, /expired/],
    ['without exp', { claims: {}, options: { omitExp: true } }, /exp claim/],
    ['for another audience', { claims: { aud: 'https://other.example/mcp' }, options: {} }, /another audience/],
    [
      "signed by a foreign key under the issuer's kid",
      { claims: {}, options: { signer: 'foreign' as const } },
      /not signed by the issuer/,
    ],
    [
      'signed by a key the JWKS lacks',
      { claims: {}, options: { signer: 'unknown-kid' as const } },
      /not signed by the issuer/,
    ],
    ['not yet valid', { claims: { nbf: Math.floor(Date.now() / 1000) + 3600 }, options: {} }, /not valid yet/],
  ])('refuses a token %s with 401 invalid_token', async (_what, { claims, options }, message) => {
    issuer = await startLocalIssuer();
    const refusal = await refusalOf(authenticator().verify(await issuer.token(claims, options)));
    expect(refusal).toBeInstanceOf(AuthRefusal);
    expect(refusal).toMatchObject({ status: 401, code: 'invalid_token', message: expect.stringMatching(message) });
  });

  it('refuses a token from another issuer, even one that uses the same keys', async () => {
    issuer = await startLocalIssuer();
    const token = await issuer.token({ iss: 'https://evil.example' });
    expect(await refusalOf(authenticator().verify(token))).toMatchObject({
      status: 401,
      message: expect.stringMatching(/another authorization server/),
    });
  });

  it('refuses what is not a JWT at all', async () => {
    issuer = await startLocalIssuer();
    expect(await refusalOf(authenticator().verify('not-a-jwt'))).toMatchObject({ status: 401, code: 'invalid_token' });
  });

  it(
    'wants every required scope, from `scope` or an `scp` list, and answers 403 insufficient_scope ' + 'otherwise',
    async () => {
      issuer = await startLocalIssuer();
      const auth = authenticator({ scopes: ['mcp', 'tensorpool'] });
      expect(await auth.verify(await issuer.token({ scope: 'openid mcp tensorpool' }))).toMatchObject({
        label: 'oauth sub:user-1',
      });
      expect(await auth.verify(await issuer.token({ scope: undefined, scp: ['mcp', 'tensorpool'] }))).toMatchObject({
        label: 'oauth sub:user-1',
      });
      const refusal = await refusalOf(auth.verify(await issuer.token({ scope: 'mcp' })));
      expect(refusal).toMatchObject({ status: 403, code: 'insufficient_scope', extra: { scope: 'mcp tensorpool' } });
    },
  );

  it('finds the JWKS through OpenID discovery too, also for an issuer with a path', async () => {
    issuer = await startLocalIssuer({ metadata: 'openid', path: '/tenant' });
    expect(await authenticator().verify(await issuer.token())).toMatchObject({ label: 'oauth sub:user-1' });
    expect(issuer.requests).toEqual([
      '/.well-known/oauth-authorization-server/tenant',
      '/.well-known/openid-configuration/tenant',
      '/tenant/.well-known/openid-configuration',
      '/tenant/jwks',
    ]);
  });

  it('answers 503 and tells the operator when the metadata names another issuer', async () => {
    issuer = await startLocalIssuer({ metadataIssuer: 'https://someone-else.example' });
    const errors: string[] = [];
    const refusal = await refusalOf(authenticator({}, errors).verify(await issuer.token()));
    expect(refusal).toMatchObject({ status: 503, extra: { retryAfterSeconds: 10 } });
    expect(errors.join('\n')).toMatch(/names issuer "https:\/\/someone-else.example"/);
  });

  it('refuses a JWKS served over plain http from another machine, without fetching it', async () => {
    issuer = await startLocalIssuer({ jwksUri: 'http://192.0.2.1/jwks' });
    await expect(discoverJwksUri(issuer.issuer)).rejects.toThrow(/jwks_uri http:\/\/192.0.2.1\/jwks must use https/);
  });

  it('refuses a token that names no subject', async () => {
    issuer = await startLocalIssuer();
    expect(await refusalOf(authenticator().verify(await issuer.token({ sub: '' })))).toMatchObject({
      status: 401,
      message: expect.stringMatching(/no subject/),
    });
  });
});

describe('discovery and protected-resource metadata (RFC 8414, RFC 9728)', () => {
  it('tries the metadata locations in the order the MCP spec gives clients', () => {
    expect(metadataUrls('https://auth.example.com')).toEqual([
      'https://auth.example.com/.well-known/oauth-authorization-server',
      'https://auth.example.com/.well-known/openid-configuration',
    ]);
    expect(metadataUrls('https://auth.example.com/')).toHaveLength(2);
    expect(metadataUrls('https://auth.example.com/realms/team')).toEqual([
      'https://auth.example.com/.well-known/oauth-authorization-server/realms/team',
      'https://auth.example.com/.well-known/openid-configuration/realms/team',
      'https://auth.example.com/realms/team/.well-known/openid-configuration',
    ]);
  });

  it('puts the well-known prefix before the resource path', () => {
    expect(metadataUrlOf('https://mcp.example.com/mcp')).toBe(
      'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
    );
    expect(metadataUrlOf('https://mcp.example.com/')).toBe(
      'https://mcp.example.com/.well-known/oauth-protected-resource',
    );
  });

  it('takes the resource from an audience URL, else from the request', () => {
    const req = { headers: { host: '127.0.0.1:3000' }, socket: {} } as IncomingMessage;
    expect(resourceOf(AUDIENCE, req, '/mcp')).toBe(AUDIENCE);
    expect(resourceOf('api://tensorpool', req, '/mcp')).toBe('http://127.0.0.1:3000/mcp');
    const proxied = {
      headers: { host: 'mcp.example.com', 'x-forwarded-proto': 'https' },
      socket: {},
    } as unknown as IncomingMessage;
    expect(resourceOf('api://tensorpool', proxied, '/mcp')).toBe('https://mcp.example.com/mcp');
  });

  it('describes the resource and its authorization server', () => {
    expect(
      protectedResourceMetadata({ resource: AUDIENCE, issuer: 'https://auth.example.com', scopes: ['mcp'] }),
    ).toEqual({
      resource: AUDIENCE,
      authorization_servers: ['https://auth.example.com'],
      bearer_methods_supported: ['header'],
      scopes_supported: ['mcp'],
      resource_name: 'TensorPool MCP server',
    });
  });
});
