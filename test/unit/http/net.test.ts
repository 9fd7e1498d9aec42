import { describe, expect, it } from 'vitest';
import { bracket, isLoopback, isUnspecified, unbracket } from '../../../src/net.js';

describe('isLoopback: which bind addresses other machines cannot reach', () => {
  it.each([
    ['127.0.0.1'],
    ['127.0.0.2'],
    ['127.255.255.254'],
    ['localhost'],
    ['LOCALHOST'],
    ['::1'],
    ['[::1]'],
    ['0:0:0:0:0:0:0:1'],
    ['::ffff:127.0.0.1'],
    ['[::ffff:127.0.0.1]'],
    ['::ffff:127.9.8.7'],
  ])('%s is loopback', (host) => {
    expect(isLoopback(host)).toBe(true);
  });

  // the attacks of issue 9 bound these and were served to the whole network
  it.each([
    ['0'],
    ['0.0.0.0'],
    ['::'],
    ['[::]'],
    ['::ffff:0.0.0.0'],
    ['::ffff:10.0.0.1'],
    ['10.0.0.5'],
    ['192.168.1.10'],
    ['128.0.0.1'],
    ['example.com'],
    ['localhost.example.com'],
    // shorthand and numeric forms resolve to loopback, but only a plain form is trusted
    ['127.1'],
    ['2130706433'],
    [''],
  ])('%s is not loopback', (host) => {
    expect(isLoopback(host)).toBe(false);
  });
});

describe('isUnspecified: the every-address binds', () => {
  it.each([['0'], ['0.0.0.0'], ['::'], ['[::]'], ['0:0:0:0:0:0:0:0']])('%s binds every address', (host) => {
    expect(isUnspecified(host)).toBe(true);
  });
  it.each([['127.0.0.1'], ['10.0.0.5'], ['::1'], ['localhost'], ['00']])('%s is one address', (host) => {
    expect(isUnspecified(host)).toBe(false);
  });
});

describe('bracket and unbracket', () => {
  it('round-trip IPv6 literals and leave names alone', () => {
    expect(bracket('::1')).toBe('[::1]');
    expect(bracket('[::1]')).toBe('[::1]');
    expect(bracket('127.0.0.1')).toBe('127.0.0.1');
    expect(unbracket('[::1]')).toBe('::1');
    expect(unbracket('example.com')).toBe('example.com');
  });
});
