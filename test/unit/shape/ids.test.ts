import { describe, expect, it } from 'vitest';
import { parseFields } from '../../../src/shape/ids.js';
import { readList } from '../../../src/shape/rows.js';
import { tpArgv } from '../../../src/tp/commands.js';
import type { Generation } from '../../../src/tp/generation.js';
import { fakeTpOutput } from '../../helpers/fake-output.js';

const GENERATIONS = ['0.0.6', '0.0.8', '0.0.9'] as const satisfies readonly Generation[];

/** The argv the server builds for each tool on `generation`, so the text parsed is what that command prints. */
function argvFor(tool: string, generation: Generation): string[] {
  switch (tool) {
    case 'cluster_create':
      return tpArgv.clusterCreate({ instanceType: '1xH100', publicKeyPath: 'key.pub' }, generation);
    case 'cluster_list':
      return tpArgv.clusterList({ org: false, instances: generation !== '0.0.6' }, generation);
    case 'cluster_info':
      return tpArgv.clusterInfo({ clusterId: 'c-fake123' });
    case 'storage_create':
      return tpArgv.storageCreate(
        generation === '0.0.9' ? { sizeGb: 100 } : { volumeType: 'fast', sizeGb: 100 },
        generation,
      );
    case 'storage_list':
      return tpArgv.storageList({ org: false });
    case 'storage_info':
      return tpArgv.storageInfo({ storageId: 's-fake123' });
    case 'job_push':
      return tpArgv.jobPush(
        { configPath: 'job.tp.toml', clusterId: generation === '0.0.6' ? undefined : 'c-fake123', teardown: false },
        generation,
      );
    case 'job_list':
      return tpArgv.jobList({ org: false });
    case 'job_info':
      return tpArgv.jobInfo({ jobId: 'j-fake1' });
    case 'job_listen':
      return tpArgv.jobListen({ jobId: 'job-fake1' });
    case 'ssh_key_add':
      return tpArgv.sshKeyAdd({ keyPath: 'key.pub' });
    case 'ssh_key_list':
      return tpArgv.sshKeyList({ org: false });
    default:
      throw new Error(`no argv for ${tool}`);
  }
}

const EXPECTED: Record<string, (generation: Generation) => Record<string, unknown>> = {
  cluster_create: () => ({ cluster_id: 'c-fake123' }),
  cluster_info: () => ({ cluster_id: 'c-fake123', instance_ids: ['i-fake123a'], status: 'RUNNING' }),
  storage_create: () => ({ storage_id: 's-fake123' }),
  storage_info: () => ({ storage_id: 's-fake123', status: 'READY' }),
  job_push: () => ({ job_id: 'j-fake1' }),
  job_info: () => ({ job_id: 'j-fake1', status: 'RUNNING' }),
  ssh_key_add: () => ({ key_id: 'k-fake1' }),
};

describe.each(GENERATIONS)('parsed fields from what tp %s prints', (generation) => {
  it.each(Object.keys(EXPECTED))('%s', (tool) => {
    const output = fakeTpOutput(generation, argvFor(tool, generation));
    expect(output.exit_code, output.stdout + output.stderr).toBe(0);
    expect(parseFields(tool, output)).toEqual(EXPECTED[tool]!(generation));
  });
});

describe('documented outputs (tp-cli.md)', () => {
  it('HEAD (0.0.9) storage create --wait: "Storage volume <id> created."', () => {
    expect(
      parseFields('storage_create', {
        stdout: '* Creating storage volume...\nStorage volume s-9f3k2 created. Attach it with a cluster.\n',
        exit_code: 0,
      }),
    ).toEqual({
      storage_id: 's-9f3k2',
    });
  });

  it('the fallback "Cluster creation initiated" names no id: the field is absent, not guessed', () => {
    expect(parseFields('cluster_create', { stdout: 'Cluster creation initiated\n', exit_code: 0 })).toEqual({});
  });

  it('job push never prints the job id itself: the teardown line names a cluster, not a job', () => {
    const stdout = 'Teardown enabled: cluster c-abc123 will be destroyed when the job finishes.\n';
    expect(parseFields('job_push', { stdout, exit_code: 0 })).toEqual({});
  });

  it("job info of a failed job: its status in the tools' words and the exit code tp states", () => {
    const stdout = 'Job ID: j-9\nStatus: failed\nExit code: 137\nError: killed\n';
    expect(parseFields('job_info', { stdout, exit_code: 0 })).toEqual({
      job_id: 'j-9',
      status: 'FAILED',
      exit_code: 137,
    });
  });

  it('request ids where the engine reports them, one or several', () => {
    expect(
      parseFields('cluster_destroy', { stdout: 'Cluster destruction initiated. Request ID: req-81x\n', exit_code: 0 }),
    ).toEqual({ request_ids: ['req-81x'] });
    expect(parseFields('cluster_attach_storage', { stdout: 'request_ids: r-1, r-2\n', exit_code: 0 })).toEqual({
      request_ids: ['r-1', 'r-2'],
    });
  });
});

describe('what is not an id', () => {
  it('paths, words and instance ids do not pass for cluster, job or key ids', () => {
    const stdout = 'Downloaded outputs/job-fake1-result.txt and key-value.json; c-style names; instance c-abc123-0\n';
    expect(readList('jobs', stdout).rows).toEqual([]);
    expect(readList('keys', stdout).rows).toEqual([]);
    expect(readList('clusters', stdout).rows).toEqual([]);
    expect(parseFields('cluster_info', { stdout, exit_code: 0 })).toEqual({ instance_ids: ['c-abc123-0'] });
  });

  it('"instance type 1xH100" names a type, not an instance', () => {
    const stdout =
      'Cluster creation initiated. Cluster ID: c-k2 (instance type 1xH100, nodes 1)\nInstance type: 8xH100\n';
    expect(parseFields('cluster_create', { stdout, exit_code: 0 })).toEqual({ cluster_id: 'c-k2' });
  });

  it('two unlabelled ids of one kind leave a single-id field absent rather than picking one', () => {
    expect(parseFields('cluster_create', { stdout: 'Using c-111 or c-222\n', exit_code: 0 })).toEqual({});
  });

  it('a labelled id wins over other ids in the text, and trailing punctuation is not part of it', () => {
    expect(
      parseFields('job_push', { stdout: 'Uploaded for job-9z9 (old). Job ID: job-abc1.\n', exit_code: 0 }),
    ).toEqual({ job_id: 'job-abc1' });
  });

  it('spinner lines are not results, a list that shows no ids has no list field, and a dry run states nothing', () => {
    expect(parseFields('cluster_info', { stdout: '* Status: fetching\nStatus: RUNNING\n', exit_code: 0 })).toEqual({
      status: 'RUNNING',
    });
    expect(readList('clusters', 'No clusters found\n')).toEqual({ rows: [], notes: ['No clusters found'] });
    const dry = {
      stdout: 'Dry run: nothing was run. Without --dry-run the server would run:\ntp --no-input cluster info c-1\n',
      exit_code: 0,
      dry_run: true,
    };
    expect(parseFields('cluster_info', dry)).toEqual({});
  });

  it('tools without parsed fields yield none', () => {
    expect(parseFields('account_me', { stdout: 'Cluster ID: c-1\n', exit_code: 0 })).toEqual({});
  });
});
