import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * Whom a request's rate limits are counted against: the socket's peer or, with --trust-proxy, the
 * last X-Forwarded-For entry. That is the one the proxy in front appended; entries before it are
 * whatever the client wrote, so they are never read. An IPv6 address counts by its /64, which one
 * host commonly holds whole and could otherwise spend one address per request.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? lastForwarded(req.headers['x-forwarded-for']) : undefined;
  return addressGroup(forwarded ?? req.socket.remoteAddress ?? 'unknown');
}

function lastForwarded(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const entries = (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const last = entries.at(-1);
  if (last === undefined) return undefined;
  // some proxies write a port: 203.0.113.7:51234, [2001:db8::1]:51234
  return /^\[([^\]]+)\](?::\d+)?$/.exec(last)?.[1] ?? /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(last)?.[1] ?? last;
}

/** `::ffff:192.0.2.1` → `192.0.2.1`; `2001:db8:1:2:3::4` → `2001:db8:1:2::/64`; anything else as is. */
export function addressGroup(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (isIP(address.split('%')[0]!) !== 6) return address;
  const [head = '', tail] = address.split('%')[0]!.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}
