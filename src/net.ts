import { BlockList, isIP } from 'node:net';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

const UNSPECIFIED = new BlockList();
UNSPECIFIED.addAddress('0.0.0.0', 'ipv4');
UNSPECIFIED.addAddress('::', 'ipv6');

/** `[::1]` → `::1`: a bind address or Host name as written in a URL, without the brackets of an IPv6 literal. */
export function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** `::1` → `[::1]`: an address as it must appear in a URL or a Host header. */
export function bracket(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * Whether a bind address only accepts connections from this machine: `localhost`, 127.0.0.0/8, `::1`,
 * and their IPv4-mapped forms (`::ffff:127.0.0.1`). Anything else — `0`, `0.0.0.0`, `::`, a name, the
 * shorthand `127.1` — counts as reachable from elsewhere: when unsure, the safe answer.
 */
export function isLoopback(host: string): boolean {
  const name = unbracket(host.trim()).toLowerCase();
  if (name === 'localhost') return true;
  const family = isIP(name);
  if (family === 0) return false;
  // BlockList matches IPv4-mapped IPv6 addresses against the IPv4 rules too
  return LOOPBACK.check(name, family === 4 ? 'ipv4' : 'ipv6');
}

/** Whether a bind address means "every address of this machine": `0`, `0.0.0.0`, `::`. */
export function isUnspecified(host: string): boolean {
  const name = unbracket(host.trim());
  // `0` is what getaddrinfo, and so listen(), reads as 0.0.0.0
  if (name === '0') return true;
  const family = isIP(name);
  return family !== 0 && UNSPECIFIED.check(name, family === 4 ? 'ipv4' : 'ipv6');
}
