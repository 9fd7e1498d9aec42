import { describe, expect, it } from 'vitest';
import { parseFields, parseTable } from '../../../src/app/tables.js';

describe("tp's tables as the view's rows", () => {
  it('reads the columns where the header puts them, past the lines tp prints around the table', () => {
    const text = [
      '* Authenticating...',
      'CLUSTER ID  NAME          INSTANCE TYPE  NODES  STATUS',
      'c-fake123   fake-cluster  1xH100         1      running',
      'c-fake456                 8xH100         2      provisioning',
      '',
      'Use tp cluster info for more.',
    ].join('\n');
    expect(parseTable(text)).toEqual([
      { cluster_id: 'c-fake123', name: 'fake-cluster', instance_type: '1xH100', nodes: '1', status: 'running' },
      { cluster_id: 'c-fake456', name: '', instance_type: '8xH100', nodes: '2', status: 'provisioning' },
    ]);
  });

  it('finds no rows where there is no table', () => {
    expect(parseTable('* Authenticating...\nNo clusters found.')).toEqual([]);
  });

  it('reads "Key: value" lines as fields', () => {
    expect(parseFields('* Fetching job info...\nJob ID: j-1\nStatus: running\nExit Code: 0')).toEqual({ job_id: 'j-1', status: 'running', exit_code: '0' });
  });
});
