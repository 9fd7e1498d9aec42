import { readFileSync, statSync } from 'node:fs';
import { InvalidArgumentError, Option } from 'commander';
import { ConfigError } from '../errors.js';
import { isLoopback } from '../net.js';
import { checkAuthorityUrl } from './auth/authority-url.js';
import { DEFAULT_MAX_SESSIONS, defaultAllowedHosts, type AllowList, type AuthConfig, type AuthMode, type HttpSecurityConfig } from './config.js';
import { normalizeOrigin, parseHost } from './host-origin.js';

/** The values commander parsed for the options below. */
export interface HttpSecurityValues {
  auth?: AuthMode;
  authToken?: string[];
  authTokenFile?: string;
  oauthIssuer?: string;
  oauthAudience?: string;
  oauthScope?: string[];
  allowUnauthenticated?: boolean;
  allowedHosts?: string[];
  allowedOrigins?: string[];
  corsOrigin?: string[];
  maxSessions: number;
}

const AUTH_MODES = ['none', 'token', 'tensorpool-key', 'oauth'] as const satisfies readonly AuthMode[];

function list(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((item) => item.trim()).filter(Boolean)];
}

function maxSessions(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || number < 1 || number > 100_000) throw new InvalidArgumentError('--max-sessions must be a whole number from 1 to 100000.');
  return number;
}

/** The command-line options of hosted HTTP: authentication, allow-lists, CORS, the session cap. */
export function httpSecurityOptions(): Option[] {
  return [
    new Option('--auth <mode>', 'HTTP: how callers authenticate: token (--auth-token), tensorpool-key (each caller\'s own TensorPool API key), oauth, none')
      .choices(AUTH_MODES)
      .env('TENSORPOOL_MCP_AUTH'),
    new Option('--auth-token <tokens>', 'HTTP: accepted bearer tokens, comma-separated (prefer the env var or --auth-token-file: the command line is visible to other users)')
      .env('TENSORPOOL_MCP_AUTH_TOKENS')
      .argParser(list),
    new Option('--auth-token-file <path>', 'HTTP: a file of accepted bearer tokens, one per line (# comments)').env('TENSORPOOL_MCP_AUTH_TOKEN_FILE'),
    new Option('--oauth-issuer <url>', 'HTTP, --auth oauth: the authorization server\'s issuer URL').env('TENSORPOOL_MCP_OAUTH_ISSUER'),
    new Option('--oauth-audience <aud>', 'HTTP, --auth oauth: the audience tokens must carry, best the public URL of /mcp').env('TENSORPOOL_MCP_OAUTH_AUDIENCE'),
    new Option('--oauth-scope <scopes>', 'HTTP, --auth oauth: scopes every token must hold, comma-separated').env('TENSORPOOL_MCP_OAUTH_SCOPE').argParser(list),
    // deliberately without an env var: serving a network without authentication must be said on the command line
    new Option('--allow-unauthenticated', 'HTTP: serve a non-loopback --host without authentication (only behind a proxy that authenticates)'),
    new Option('--allowed-hosts <names>', 'HTTP: Host names this server answers to besides its own addresses, comma-separated; * turns the check off')
      .env('TENSORPOOL_MCP_ALLOWED_HOSTS')
      .argParser(list),
    new Option('--allowed-origins <origins>', 'HTTP: web origins (https://app.example.com) that may send requests; * allows any')
      .env('TENSORPOOL_MCP_ALLOWED_ORIGINS')
      .argParser(list),
    new Option('--cors-origin <origins>', 'HTTP: web origins that get CORS headers (exposing Mcp-Session-Id), comma-separated; * for any; default: CORS off')
      .env('TENSORPOOL_MCP_CORS_ORIGIN')
      .argParser(list),
    new Option('--max-sessions <n>', 'HTTP: most open sessions; more get 503 with Retry-After')
      .env('TENSORPOOL_MCP_MAX_SESSIONS')
      .default(DEFAULT_MAX_SESSIONS)
      .argParser(maxSessions),
  ];
}

/** Long names of the options above, as commander keys them. */
const OPTION_KEYS = ['auth', 'authToken', 'authTokenFile', 'oauthIssuer', 'oauthAudience', 'oauthScope', 'allowUnauthenticated', 'allowedHosts', 'allowedOrigins', 'corsOrigin', 'maxSessions'] as const;

export interface ResolveContext {
  http: boolean;
  host: string;
  /** Where commander took a value from: 'cli', 'env', 'default', … */
  source: (key: string) => string | undefined;
}

export interface ResolvedHttpSecurity {
  config: HttpSecurityConfig;
  /** Said loudly at start-up (logger.error): the operator chose something risky. */
  warnings: string[];
}

/** Turns the option values into the one HttpSecurityConfig, or a ConfigError naming the option and what is allowed. */
export function resolveHttpSecurity(values: HttpSecurityValues, context: ResolveContext): ResolvedHttpSecurity {
  if (!context.http) {
    const given = OPTION_KEYS.find((key) => context.source(key) === 'cli');
    if (given) throw new ConfigError(`--${kebab(given)} applies to --http only`);
  }
  const warnings: string[] = [];
  const auth = resolveAuth(values, warnings);
  if (context.http && auth.mode === 'none' && !isLoopback(context.host)) {
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
    warnings.push('WARNING: --allowed-hosts * without authentication: any web page this machine opens can reach the server by DNS rebinding.');
  }
  return {
    config: {
      auth,
      allowedHosts,
      allowedOrigins: resolveOrigins(values.allowedOrigins, '--allowed-origins') ?? [],
      corsOrigins: resolveOrigins(values.corsOrigin, '--cors-origin'),
      maxSessions: values.maxSessions,
    },
    warnings,
  };
}

/** Characters a bearer token may hold (RFC 6750 b64token), and the least length we accept for a shared secret. */
const TOKEN_SHAPE = /^[A-Za-z0-9\-._~+/]+=*$/;
const MIN_TOKEN_LENGTH = 16;

function resolveAuth(values: HttpSecurityValues, warnings: string[]): AuthConfig {
  const tokens = [...(values.authToken ?? []), ...(values.authTokenFile ? readTokenFile(values.authTokenFile, warnings) : [])];
  const mode = values.auth ?? (tokens.length > 0 ? 'token' : 'none');
  if (tokens.length > 0 && mode !== 'token') throw new ConfigError(`--auth-token and --auth-token-file go with --auth token, not --auth ${mode}`);
  const oauthGiven = values.oauthIssuer !== undefined || values.oauthAudience !== undefined || values.oauthScope !== undefined;
  if (oauthGiven && mode !== 'oauth') throw new ConfigError(`--oauth-issuer, --oauth-audience and --oauth-scope go with --auth oauth, not --auth ${mode}`);
  switch (mode) {
    case 'none':
    case 'tensorpool-key':
      return { mode };
    case 'token':
      if (tokens.length === 0) throw new ConfigError('--auth token needs tokens: --auth-token, TENSORPOOL_MCP_AUTH_TOKENS or --auth-token-file');
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
      if (!values.oauthIssuer) throw new ConfigError('--auth oauth needs --oauth-issuer URL (the authorization server\'s issuer)');
      if (!values.oauthAudience) throw new ConfigError('--auth oauth needs --oauth-audience (the audience its tokens carry, best the public URL of /mcp)');
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
    if ((statSync(path).mode & 0o077) !== 0) warnings.push(`WARNING: --auth-token-file ${path} can be read by other users; chmod 600 it`);
  } catch (error) {
    throw new ConfigError(`--auth-token-file ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const tokens = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (tokens.length === 0) throw new ConfigError(`--auth-token-file ${path} holds no token (one per line; # starts a comment)`);
  return tokens;
}

function resolveHosts(given: string[] | undefined, bindHost: string): AllowList {
  if (given?.includes('*')) return 'any';
  for (const name of given ?? []) {
    if (!parseHost(name)) throw new ConfigError(`--allowed-hosts: "${name}" is not a host name (like mcp.example.com, or mcp.example.com:8443)`);
  }
  return [...new Set([...defaultAllowedHosts(bindHost), ...(given ?? []).map((name) => name.toLowerCase())])];
}

function resolveOrigins(given: string[] | undefined, option: string): AllowList | undefined {
  if (given === undefined) return undefined;
  if (given.includes('*')) return 'any';
  return given.map((origin) => {
    const normalized = normalizeOrigin(origin);
    if (!normalized) throw new ConfigError(`${option}: "${origin}" is not a web origin (like https://app.example.com)`);
    return normalized;
  });
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
