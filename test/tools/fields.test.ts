import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { clusterId, instanceType, path } from '../../src/tools/fields.js';

function problem(schema: z.ZodType, value: unknown): string | undefined {
  const result = schema.safeParse(value);
  return result.success ? undefined : result.error.issues.map((issue) => issue.message).join('; ');
}

describe('id fields', () => {
  it.each(['c-abc123', 'job_42', '1xH100', 'a.b-c_d'])('accepts %s', (value) => {
    expect(problem(clusterId, value)).toBeUndefined();
  });

  it.each([
    ['--help', /no leading '-'/],
    ['-x', /no leading '-'/],
    ['--no-input', /no leading '-'/],
    ['a b', /no spaces/],
    ['a/b?c#d', /only letters, digits/],
    ['abc\n', /only letters, digits/],
    ['', /must not be empty/],
    ['x'.repeat(10_000), /at most 128 characters/],
  ])('refuses %j naming the field', (value, message) => {
    const text = problem(clusterId, value);
    expect(text).toMatch(message);
    expect(text).toMatch(/^cluster_id /);
  });

  it('refuses wrong types', () => {
    expect(problem(clusterId, 42)).toBeDefined();
    expect(problem(instanceType, null)).toBeDefined();
  });

  it('paths refuse NUL and line breaks, and overlong values', () => {
    const workdir = path('workdir', 'a directory');
    expect(problem(workdir, '/tmp/ok')).toBeUndefined();
    expect(problem(workdir, '/tmp/a\nb')).toMatch(/workdir must not contain NUL/);
    expect(problem(workdir, 'a'.repeat(5000))).toMatch(/workdir must be at most 4096/);
  });
});
