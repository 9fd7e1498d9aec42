import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AllowList } from '../config/http-security.js';

interface HostPort {
  /** Lower case; IPv6 literals in brackets, as in a URL. */
  hostname: string;
  /** '' when none was given. */
  port: string;
}

/** `example.com:8443` → { hostname: 'example.com', port: '8443' }; undefined for anything that is not a host. */
export function parseHost(value: string): HostPort | undefined {
  if (value === '' || /[\s/?#@\\]/.test(value)) return undefined;
  try {
    const url = new URL(`http://${value}`);
    // URL drops :80 for http; keep what was written, so "name:80" and "name" both mean port 80 below
    const port = /:(\d+)$/.exec(value)?.[1] ?? '';
    return { hostname: url.hostname.toLowerCase(), port };
  } catch {
    return undefined;
  }
}

/** Whether a Host header names this server: a listed name, on any port unless the entry has one. */
export function hostAllowed(hostHeader: string | undefined, allowed: AllowList): boolean {
  if (allowed === 'any') return true;
  const host = hostHeader === undefined ? undefined : parseHost(hostHeader);
  if (!host) return false;
  return allowed.some((entry) => {
    const wanted = parseHost(entry);
    return (
      wanted !== undefined && wanted.hostname === host.hostname && (wanted.port === '' || wanted.port === host.port)
    );
  });
}

/** `https://Example.com:443/` → `https://example.com`; undefined for `null` and anything else that is not an origin. */
export function normalizeOrigin(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

export interface OriginPolicy {
  allowedHosts: AllowList;
  /** Normalized origins (see normalizeOrigin), or 'any'. */
  allowedOrigins: AllowList;
}

/**
 * Whether a browser page at `origin` may talk to this server: a listed origin, or the server's own
 * (same host and port as the Host header, which must itself have passed a real allow-list: with the
 * Host check off, a rebinding page would look like our own).
 */
export function originAllowed(origin: string, hostHeader: string | undefined, policy: OriginPolicy): boolean {
  if (policy.allowedOrigins === 'any') return true;
  const normalized = normalizeOrigin(origin);
  if (normalized === undefined) return false;
  if (policy.allowedOrigins.includes(normalized)) return true;
  if (policy.allowedHosts === 'any' || hostHeader === undefined) return false;
  const url = new URL(normalized);
  const host = parseHost(hostHeader);
  if (!host) return false;
  const defaultPort = url.protocol === 'https:' ? '443' : '80';
  return url.hostname === host.hostname && (url.port || defaultPort) === (host.port || defaultPort);
}

/**
 * Not the SDK's hostHeaderValidation: that one matches hostnames only (no `name:port` entries, no `*`),
 * checks no Origin, and does not tell the operator which --allowed-hosts would let the name in.
 *
 * DNS rebinding and cross-site requests, refused before anything else runs: a Host this server does
 * not answer to, or an Origin header from a foreign page, gets 403. No Origin header (a non-browser
 * client) passes. `onRefusedHost` hears each refused name once, so an operator behind a proxy learns
 * which name to add with --allowed-hosts.
 */
export function hostAndOriginCheck(policy: OriginPolicy, onRefusedHost?: (host: string) => void) {
  const reported = new Set<string>();
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const host = req.headers.host;
    if (!hostAllowed(host, policy.allowedHosts)) {
      if (onRefusedHost && host !== undefined && reported.size < 100 && !reported.has(host)) {
        reported.add(host);
        onRefusedHost(host);
      }
      return forbidden(
        res,
        host === undefined
          ? 'A Host header is required.'
          : `This server does not answer to Host ${host}; if that is its name (say, behind a proxy), start it with ` +
              `--allowed-hosts ${hostnameOf(host)}.`,
      );
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin, host, policy)) {
      return forbidden(res, `Requests from the web page at ${origin} are not allowed here.`);
    }
    next();
  };
}

/** The name to suggest for --allowed-hosts: the Host without its port, or the header as is when it is no host. */
function hostnameOf(host: string): string {
  return parseHost(host)?.hostname ?? host;
}

function forbidden(res: ServerResponse, message: string): void {
  res.writeHead(403, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: 'forbidden', error_description: message }));
}
