import { describe, expect, it } from 'vitest';
import { maskSecretLines } from '../../src/shape/shape.js';
import type { TpResult } from '../../src/tp/runner.js';

const result = (stdout: string): TpResult => ({
  argv: ['tp'],
  exitCode: 0,
  signal: null,
  stdout,
  stderr: '',
  durationMs: 1,
  timedOut: false,
  cancelled: false,
  truncated: false,
});

describe('maskSecretLines', () => {
  it('masks the value of every line naming a secret, and that value wherever else it appears', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const masked = maskSecretLines(
      result(
        `Access key ID: AKIA123\nSecret access key: ${secret}\n\n[remote]\nsecret_access_key = ${secret}\nkey ` +
          `${secret}\n`,
      ),
    ).stdout;
    expect(masked).not.toContain(secret);
    expect(masked).toContain('Access key ID: AKIA123');
    expect(masked).toMatch(/Secret access key: \[MASKED: restart the server with --allow-secrets to see it\]/);
  });

  it('leaves output without secrets alone', () => {
    expect(maskSecretLines(result('Object storage enabled\nRegion: us-east\n')).stdout).toBe(
      'Object storage enabled\nRegion: us-east\n',
    );
  });
});
