import { hostname, networkInterfaces } from 'node:os';
import { OPTIONS } from '../config/options.js';
import { bracket, isLoopback, isUnspecified, unbracket } from '../net.js';

/** How callers prove who they are; 'none' only on loopback, or with --allow-unauthenticated. */
export type AuthConfig =
  | { mode: 'none' }
  | { mode: 'token'; tokens: readonly string[] }
  | { mode: 'tensorpool-key' }
  | { mode: 'oauth'; issuer: string; audience: string; scopes: readonly string[] };

/** `'any'`: the check is off, on the operator's explicit `*`. */
export type AllowList = readonly string[] | 'any';

/** Everything src/http/ needs to guard the MCP endpoint; resolved once at start-up. */
export interface HttpSecurityConfig {
  auth: AuthConfig;
  /** Host header names (optionally with :port) this server answers to. */
  allowedHosts: AllowList;
  /** Origins (scheme://host[:port]) besides the server's own that may send requests. */
  allowedOrigins: AllowList;
  /** Origins that get CORS headers; undefined: CORS off. */
  corsOrigins: AllowList | undefined;
  /** Most open sessions; more get 503 with Retry-After. */
  maxSessions: number;
  /** Most open sessions of one authenticated caller; more get 429 with Retry-After. */
  maxSessionsPerCaller: number;
  /** The client address is the last one of X-Forwarded-For (one proxy in front appended it), not the socket's. */
  trustProxy: boolean;
}

/** The option table's default, for servers built without the command line (tests, library hosts). */
const DEFAULT_MAX_SESSIONS = OPTIONS.maxSessions.default;
const DEFAULT_MAX_SESSIONS_PER_CALLER = OPTIONS.maxSessionsPerCaller.default;

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
    maxSessions: DEFAULT_MAX_SESSIONS,
    maxSessionsPerCaller: DEFAULT_MAX_SESSIONS_PER_CALLER,
    trustProxy: false,
  };
}
