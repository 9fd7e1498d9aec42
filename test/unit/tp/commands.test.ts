import { describe, expect, it } from 'vitest';
import { tpArgv } from '../../../src/tp/commands.js';

describe('tpArgv (0.0.7+ shapes, checked against ../shared/tp-usage)', () => {
  it('cluster create: instance type positional, options as --flag=value', () => {
    expect(tpArgv.clusterCreate({ instanceType: '8xH100', publicKeyPath: '/tmp/k/key.pub', numNodes: 2, name: 'train' })).toEqual([
      '--no-input', 'cluster', 'create', '--public-key=/tmp/k/key.pub', '--name=train', '--num-nodes=2', '8xH100',
    ]);
    expect(tpArgv.clusterCreate({ instanceType: '1xH100' })).toEqual(['--no-input', 'cluster', 'create', '1xH100']);
  });

  it('destroy and cancel carry their own --no-input, or tp would wait for a y/N answer', () => {
    expect(tpArgv.clusterDestroy({ clusterId: 'c-1', wait: true })).toEqual(['--no-input', 'cluster', 'destroy', '--no-input', '--wait', 'c-1']);
    expect(tpArgv.jobCancel({ jobId: 'j-1', wait: false })).toEqual(['--no-input', 'job', 'cancel', '--no-input', 'j-1']);
  });

  it('job push takes the config and the cluster as positionals', () => {
    expect(tpArgv.jobPush({ configPath: '/p/job.tp.toml', clusterId: 'c-1', teardown: true })).toEqual([
      '--no-input', 'job', 'push', '--teardown', '/p/job.tp.toml', 'c-1',
    ]);
  });

  it('lists and infos', () => {
    expect(tpArgv.clusterList({ org: true })).toEqual(['--no-input', 'cluster', 'list', '--org']);
    expect(tpArgv.jobList({ org: false })).toEqual(['--no-input', 'job', 'list']);
    expect(tpArgv.clusterInfo({ clusterId: 'c-1' })).toEqual(['--no-input', 'cluster', 'info', 'c-1']);
    expect(tpArgv.jobInfo({ jobId: 'j-1' })).toEqual(['--no-input', 'job', 'info', 'j-1']);
    expect(tpArgv.jobPull({ jobId: 'j-1', force: true })).toEqual(['--no-input', 'job', 'pull', '--force', 'j-1']);
    expect(tpArgv.accountMe()).toEqual(['--no-input', 'me']);
  });

  it('never passes a positional that argparse would read as an option', () => {
    expect(() => tpArgv.clusterInfo({ clusterId: '--help' })).toThrow(/Refusing/);
    expect(() => tpArgv.jobPush({ configPath: '-x', clusterId: 'c', teardown: false })).toThrow(/Refusing/);
  });
});
