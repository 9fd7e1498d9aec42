import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clusterTools } from '../../src/tools/cluster.js';
import { textOf } from '../helpers/in-memory.js';
import { pemPrivateKey, publicKeyLine } from '../helpers/ssh-keys.js';
import { sharedToolServer } from '../helpers/tool-server.js';
import { describeToolsnaps } from '../helpers/toolsnaps.js';
import { expectBadInputRefused, expectRunsArgv } from '../helpers/tool-cases.js';

/**
 * The cluster tools: their schemas (toolsnaps), the argv they run, and what they refuse. Every generation:
 * generations.test.ts.
 */

describeToolsnaps(clusterTools);

const server = sharedToolServer();

describe('against the fake tp', () => {
  it.each([
    ['cluster_list', { org: true }, ['--no-input', 'cluster', 'list', '--org']],
    ['cluster_info', { cluster_id: 'c-42' }, ['--no-input', 'cluster', 'info', 'c-42']],
    ['cluster_destroy', { cluster_id: 'c-42', confirm: true }, ['cluster', 'destroy', '--no-input', 'c-42']],
    [
      'cluster_destroy',
      { cluster_id: 'c-42', confirm: true, wait: true },
      ['cluster', 'destroy', '--no-input', '--wait', 'c-42'],
    ],
    ['cluster_create', { instance_type: '1xH100' }, ['--no-input', 'cluster', 'create', '1xH100']],
    [
      'cluster_create',
      { instance_type: '8xH100', num_nodes: 2, name: 'big' },
      ['--no-input', 'cluster', 'create', '--name=big', '--num-nodes=2', '8xH100'],
    ],
  ])('%s %j runs tp with the exact argv and returns its output', async (name, args, argv) => {
    await expectRunsArgv(server, name, args, argv);
  });

  it('cluster_destroy without confirm refuses and never starts tp', async () => {
    const { result, spawned } = await server.call('cluster_destroy', { cluster_id: 'c-1' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Not done: .*cannot be undone.*confirm=true/);
    expect(spawned).toEqual([]);
  });
});

describe('bad input is refused before anything runs', () => {
  it.each([
    ['cluster_info', { cluster_id: '--help' }, /cluster_id .*no leading '-'/],
    ['cluster_info', { cluster_id: '-x' }, /cluster_id/],
    ['cluster_info', { cluster_id: 'a b' }, /cluster_id/],
    ['cluster_create', { instance_type: '--no-input' }, /instance_type/],
    ['cluster_create', { instance_type: '1xH100', name: '--org' }, /name/],
    ['cluster_create', { instance_type: '1xH100', num_nodes: 0 }, /num_nodes must be at least 1/],
    ['cluster_create', { instance_type: '1xH100', num_nodes: 1.5 }, /num_nodes must be a whole number/],
    ['cluster_create', { instance_type: '1xH100', ssh_public_key: 'ssh-ed25519 AAAA' }, /ssh_public_key/],
    ['cluster_destroy', { cluster_id: 'c-1', confirm: 'yes' }, /confirm/],
  ])('%s %j', async (name, args, message) => {
    await expectBadInputRefused(server, name, args, message);
  });
});

describe('cluster_create with a public key', () => {
  it('hands tp a private 0600 copy of the key and removes it afterwards', async () => {
    const key = publicKeyLine('ssh-ed25519');
    const { result, ran } = await server.call('cluster_create', { instance_type: '1xH100', ssh_public_key: key });
    expect(result.isError ?? false, textOf(result)).toBe(false);
    const call = ran.at(-1)!;
    expect(call.keyFile).toMatchObject({ mode: '600', dirMode: '700', content: `${key}\n` });
    expect(call.argv).toContain(`--public-key=${call.keyFile!.path}`);
    expect(existsSync(dirname(call.keyFile!.path))).toBe(false);
  });

  it('refuses a private key without echoing any of it and without writing it anywhere', async () => {
    const secret = pemPrivateKey();
    const { result, spawned } = await server.call('cluster_create', {
      instance_type: '1xH100',
      ssh_public_key: secret,
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/PRIVATE key/);
    const body = secret.split('\n')[1]!;
    expect(JSON.stringify(result)).not.toContain(body.slice(0, 16));
    expect(spawned).toEqual([]);
  });
});
