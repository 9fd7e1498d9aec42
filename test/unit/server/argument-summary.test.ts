import { describe, expect, it } from 'vitest';
import { describeArguments, summarizeArguments } from '../../../src/server/argument-summary.js';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleExampleExampleExampleExample me@laptop';

describe('argument summaries', () => {
  it('the operation list gets one short line, without key material or job commands', () => {
    const line = summarizeArguments({
      instance_type: '1xH100',
      ssh_public_key: KEY,
      wait: true,
      commands: ['python train.py'],
      name: undefined,
    });
    expect(line).toBe('instance_type=1xH100 wait=true');
    expect(summarizeArguments({ public_key: KEY, name: 'laptop' })).toBe('name=laptop');
    expect(summarizeArguments({ ignore: ['x'.repeat(300)] })).toMatch(/^ignore=x{193}\.\.\.$/);
  });

  it('the approval question gets one line per argument, without key material or confirm', () => {
    expect(describeArguments({ cluster_id: 'c-1', confirm: true, ssh_public_key: KEY, commands: ['a', 'b'] })).toBe(
      'cluster_id: c-1\ncommands: a, b',
    );
  });
});
