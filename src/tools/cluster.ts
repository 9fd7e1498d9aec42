import { z } from 'zod';
import { withPublicKeyFile } from '../files/ssh-key.js';
import { tpToolResult } from '../registry/results.js';
import { defineTool, runsTp } from '../registry/tool.js';
import { tpArgv } from '../tp/commands.js';
import {
  billingConfirm,
  clusterId, clusterName, confirm, containerImage, deletionProtection, instanceType, org, sshPublicKey, storageId, wait,
} from './fields.js';

const clusterCreate = defineTool({
  name: 'cluster_create',
  toolset: 'clusters',
  runs: 'tp',
  title: 'Create a GPU cluster',
  description:
    'Start a GPU cluster (`tp cluster create`); it bills hourly until cluster_destroy. ' +
    'Returns cluster_id; next cluster_info (state, SSH) or job_push.',
  inputSchema: {
    instance_type: instanceType,
    ssh_public_key: sshPublicKey,
    num_nodes: z
      .number()
      .int('num_nodes must be a whole number')
      .min(1, 'num_nodes must be at least 1')
      .max(128, 'num_nodes must be at most 128')
      .optional()
      .describe('Default 1; several for 8-GPU types'),
    name: clusterName,
    deletion_protection: z.boolean().default(false).describe('Block destroy until cluster_edit turns it off'),
    container: containerImage,
    wait: z.boolean().default(false).describe('Wait until ready (minutes)'),
    confirm: billingConfirm,
  },
  approval: {
    billing: (args) =>
      `creating a ${args.instance_type} cluster of ${args.num_nodes ?? 1} node(s)${args.name ? ` named ${args.name}` : ''}${args.wait ? ', waiting until it is ready' : ''}`,
  },
  spends: (args) => ({ instanceType: args.instance_type, nodes: args.num_nodes ?? 1 }),
  annotations: 'create',
  handler: async (args, { tp, generation, signal }) => {
    const argvFor = (publicKeyPath?: string) =>
      tpArgv.clusterCreate(
        {
          instanceType: args.instance_type,
          publicKeyPath,
          numNodes: args.num_nodes,
          name: args.name,
          deletionProtection: args.deletion_protection,
          container: args.container,
          wait: args.wait,
        },
        generation,
      );
    // built once before the key file exists, so an unsupported parameter is refused before anything is written
    argvFor(args.ssh_public_key ? 'key.pub' : undefined);
    const run = (publicKeyPath?: string) => tp.run(argvFor(publicKeyPath), { signal });
    return tpToolResult(args.ssh_public_key ? await withPublicKeyFile(args.ssh_public_key, run) : await run());
  },
});

const clusterList = defineTool({
  name: 'cluster_list',
  toolset: 'clusters',
  runs: 'tp',
  title: 'List clusters',
  description: 'List clusters: ids, types, status (`tp cluster list`). Returns cluster_ids.',
  inputSchema: {
    org,
    instances: z.boolean().default(false).describe('Also list nodes (tp 0.0.7+)'),
  },
  annotations: 'read-only',
  handler: runsTp((args, generation) => tpArgv.clusterList({ org: args.org, instances: args.instances }, generation)),
});

const clusterInfo = defineTool({
  name: 'cluster_info',
  toolset: 'clusters',
  runs: 'tp',
  title: 'Show a cluster',
  description: 'One cluster: status, nodes, storage, SSH details (`tp cluster info`). Returns status, instance_ids.',
  inputSchema: { cluster_id: clusterId },
  annotations: 'read-only',
  handler: runsTp((args) => tpArgv.clusterInfo({ clusterId: args.cluster_id })),
});

const clusterDestroy = defineTool({
  name: 'cluster_destroy',
  toolset: 'clusters',
  runs: 'tp',
  title: 'Destroy a cluster',
  description: 'Destroy a cluster and its disks (`tp cluster destroy`); billing stops. Irreversible: confirm=true after the user agrees.',
  inputSchema: { cluster_id: clusterId, confirm, wait },
  approval: { irreversible: (args) => `destroying cluster ${args.cluster_id} and the data on its disks` },
  annotations: 'destructive',
  handler: runsTp((args) => tpArgv.clusterDestroy({ clusterId: args.cluster_id, wait: args.wait })),
});

const clusterEdit = defineTool({
  name: 'cluster_edit',
  toolset: 'clusters',
  runs: 'tp',
  title: 'Edit a cluster',
  description: 'Rename a cluster or set its deletion protection (`tp cluster edit`). Turning protection off needs confirm=true after the user agrees.',
  inputSchema: { cluster_id: clusterId, name: clusterName, deletion_protection: deletionProtection, confirm },
  approval: {
    sensitive: (args) =>
      args.deletion_protection === false ? `turning off deletion protection of cluster ${args.cluster_id}, which lets it be destroyed` : undefined,
  },
  annotations: 'destructive',
  handler: async (args, { tp, signal }) =>
    tpToolResult(
      await tp.run(tpArgv.clusterEdit({ clusterId: args.cluster_id, name: args.name, deletionProtection: args.deletion_protection }), { signal }),
    ),
});

const clusterAttachStorage = defineTool({
  name: 'cluster_attach_storage',
  toolset: 'clusters',
  runs: 'tp',
  title: 'Attach storage',
  description: 'Attach a storage volume to a cluster\'s nodes (`tp cluster attach`).',
  inputSchema: { cluster_id: clusterId, storage_id: storageId, wait: wait.describe('Wait until attached (tp 0.0.7+)') },
  annotations: 'idempotent-edit',
  handler: async (args, { tp, generation, signal }) =>
    tpToolResult(
      await tp.run(tpArgv.clusterAttach({ clusterId: args.cluster_id, storageId: args.storage_id, wait: args.wait }, generation), { signal }),
    ),
});

const clusterDetachStorage = defineTool({
  name: 'cluster_detach_storage',
  toolset: 'clusters',
  runs: 'tp',
  title: 'Detach storage',
  description: 'Detach a volume from a cluster (`tp cluster detach`); writes to it fail. confirm=true after the user agrees.',
  inputSchema: { cluster_id: clusterId, storage_id: storageId, confirm, wait: wait.describe('Wait until detached (tp 0.0.7+)') },
  approval: { irreversible: (args) => `detaching volume ${args.storage_id} from cluster ${args.cluster_id} while it may be in use` },
  annotations: 'destructive',
  handler: async (args, { tp, generation, signal }) =>
    tpToolResult(
      await tp.run(tpArgv.clusterDetach({ clusterId: args.cluster_id, storageId: args.storage_id, wait: args.wait }, generation), { signal }),
    ),
});

export const clusterTools = [
  clusterCreate, clusterList, clusterInfo, clusterDestroy, clusterEdit, clusterAttachStorage, clusterDetachStorage,
];
