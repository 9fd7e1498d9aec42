import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/config/config.js';
import { streamBounds } from '../../../src/tp/output-bounds.js';

describe('streamBounds', () => {
  it('keeps a result of two streams, each twice (text and structuredContent), within the budget', () => {
    for (const budget of [8 * 1024, DEFAULT_CONFIG.maxResultBytes, 1024 * 1024]) {
      const { headBytes, tailBytes } = streamBounds(budget);
      expect(2 * 2 * (headBytes + tailBytes)).toBeLessThanOrEqual(budget);
      // a log is read from its end: the tail gets most of it
      expect(tailBytes).toBeGreaterThan(headBytes);
    }
  });

  it('by default a result stays under about 20k tokens (80 KB)', () => {
    const { headBytes, tailBytes } = streamBounds(DEFAULT_CONFIG.maxResultBytes);
    expect(4 * (headBytes + tailBytes)).toBe(80 * 1024);
  });
});
