import { readFileSync, statSync } from 'node:fs';
import type { OptionValues } from '../config/options.js';
import { ConfigError } from '../errors.js';
import { isLoopback } from '../net.js';
import { checkAuthorityUrl } from './auth/authority-url.js';
import { defaultAllowedHosts, type AllowList, type AuthConfig, type HttpSecurityConfig } from './config.js';
import { normalizeOrigin, parseHost } from './host-origin.js';

/** The hosting options of the option table (config/options.ts) this module resolves. */
export type HttpSecurityValues = Pick<
  OptionValues,
  | 'auth'
  | 'authToken'
  | 'authTokenFile'
  | 'oauthIssuer'
  | 'oauthAudience'
  | 'oauthScope'
  | 'allowUnauthenticated'
  | 'allowedHosts'
  | 'allowedOrigins'
  | 'corsOrigin'
  | 'maxSessions'
  | 'maxSessionsPerCaller'
  | 'trustProxy'
>;

export interface ResolveContext {
  host: string;
}

export interface ResolvedHttpSecurity {
  config: HttpSecurityConfig;
  /** Said loudly at start-up (logger.error): the operator chose something risky. */
  warnings: string[];
}

/** Turns the option values into the one HttpSecurityConfig, or a ConfigError naming the option and what is allowed. */
export function resolveHttpSecurity(values: HttpSecurityValues, context: ResolveContext): ResolvedHttpSecurity {
  const warnings: string[] = [];
  const auth = resolveAuth(values, warnings);
  if (auth.mode === 'none' && !isLoopback(context.host)) {
    if (!values.allowUnauthenticated) {
      throw new ConfigError(
        `--host ${context.host} is reachable from other machines, so it needs authentication: --auth-token, --auth tensorpool-key or --auth oauth ` +
          '(or --allow-unauthenticated, when a proxy in front authenticates)',
      );
    }
    warnings.push(
      `WARNING: --allow-unauthenticated: anyone who can reach --host ${context.host} can run every offered tool ` +
        'on this TensorPool account. Do this only behind a proxy that authenticates every request.',
    );
  }
  const allowedHosts = resolveHosts(values.allowedHosts, context.host);
  if (allowedHosts === 'any' && auth.mode === 'none') {
    warnings.push(
      'WARNING: --allowed-hosts * without authentication: any web page this machine opens can reach the server by DNS rebinding.',
    );
  }
  return {
    config: {
      auth,
      allowedHosts,
      allowedOrigins: resolveOrigins(values.allowedOrigins, '--allowed-origins') ?? [],
      corsOrigins: resolveOrigins(values.corsOrigin, '--cors-origin'),
      maxSessions: values.maxSessions,
      maxSessionsPerCaller: values.maxSessionsPerCaller,
      trustProxy: values.trustProxy,
    },
    warnings,
  };
}

/** Characters a bearer token may hold (RFC 6750 b64token), and the least length we accept for a shared secret. */
const TOKEN_SHAPE = /^[A-Za-z0-9\-._~+/]+=*$/;
const MIN_TOKEN_LENGTH = 16;

function resolveAuth(values: HttpSecurityValues, warnings: string[]): AuthConfig {
  const tokens = [
    ...(values.authToken ?? []),
    ...(values.authTokenFile ? readTokenFile(values.authTokenFile, warnings) : []),
  ];
  const mode = values.auth ?? (tokens.length > 0 ? 'token' : 'none');
  if (tokens.length > 0 && mode !== 'token')
    throw new ConfigError(`--auth-token and --auth-token-file go with --auth token, not --auth ${mode}`);
  const oauthGiven =
    values.oauthIssuer !== undefined || values.oauthAudience !== undefined || values.oauthScope !== undefined;
  if (oauthGiven && mode !== 'oauth')
    throw new ConfigError(
      `--oauth-issuer, --oauth-audience and --oauth-scope go with --auth oauth, not --auth ${mode}`,
    );
  switch (mode) {
    case 'none':
    case 'tensorpool-key':
      return { mode };
    case 'token':
      if (tokens.length === 0)
        throw new ConfigError(
          '--auth token needs tokens: --auth-token, TENSORPOOL_MCP_AUTH_TOKENS or --auth-token-file',
        );
      tokens.forEach((token, index) => {
        // the token itself is never printed: it is a secret, and the mistake may be a pasted key
        if (token.length < MIN_TOKEN_LENGTH || !TOKEN_SHAPE.test(token)) {
          throw new ConfigError(
            `--auth-token: token ${index + 1} must be at least ${MIN_TOKEN_LENGTH} characters of A-Z a-z 0-9 - . _ ~ + / ` +
              `(it has ${token.length}); make one with: openssl rand -hex 32`,
          );
        }
      });
      return { mode, tokens };
    case 'oauth': {
      if (!values.oauthIssuer)
        throw new ConfigError("--auth oauth needs --oauth-issuer URL (the authorization server's issuer)");
      if (!values.oauthAudience)
        throw new ConfigError(
          '--auth oauth needs --oauth-audience (the audience its tokens carry, best the public URL of /mcp)',
        );
      try {
        checkAuthorityUrl(values.oauthIssuer, '--oauth-issuer');
      } catch (error) {
        throw new ConfigError((error as Error).message);
      }
      return { mode, issuer: values.oauthIssuer, audience: values.oauthAudience, scopes: values.oauthScope ?? [] };
    }
  }
}

function readTokenFile(path: string, warnings: string[]): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
    if ((statSync(path).mode & 0o077) !== 0)
      warnings.push(`WARNING: --auth-token-file ${path} can be read by other users; chmod 600 it`);
  } catch (error) {
    throw new ConfigError(
      `--auth-token-file ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
  const tokens = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (tokens.length === 0)
    throw new ConfigError(`--auth-token-file ${path} holds no token (one per line; # starts a comment)`);
  return tokens;
}

function resolveHosts(given: readonly string[] | undefined, bindHost: string): AllowList {
  if (given?.includes('*')) return 'any';
  for (const name of given ?? []) {
    if (!parseHost(name))
      throw new ConfigError(
        `--allowed-hosts: "${name}" is not a host name (like mcp.example.com, or mcp.example.com:8443)`,
      );
  }
  return [...new Set([...defaultAllowedHosts(bindHost), ...(given ?? []).map((name) => name.toLowerCase())])];
}

function resolveOrigins(given: readonly string[] | undefined, option: string): AllowList | undefined {
  if (given === undefined) return undefined;
  if (given.includes('*')) return 'any';
  return given.map((origin) => {
    const normalized = normalizeOrigin(origin);
    if (!normalized) throw new ConfigError(`${option}: "${origin}" is not a web origin (like https://app.example.com)`);
    return normalized;
  });
}
