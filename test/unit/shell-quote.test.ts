import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '../../src/shell-quote.js';

/** The argv a POSIX shell hands to a command when `line` is pasted after it. */
function argvAfterPasting(line: string): string[] {
  const out = execFileSync('sh', ['-c', `printf '%s\\0' ${line}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  return out.toString('utf8').split('\0').slice(0, -1);
}

describe('shellQuote', () => {
  it('leaves plain words readable', () => {
    expect(shellQuote(['tp', 'cluster', 'create', '--name=train-1', '/tmp/a.b', 'user@host:22'])).toBe(
      'tp cluster create --name=train-1 /tmp/a.b user@host:22',
    );
  });

  it('gives back the same argv when the printed line is pasted into a shell', () => {
    const argv = [
      "it's",
      'two words',
      '$HOME',
      '`id`',
      'a;b',
      '*',
      '',
      'new\nline',
      "'",
      '"q"',
      '\\',
      '--x=$(rm -rf /)',
    ];
    expect(argvAfterPasting(shellQuote(argv))).toEqual(argv);
  });
});
