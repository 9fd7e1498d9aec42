import { readFileSync, statSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { ConfigError } from '../errors.js';
import { checkAuthorityUrl } from '../http/auth/authority-url.js';
import { normalizeOrigin, parseHost } from '../http/host-origin.js';
import { bracket, isLoopback, isUnspecified, unbracket } from '../net.js';
import { OPTIONS, type OptionValues } from './options.js';

// The HTTP security settings (authentication, Host and Origin allow-lists, session limits), derived once
// from the hosting options of the table into Config.http; src/http/ only applies them.

/** How callers prove who they are; 'none' only on loopback, or with --allow-unauthenticated. */
export type AuthConfig =
  | { mode: 'none' }
  | { mode: 'token'; readonly tokens: readonly string[] }
  | { mode: 'tensorpool-key' }
  | { mode: 'oauth'; readonly issuer: string; readonly audience: string; readonly scopes: readonly string[] };

/** `'any'`: the check is off, on the operator's explicit `*`. */
export type AllowList = readonly string[] | 'any';

/** Everything src/http/ needs to guard the MCP endpoint; derived once at start-up, into Config.http. */
export interface HttpSecurityConfig {
  readonly auth: AuthConfig;
  /** Host header names (optionally with :port) this server answers to. */
  readonly allowedHosts: AllowList;
  /** Origins (scheme://host[:port]) besides the server's own that may send requests. */
  readonly allowedOrigins: AllowList;
  /** Origins that get CORS headers; undefined: CORS off. */
  readonly corsOrigins: AllowList | undefined;
  /** Most open sessions; more get 503 with Retry-After. */
  readonly maxSessions: number;
  /** Most open sessions of one authenticated caller; more get 429 with Retry-After. */
  readonly maxSessionsPerCaller: number;
  /** The client address is the last one of X-Forwarded-For (one proxy in front appended it), not the socket's. */
  readonly trustProxy: boolean;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * The Host names a bind answers to unless the operator adds more: the loopback names, and the bind
 * address itself. A non-loopback bind adds this machine's hostname and interface addresses, the names
 * a client that reaches it directly uses. None of these can be a DNS-rebinding name: an attacker's page
 * sends its own domain as Host, and a public name must be added with --allowed-hosts.
 */
export function defaultAllowedHosts(bindHost: string): string[] {
  const names = [...LOOPBACK_NAMES];
  if (!isUnspecified(bindHost)) names.push(bracket(unbracket(bindHost)).toLowerCase());
  if (!isLoopback(bindHost)) {
    names.push(hostname().toLowerCase());
    for (const addresses of Object.values(networkInterfaces())) {
      for (const { address } of addresses ?? []) names.push(bracket(address.split('%')[0]!).toLowerCase());
    }
  }
  return [...new Set(names)];
}

/** What a server started without any of the HTTP security options gets: loopback names, no auth. */
export function defaultHttpSecurity(bindHost: string): HttpSecurityConfig {
  return {
    auth: { mode: 'none' },
    allowedHosts: defaultAllowedHosts(bindHost),
    allowedOrigins: [],
    corsOrigins: undefined,
    // the option table's defaults, for servers built without the command line (tests, library hosts)
    maxSessions: OPTIONS.maxSessions.default,
    maxSessionsPerCaller: OPTIONS.maxSessionsPerCaller.default,
    trustProxy: false,
  };
}

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
        `--host ${context.host} is reachable from other machines, so it needs authentication: --auth-token, --auth ` +
          `tensorpool-key or --auth oauth ` +
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
      'WARNING: --allowed-hosts * without authentication: any web page this machine opens can reach the server by ' +
        'DNS rebinding.',
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
            `--auth-token: token ${index + 1} must be at least ${MIN_TOKEN_LENGTH} characters of A-Z a-z 0-9 - . _ ~ ` +
              `+ / ` +
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
      `--auth-token-file ${path}: ` +
        `${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
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

/**
 * The secrets an HTTP server holds besides the API key: the bearer tokens of --auth token. The
 * runner's redactor masks them (and their encoded forms) in every result, progress line, resource
 * and log line, as it masks the key. A new kind of server-held secret is added here.
 */
export function heldSecrets(security: HttpSecurityConfig | undefined): string[] {
  const auth = security?.auth;
  return auth?.mode === 'token' ? [...auth.tokens] : [];
}
