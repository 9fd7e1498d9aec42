import { describe, expect, it } from 'vitest';
import { deepFreeze } from '../../src/deep-freeze.js';

describe('deepFreeze', () => {
  it('freezes every level and returns the same object', () => {
    const value = { a: { b: [1, { c: 2 }] } };
    expect(deepFreeze(value)).toBe(value);
    expect(Object.isFrozen(value.a.b[1])).toBe(true);
    expect(() => (value.a.b as unknown[]).push(3)).toThrow(TypeError);
  });
});
