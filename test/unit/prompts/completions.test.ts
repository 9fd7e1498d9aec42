import { describe, expect, it } from 'vitest';
import {
  allowedInstanceTypes,
  completeInstanceType,
  KNOWN_INSTANCE_TYPES,
  LiveLists,
} from '../../../src/prompts/completions.js';
import type { TpInstallation } from '../../../src/tp/generation.js';
import type { TpClient, TpResult } from '../../../src/tp/runner.js';

function stubTp(outputs: (TpResult | Error)[]) {
  const calls: string[][] = [];
  const tp = {
    run: async (args: readonly string[]) => {
      calls.push([...args]);
      const next = outputs.shift();
      if (!next) throw new Error('no more outputs');
      if (next instanceof Error) throw next;
      return next;
    },
  } as unknown as TpClient;
  return { tp, calls };
}

const result = (stdout: string, exitCode = 0): TpResult => ({
  argv: [],
  exitCode,
  signal: null,
  stdout,
  stderr: '',
  durationMs: 1,
  timedOut: false,
  cancelled: false,
  truncated: false,
});
const installation = { generation: async () => '0.0.9' } as unknown as TpInstallation;
const CLUSTERS = 'CLUSTER ID  NAME  STATUS\nc-abc1  a  running\nc-abd2  b  running\nc-xyz3  c  stopped\n';

describe('instance types', () => {
  it('without an allow-list: the types TensorPool documents', () => {
    expect(allowedInstanceTypes(undefined)).toEqual([...KNOWN_INSTANCE_TYPES]);
    expect(completeInstanceType(undefined, '8x')).toEqual(['8xH100', '8xH200', '8xB200']);
  });

  it(
    "with one: only what the operator allows, the allow-list's names first, then known types its patterns " + 'match',
    () => {
      const guardrails = { allowInstanceTypes: ['2xA100', '*H200', '1xh100'] };
      expect(allowedInstanceTypes(guardrails)).toEqual(['2xA100', '1xh100', '1xH200', '8xH200']);
      expect(completeInstanceType(guardrails, '1X')).toEqual(['1xh100', '1xH200']);
      expect(completeInstanceType({ allowInstanceTypes: ['*L40S'] }, '8')).toEqual([]);
    },
  );
});

describe('live lists', () => {
  it('completes cluster ids from `tp cluster list`, by prefix, with the argv cluster_list would use', async () => {
    const { tp, calls } = stubTp([result(CLUSTERS)]);
    const lists = new LiveLists({ tp, installation });
    expect(await lists.complete('clusters', 'c-ab')).toEqual(['c-abc1', 'c-abd2']);
    expect(calls).toEqual([['--no-input', 'cluster', 'list']]);
  });

  it('asks tp at most once per 30 s however fast the client types, then again', async () => {
    let now = 1_000;
    const { tp, calls } = stubTp([result(CLUSTERS), result('c-new9 running\n')]);
    const lists = new LiveLists({ tp, installation, now: () => now });
    await Promise.all([lists.complete('clusters', ''), lists.complete('clusters', 'c')]);
    now += 29_000;
    expect(await lists.complete('clusters', 'c-x')).toEqual(['c-xyz3']);
    expect(calls).toHaveLength(1);
    now += 2_000;
    expect(await lists.complete('clusters', '')).toEqual(['c-new9']);
    expect(calls).toHaveLength(2);
  });

  it(
    'completes nothing, without failing, when tp cannot list (no key, no network), and tries again next ' + 'time',
    async () => {
      const { tp, calls } = stubTp([new Error('No TensorPool API key is set'), result('JOB ID\njob-7a running\n')]);
      const lists = new LiveLists({ tp, installation });
      expect(await lists.complete('jobs', '')).toEqual([]);
      expect(await lists.complete('jobs', '')).toEqual(['job-7a']);
      expect(calls).toEqual([
        ['--no-input', 'job', 'list'],
        ['--no-input', 'job', 'list'],
      ]);
    },
  );
});
