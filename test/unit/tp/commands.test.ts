import { describe, expect, it } from 'vitest';
import { tpArgv } from '../../../src/tp/commands.js';
import { generationFromUsage } from '../../../src/tp/generation.js';
import { usageLine, type UsageVersion } from '../../helpers/tp-usage.js';

describe('tpArgv, current generation (checked against test/reference/tp-usage)', () => {
  it('cluster create: instance type positional, options as --flag=value', () => {
    expect(
      tpArgv.clusterCreate(
        { instanceType: '8xH100', publicKeyPath: '/tmp/k/key.pub', numNodes: 2, name: 'train' },
        '0.0.9',
      ),
    ).toEqual([
      '--no-input',
      'cluster',
      'create',
      '--public-key=/tmp/k/key.pub',
      '--name=train',
      '--num-nodes=2',
      '8xH100',
    ]);
    expect(tpArgv.clusterCreate({ instanceType: '1xH100' }, '0.0.9')).toEqual([
      '--no-input',
      'cluster',
      'create',
      '1xH100',
    ]);
  });

  it('destroy and cancel carry their own --no-input, or tp would wait for a y/N answer', () => {
    expect(tpArgv.clusterDestroy({ clusterId: 'c-1', wait: true })).toEqual([
      'cluster',
      'destroy',
      '--no-input',
      '--wait',
      'c-1',
    ]);
    expect(tpArgv.jobCancel({ jobId: 'j-1', wait: false }, '0.0.9')).toEqual(['job', 'cancel', '--no-input', 'j-1']);
  });

  it('job push takes the config and the cluster as positionals', () => {
    expect(tpArgv.jobPush({ configPath: '/p/job.tp.toml', clusterId: 'c-1', teardown: true }, '0.0.9')).toEqual([
      '--no-input',
      'job',
      'push',
      '--teardown',
      '/p/job.tp.toml',
      'c-1',
    ]);
  });

  it('lists and infos', () => {
    expect(tpArgv.clusterList({ org: true }, '0.0.9')).toEqual(['--no-input', 'cluster', 'list', '--org']);
    expect(tpArgv.jobList({ org: false })).toEqual(['--no-input', 'job', 'list']);
    expect(tpArgv.clusterInfo({ clusterId: 'c-1' })).toEqual(['--no-input', 'cluster', 'info', 'c-1']);
    expect(tpArgv.jobInfo({ jobId: 'j-1' })).toEqual(['--no-input', 'job', 'info', 'j-1']);
    expect(tpArgv.jobPull({ jobId: 'j-1', force: true })).toEqual(['--no-input', 'job', 'pull', '--force', 'j-1']);
    expect(tpArgv.accountMe()).toEqual(['--no-input', 'me']);
  });

  it('never passes a positional that argparse would read as an option', () => {
    expect(() => tpArgv.clusterInfo({ clusterId: '--help' })).toThrow(/Refusing/);
    expect(() => tpArgv.jobPush({ configPath: '-x', clusterId: 'c', teardown: false }, '0.0.9')).toThrow(/Refusing/);
  });

  it('edit sends deletion protection only as the exact words true or false', () => {
    expect(tpArgv.clusterEdit({ clusterId: 'c-1', deletionProtection: false })).toEqual([
      '--no-input',
      'cluster',
      'edit',
      '--deletion-protection=false',
      'c-1',
    ]);
    expect(tpArgv.storageEdit({ storageId: 's-1', deletionProtection: true, sizeGb: 500 })).toEqual([
      '--no-input',
      'storage',
      'edit',
      '--deletion-protection=true',
      '--size=500',
      's-1',
    ]);
    expect(() => tpArgv.clusterEdit({ clusterId: 'c-1' })).toThrow(/nothing to change/);
  });
});

describe('tpArgv across generations', () => {
  it('0.0.6 cluster create takes -t and its own --no-input, and has no container option', () => {
    expect(tpArgv.clusterCreate({ instanceType: '1xH100', wait: true }, '0.0.6')).toEqual([
      'cluster',
      'create',
      '--instance-type=1xH100',
      '--no-input',
      '--wait',
    ]);
    expect(() => tpArgv.clusterCreate({ instanceType: '1xH100', container: 'img' }, '0.0.6')).toThrow(
      /0\.0\.7 or newer.*pipx upgrade tensorpool/,
    );
  });

  it('the container option was renamed in 0.0.8', () => {
    expect(tpArgv.clusterCreate({ instanceType: 'x', container: 'img:1' }, '0.0.7')).toContain(
      '--experimental-container=img:1',
    );
    expect(tpArgv.clusterCreate({ instanceType: 'x', container: 'img:1' }, '0.0.8')).toContain('--container=img:1');
  });

  it('storage create: -t on 0.0.6, volume type on 0.0.7/0.0.8, size on 0.0.9', () => {
    expect(tpArgv.storageCreate({ volumeType: 'fast', sizeGb: 100 }, '0.0.6')).toEqual([
      'storage',
      'create',
      '--type=fast',
      '--size=100',
      '--no-input',
    ]);
    expect(tpArgv.storageCreate({ volumeType: 'flex', wait: true }, '0.0.8')).toEqual([
      '--no-input',
      'storage',
      'create',
      '--wait',
      'flex',
    ]);
    expect(tpArgv.storageCreate({ sizeGb: 100, name: 'data' }, '0.0.9')).toEqual([
      '--no-input',
      'storage',
      'create',
      '--name=data',
      '100',
    ]);
    expect(() => tpArgv.storageCreate({ sizeGb: 100 }, '0.0.7')).toThrow(/needs volume_type/);
    expect(() => tpArgv.storageCreate({ volumeType: 'fast' }, '0.0.9')).toThrow(
      /volume_type needs tp 0\.0\.6 to 0\.0\.8/,
    );
    expect(() => tpArgv.storageCreate({}, '0.0.9')).toThrow(/needs size_gb/);
  });

  it('job push: no cluster on 0.0.6, a cluster required on 0.0.7+', () => {
    expect(tpArgv.jobPush({ configPath: '/p/c.toml', teardown: false }, '0.0.6')).toEqual([
      '--no-input',
      'job',
      'push',
      '/p/c.toml',
    ]);
    expect(() => tpArgv.jobPush({ configPath: '/p/c.toml', clusterId: 'c-1', teardown: false }, '0.0.6')).toThrow(
      /cluster_id needs tp 0\.0\.7/,
    );
    expect(() => tpArgv.jobPush({ configPath: '/p/c.toml', teardown: false }, '0.0.8')).toThrow(/needs cluster_id/);
  });

  it('attach and detach: --no-input on 0.0.6, --wait from 0.0.7', () => {
    expect(tpArgv.clusterAttach({ clusterId: 'c', storageId: 's' }, '0.0.6')).toEqual([
      'cluster',
      'attach',
      '--no-input',
      'c',
      's',
    ]);
    expect(tpArgv.clusterDetach({ clusterId: 'c', storageId: 's', wait: true }, '0.0.9')).toEqual([
      '--no-input',
      'cluster',
      'detach',
      '--wait',
      'c',
      's',
    ]);
    expect(() => tpArgv.clusterAttach({ clusterId: 'c', storageId: 's', wait: true }, '0.0.6')).toThrow(
      /wait=true needs tp 0\.0\.7/,
    );
  });

  it('job cancel has its own --no-input only from 0.0.7', () => {
    expect(tpArgv.jobCancel({ jobId: 'j', wait: true }, '0.0.6')).toEqual([
      '--no-input',
      'job',
      'cancel',
      '--wait',
      'j',
    ]);
  });
});

describe('generationFromUsage, on the usage lines the real CLI prints', () => {
  const usage = (version: string, command: string) => usageLine(version as UsageVersion, command);

  it.each([
    ['0.0.6', '0.0.6'],
    ['0.0.8', '0.0.8'],
    ['0.0.9', '0.0.9'],
  ])('tp %s is detected as %s', (version, generation) => {
    expect(generationFromUsage(usage(version, 'storage create'), usage(version, 'cluster create'))).toBe(generation);
  });

  it('0.0.7 is told from 0.0.8 by its container option', () => {
    const cluster07 = usage('0.0.8', 'cluster create').replace(
      '[--container CONTAINER]',
      '[--experimental-container EXPERIMENTAL_CONTAINER]',
    );
    expect(generationFromUsage(usage('0.0.8', 'storage create'), cluster07)).toBe('0.0.7');
  });

  it('gives up on text that is not a usage line', () => {
    expect(generationFromUsage('Traceback (most recent call last):', '')).toBeUndefined();
  });
});

describe('exactly one --no-input in any argv', () => {
  const generations = ['0.0.6', '0.0.7', '0.0.8', '0.0.9'] as const;
  const built = (generation: (typeof generations)[number]) => [
    tpArgv.clusterDestroy({ clusterId: 'c-1', wait: generation !== '0.0.6' }),
    tpArgv.jobCancel({ jobId: 'j-1', wait: false }, generation),
    tpArgv.jobDelete({ jobId: 'j-1' }),
    tpArgv.clusterList({ org: false }, generation),
    tpArgv.accountMe(),
    ...(generation === '0.0.6'
      ? [
          tpArgv.clusterCreate({ instanceType: '1xH100' }, generation),
          tpArgv.clusterAttach({ clusterId: 'c', storageId: 's' }, generation),
        ]
      : []),
  ];
  it.each(generations)('on %s, whether the command has its own flag or not', (generation) => {
    for (const argv of built(generation))
      expect(
        argv.filter((arg) => arg === '--no-input'),
        argv.join(' '),
      ).toHaveLength(1);
  });
});
