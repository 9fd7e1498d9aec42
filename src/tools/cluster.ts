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
    'Create a TensorPool GPU cluster (`tp cluster create`). This starts billing by the hour until the cluster is destroyed. ' +
    'Returns the engine message with the new cluster id; use cluster_info for its state and SSH details.',
  inputSchema: {
    instance_type: instanceType,
    ssh_public_key: sshPublicKey,
    num_nodes: z
      .number()
      .int('num_nodes must be a whole number')
      .min(1, 'num_nodes must be at least 1')
      .max(128, 'num_nodes must be at most 128')
      .optional()
      .describe('Number of nodes (multi-node clusters are for 8-GPU instance types); default 1'),
    name: clusterName,
    deletion_protection: z.boolean().default(false).describe('Protect the cluster from being destroyed until this is turned off with cluster_edit'),
    container: containerImage,
    wait: z.boolean().default(false).describe('Wait until the cluster is ready (can take minutes) instead of returning once the request is accepted'),
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
  description: 'List your TensorPool clusters with their ids, instance types and status (`tp cluster list`).',
  inputSchema: {
    org,
    instances: z.boolean().default(false).describe('Also list the instances (nodes) of each cluster (tp 0.0.7 and newer)'),
  },
  annotations: 'read-only',
  handler: runsTp((args, generation) => tpArgv.clusterList({ org: args.org, instances: args.instances }, generation)),
});

const clusterInfo = defineTool({
  name: 'cluster_info',
  toolset: 'clusters',
  runs: 'tp',
  title: 'Show a cluster',
  description: 'Show one cluster: status, nodes, instance type, attached storage and SSH connection details (`tp cluster info`).',
  inputSchema: { cluster_id: clusterId },
  annotations: 'read-only',
  handler: runsTp((args) => tpArgv.clusterInfo({ clusterId: args.cluster_id })),
});

const clusterDestroy = defineTool({
  name: 'cluster_destroy',
  toolset: 'clusters',
  runs: 'tp',
  title: 'Destroy a cluster',
  description:
    'Destroy a cluster and everything on its local disks (`tp cluster destroy`). Irreversible. ' +
    'Ask the user first, then call with confirm=true; without it nothing happens.',
  inputSchema: { cluster_id: clusterId, confirm, wait },
  approval: { irreversible: (args) => `destroying cluster ${args.cluster_id} and the data on its disks` },
  annotations: 'destructive',
  handler: runsTp((args) => tpArgv.clusterDestroy({ clusterId: args.cluster_id, wait: args.wait })),
});

const clusterEdit = defineTool({
  name: 'cluster_edit',
  toolset: 'clusters',
  runs: 'tp',
  title: 'Rename a cluster or change its protection',
  description:
    'Change a cluster\'s name or deletion protection (`tp cluster edit`). Turning protection off makes the cluster destroyable: ask the user first.',
  inputSchema: { cluster_id: clusterId, name: clusterName.describe('New display name'), deletion_protection: deletionProtection },
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
  title: 'Attach storage to a cluster',
  description: 'Attach a storage volume to a cluster so its nodes can mount it (`tp cluster attach`).',
  inputSchema: { cluster_id: clusterId, storage_id: storageId, wait: wait.describe('Wait until attached (tp 0.0.7 and newer)') },
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
  title: 'Detach storage from a cluster',
  description:
    'Detach a storage volume from a cluster (`tp cluster detach`); anything still writing to it on the nodes fails. ' +
    'Ask the user first, then call with confirm=true.',
  inputSchema: { cluster_id: clusterId, storage_id: storageId, confirm, wait: wait.describe('Wait until detached (tp 0.0.7 and newer)') },
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
