import { describe, expect, it } from 'vitest';
import { defaultAllowedHosts } from '../../../src/config/http-security.js';
import { hostAllowed, normalizeOrigin, originAllowed, parseHost } from '../../../src/http/host-origin.js';

const LOOPBACK = defaultAllowedHosts('127.0.0.1');

describe('Host allow-list', () => {
  it.each([['127.0.0.1:3000'], ['localhost:3000'], ['LOCALHOST'], ['[::1]:3000'], ['127.0.0.1']])(
    'a loopback bind answers to %s',
    (host) => {
      expect(hostAllowed(host, LOOPBACK)).toBe(true);
    },
  );

  it.each([
    ['rebind.evil.example'],
    ['rebind.evil.example:3000'],
    ['127.0.0.1.evil.example'],
    ['localhost.evil.example'],
    ['127.0.0.2:3000'],
    [''],
    ['a b'],
    ['x@127.0.0.1'],
  ])('a loopback bind refuses Host %j', (host) => {
    expect(hostAllowed(host, LOOPBACK)).toBe(false);
  });

  it('refuses a request without a Host header', () => {
    expect(hostAllowed(undefined, LOOPBACK)).toBe(false);
  });

  it('answers to the bind address itself, and a listed port only on that port', () => {
    expect(hostAllowed('127.0.0.2:3000', defaultAllowedHosts('127.0.0.2'))).toBe(true);
    expect(hostAllowed('[::1]:3000', defaultAllowedHosts('::1'))).toBe(true);
    expect(hostAllowed('mcp.example.com:8443', ['mcp.example.com:8443'])).toBe(true);
    expect(hostAllowed('mcp.example.com:9999', ['mcp.example.com:8443'])).toBe(false);
    expect(hostAllowed('MCP.example.com', ['mcp.example.com'])).toBe(true);
  });

  it("gives a non-loopback bind this machine's names but not a stranger's", () => {
    const wildcard = defaultAllowedHosts('0.0.0.0');
    expect(wildcard).toEqual(expect.arrayContaining(['localhost', '127.0.0.1', '[::1]']));
    expect(wildcard).not.toContain('0.0.0.0');
    expect(hostAllowed('rebind.evil.example', wildcard)).toBe(false);
    expect(hostAllowed('anything.example', 'any')).toBe(true);
  });

  it('parses host and port the way a URL does', () => {
    expect(parseHost('Example.COM:8443')).toEqual({ hostname: 'example.com', port: '8443' });
    expect(parseHost('[::1]:80')).toEqual({ hostname: '[::1]', port: '80' });
    expect(parseHost('::1')).toBeUndefined();
    expect(parseHost('a/b')).toBeUndefined();
  });
});

describe('Origin check', () => {
  const policy = { allowedHosts: LOOPBACK, allowedOrigins: ['https://app.example.com'] };

  it("lets the server's own origin and listed ones through", () => {
    expect(originAllowed('http://127.0.0.1:3000', '127.0.0.1:3000', policy)).toBe(true);
    expect(originAllowed('http://localhost', 'localhost:80', policy)).toBe(true);
    expect(originAllowed('https://app.example.com', '127.0.0.1:3000', policy)).toBe(true);
    expect(originAllowed('https://APP.example.com:443', '127.0.0.1:3000', policy)).toBe(true);
  });

  it.each([
    ['another site', 'https://evil.example'],
    ['another port of this host', 'http://127.0.0.1:8080'],
    ['a sandboxed page', 'null'],
    ['a file', 'file:///tmp/x.html'],
    ['garbage', 'not an origin'],
  ])('refuses %s', (_what, origin) => {
    expect(originAllowed(origin, '127.0.0.1:3000', policy)).toBe(false);
  });

  it('does not count a rebinding page as our own when the Host check is off', () => {
    expect(
      originAllowed('http://rebind.evil.example:3000', 'rebind.evil.example:3000', {
        allowedHosts: 'any',
        allowedOrigins: [],
      }),
    ).toBe(false);
    expect(
      originAllowed('http://anything.example', '127.0.0.1:3000', { allowedHosts: LOOPBACK, allowedOrigins: 'any' }),
    ).toBe(true);
  });

  it('normalizes origins', () => {
    expect(normalizeOrigin('https://App.Example.com:443/path')).toBe('https://app.example.com');
    expect(normalizeOrigin('null')).toBeUndefined();
    expect(normalizeOrigin('ftp://x.example')).toBeUndefined();
  });
});
