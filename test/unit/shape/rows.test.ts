import { describe, expect, it } from 'vitest';
import { readList, renderRows } from '../../../src/shape/rows.js';
import { tpArgv } from '../../../src/tp/commands.js';
import { fakeTpOutput } from '../../helpers/fake-output.js';

// Each layout the engine has drawn its tables in: the rows must come out the same from all of them.
const LAYOUTS = ['box', 'plain', 'ascii'] as const;

describe.each(LAYOUTS)('rows from the %s layout', (layout) => {
  const list = (argv: string[]) => fakeTpOutput('0.0.9', argv, { FAKE_TP_TABLE_LAYOUT: layout });

  it('clusters: every column the header names, nodes as a number, node ids with --instances', () => {
    const out = list(tpArgv.clusterList({ org: false, instances: true }, '0.0.9'));
    expect(readList('clusters', out.stdout).rows).toEqual([
      {
        cluster_id: 'c-fake123',
        name: 'fake-cluster',
        instance_type: '1xH100',
        nodes: 1,
        status: 'RUNNING',
        created: '2026-12-06 09:12',
        instance_ids: ['i-fake123a'],
      },
      {
        cluster_id: 'c-fake456',
        name: 'big-cluster',
        instance_type: '8xH100',
        nodes: 2,
        status: 'RUNNING',
        created: '2026-12-05 17:40',
        instance_ids: ['i-fake456a', 'i-fake456b'],
      },
      {
        cluster_id: 'c-fake789',
        name: 'idle-box',
        instance_type: '1xL40S',
        nodes: 1,
        status: 'RUNNING',
        created: '2026-12-04 08:03',
        instance_ids: ['i-fake789a'],
      },
    ]);
  });

  it("jobs: id, cluster, status in the tools' words, created", () => {
    const out = list(tpArgv.jobList({ org: false }));
    expect(readList('jobs', out.stdout).rows).toEqual([
      { job_id: 'j-fake1', cluster_id: 'c-fake123', status: 'RUNNING', created: '2026-12-06 09:30' },
      { job_id: 'j-fake2', cluster_id: 'c-fake456', status: 'FAILED', created: '2026-12-06 08:10' },
      { job_id: 'j-fake0', cluster_id: 'c-fake123', status: 'COMPLETED', created: '2026-12-05 22:00' },
    ]);
  });

  it('volumes: size_gb a number, an empty attachment absent rather than "-"', () => {
    const out = list(tpArgv.storageList({ org: true }));
    const { rows, notes } = readList('volumes', out.stdout);
    expect(rows).toEqual([
      { storage_id: 's-fake123', name: 'fake-volume', size_gb: 100, status: 'READY' },
      { storage_id: 's-fake456', name: 'datasets', size_gb: 2000, status: 'ATTACHED', attached_to: 'c-fake123' },
    ]);
    // what tp said besides the table stays, its spinner line does not
    expect(notes).toEqual(['Organization: fake-org']);
  });

  it('keys: id and name, not the columns it was not asked for', () => {
    const out = list(tpArgv.sshKeyList({ org: false }));
    expect(readList('keys', out.stdout).rows).toEqual([
      { key_id: 'k-fake1', name: 'laptop' },
      { key_id: 'k-fake2', name: 'ci' },
    ]);
  });
});

describe('a layout the engine has not used', () => {
  it('double-line box, columns renamed and reordered, an unknown column, lower case, a wrapped cell', () => {
    const text = [
      '╔══════════╦═══════════╦══════════╦════════╦═══════════════╗',
      '║ State    ║ Id        ║ Gpu      ║ Region ║ Cluster name  ║',
      '╠══════════╬═══════════╬══════════╬════════╬═══════════════╣',
      '║ running  ║ c-a1b2c3  ║ 8xH100   ║ us-e   ║ long-running  ║',
      '║          ║           ║          ║        ║ experiment    ║',
      '║ pending  ║ c-d4e5f6  ║ 1xL40S   ║ eu-w   ║ small         ║',
      '╚══════════╩═══════════╩══════════╩════════╩═══════════════╝',
    ].join('\n');
    expect(readList('clusters', text).rows).toEqual([
      { status: 'RUNNING', cluster_id: 'c-a1b2c3', instance_type: '8xH100', name: 'long-running experiment' },
      { status: 'PENDING', cluster_id: 'c-d4e5f6', instance_type: '1xL40S', name: 'small' },
    ]);
  });

  it('no header at all: only what a row shows by itself, an id by its prefix and a known status word', () => {
    const text = 'j-77  c-1  FAILED  python train.py\nj-78  c-1  Running  python eval.py\n';
    expect(readList('jobs', text).rows).toEqual([
      { job_id: 'j-77', status: 'FAILED' },
      { job_id: 'j-78', status: 'RUNNING' },
    ]);
  });

  it('a header that names no id column gives rows by what they show, never a field from a guessed position', () => {
    const text = 'WHAT        SIZE     CONDITION\ns-1a2  100 GB   creating\n';
    expect(readList('volumes', text).rows).toEqual([{ storage_id: 's-1a2', status: 'CREATING' }]);
  });

  it('sizes in TB are GB times 1000; a bare number counts only under a GB header', () => {
    const text = 'STORAGE ID  SIZE   CAPACITY (GB)\ns-1  2 TB   -\n';
    expect(readList('volumes', text).rows).toEqual([{ storage_id: 's-1', size_gb: 2000 }]);
    expect(readList('volumes', 'STORAGE ID  SIZE (GB)\ns-2  750\n').rows).toEqual([
      { storage_id: 's-2', size_gb: 750 },
    ]);
    expect(readList('volumes', 'STORAGE ID  SIZE\ns-3  750\n').rows).toEqual([{ storage_id: 's-3' }]);
  });

  it('buckets are one name a line', () => {
    expect(readList('buckets', '* Fetching buckets...\nfake-bucket-1\nfake-bucket-2\n').rows).toEqual([
      { name: 'fake-bucket-1' },
      { name: 'fake-bucket-2' },
    ]);
  });
});

describe('renderRows', () => {
  it('one line of field names, then a row a line, without box drawing; missing cells are "-"', () => {
    expect(
      renderRows([
        { job_id: 'j-1', status: 'FAILED' },
        { job_id: 'j-2', cluster_id: 'c-1', status: 'RUNNING' },
      ]),
    ).toBe('job_id  status  cluster_id\nj-1  FAILED  -\nj-2  RUNNING  c-1');
  });
});
