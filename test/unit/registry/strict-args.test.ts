import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { closestParameters, strictInput, unknownArgumentsMessage } from '../../../src/registry/strict-args.js';

const CREATE = [
  'instance_type',
  'ssh_public_key',
  'num_nodes',
  'name',
  'deletion_protection',
  'container',
  'wait',
  'confirm',
];

describe('closestParameters', () => {
  it.each([
    ['nodes', ['num_nodes']],
    ['public_key', ['ssh_public_key']],
    ['numNodes', ['num_nodes']],
    ['NUM-NODES', ['num_nodes']],
    ['instanceType', ['instance_type']],
    ['nmae', ['name']],
    ['cnofirm', ['confirm']],
    ['gpu_type', ['instance_type']],
    ['node_count', ['num_nodes']],
    ['key', ['ssh_public_key']],
  ])('%s → %j', (unknown, expected) => {
    expect(closestParameters(unknown, CREATE)).toEqual(expected);
  });

  it('offers every parameter that fits equally well, and none when nothing is close', () => {
    expect(closestParameters('id', ['cluster_id', 'storage_id', 'wait'])).toEqual(['cluster_id', 'storage_id']);
    expect(closestParameters('verbose', CREATE)).toEqual([]);
    expect(closestParameters('__', CREATE)).toEqual([]);
    expect(closestParameters('x', [])).toEqual([]);
  });
});

describe('unknownArgumentsMessage', () => {
  it('names each unknown argument, its likely meaning, what the tool takes, and that nothing ran', () => {
    expect(unknownArgumentsMessage('cluster_info', ['clusterId', 'verbose'], ['cluster_id'])).toBe(
      'Unknown arguments "clusterId" (did you mean "cluster_id"?), "verbose". cluster_info takes: cluster_id. ' +
        'Nothing was run.',
    );
    expect(unknownArgumentsMessage('account_me', ['org'], [])).toBe(
      'Unknown argument "org". account_me takes no arguments. Nothing was run.',
    );
  });
});

describe('strictInput', () => {
  const schema = strictInput('cluster_create', {
    instance_type: z.string(),
    num_nodes: z.number().int().min(1).max(128).optional(),
  });

  it('accepts the declared arguments and refuses others with the message', () => {
    expect(schema.safeParse({ instance_type: '1xH100', num_nodes: 2 }).success).toBe(true);
    const refused = schema.safeParse({ instance_type: '1xH100', nodes: 2 });
    expect(refused.success).toBe(false);
    expect(refused.error!.issues.map((issue) => issue.message)).toEqual([
      'Unknown argument "nodes" (did you mean "num_nodes"?). cluster_create takes: instance_type, num_nodes. Nothing ' +
        'was run.',
    ]);
  });

  it('keeps the other messages of a call that is wrong in more ways than one', () => {
    const refused = schema.safeParse({ nodes: 0 });
    expect(refused.error!.issues.map((issue) => issue.path.join('.') || issue.code)).toEqual([
      'instance_type',
      'unrecognized_keys',
    ]);
  });

  it('is listed with additionalProperties: false and without a $schema keyword', () => {
    const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
    expect(json.additionalProperties).toBe(false);
    expect(json).not.toHaveProperty('$schema');
  });
});
