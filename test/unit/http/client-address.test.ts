import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { addressGroup, clientAddress } from '../../../src/http/client-address.js';

const request = (remoteAddress: string, forwardedFor?: string | string[]) =>
  ({
    socket: { remoteAddress },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  }) as unknown as IncomingMessage;

describe('clientAddress: whom the per-address limits count', () => {
  it("is the socket's peer unless --trust-proxy: a client cannot choose its own address by a header", () => {
    expect(clientAddress(request('192.0.2.1', '198.51.100.9'), false)).toBe('192.0.2.1');
  });

  it('with --trust-proxy, is the last X-Forwarded-For entry, the one the proxy appended', () => {
    // the client wrote 198.51.100.9 itself; the proxy appended what it saw
    expect(clientAddress(request('10.0.0.2', '198.51.100.9, 203.0.113.7'), true)).toBe('203.0.113.7');
    expect(clientAddress(request('10.0.0.2', ['198.51.100.9', '203.0.113.7:51234']), true)).toBe('203.0.113.7');
    expect(clientAddress(request('10.0.0.2', '[2001:db8::1]:443'), true)).toBe('2001:db8:0:0::/64');
    expect(clientAddress(request('10.0.0.2'), true)).toBe('10.0.0.2');
  });

  it.each([
    ['::ffff:127.0.0.2', '127.0.0.2'],
    ['127.0.0.9', '127.0.0.9'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('groups %s as %s (an IPv6 host holds its whole /64)', (address, group) => {
    expect(addressGroup(address)).toBe(group);
  });
});
