import { z } from 'zod';
import { publicKeyText, withPublicKeyFile } from '../files/ssh-key.js';
import { tpToolResult } from '../shape/shape.js';
import { listResult } from '../shape/list-result.js';
import { defineTool, runsTp } from '../registry/tool.js';
import { tpArgv } from '../tp/commands.js';
import {
  billingConfirm,
  clusterId,
  clusterName,
  confirm,
  containerImage,
  deletionProtection,
  instanceType,
  org,
  sshPublicKey,
  storageId,
  wait,
} from './fields.js';

const clusterCreate = defineTool({
  name: 'cluster_create',
  core: true,
  toolset: 'clusters',
  runs: 'tp',
  title: 'Create a GPU cluster',
  description:
    'Start a GPU cluster; bills hourly until cluster_destroy. It takes jobs once RUNNING: wait=true returns then ' +
    '(minutes), ' +
    'else check cluster_info.',
  inputSchema: {
    instance_type: instanceType,
    ssh_public_key: sshPublicKey,
    num_nodes: z
      .number()
      .int('num_nodes must be a whole number')
      .min(1, 'num_nodes must be at least 1')
      .max(128, 'num_nodes must be at most 128')
      .optional()
      .describe('Default 1'),
    name: clusterName,
    deletion_protection: z.boolean().default(false).describe('Block destroy'),
    container: containerImage,
    wait: z.boolean().default(false).describe('Return once RUNNING'),
    confirm: billingConfirm,
  },
  approval: {
    billing: (args) =>
      `creating a ${args.instance_type} cluster of ${args.num_nodes ?? 1} ` +
      `node(s)${args.name ? ` named ${args.name}` : ''}${args.wait ? ', waiting until it is ready' : ''}`,
  },
  spends: (args) => ({ instanceType: args.instance_type, nodes: args.num_nodes ?? 1 }),
  annotations: 'create',
  handler: async (args, { tp, generation, runtime, signal }) => {
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
    const key = args.ssh_public_key && publicKeyText('ssh_public_key', args.ssh_public_key, runtime.files.allowedDirs);
    return tpToolResult(key ? await withPublicKeyFile(key, run) : await run());
  },
});

const clusterList = defineTool({
  name: 'cluster_list',
  core: true,
  toolset: 'clusters',
  runs: 'tp',
  title: 'List clusters',
  description: 'Clusters as rows: id, name, type, nodes, status.',
  inputSchema: {
    org,
    instances: z.boolean().default(false).describe('Also node ids (tp 0.0.7+)'),
  },
  annotations: 'read-only',
  handler: async (args, { tp, generation, signal }) =>
    listResult(
      'clusters',
      await tp.run(tpArgv.clusterList({ org: args.org, instances: args.instances }, generation), { signal }),
    ),
});

const clusterInfo = defineTool({
  name: 'cluster_info',
  core: true,
  toolset: 'clusters',
  runs: 'tp',
  title: 'Show a cluster',
  description: 'One cluster: status, nodes, volumes, SSH details.',
  inputSchema: { cluster_id: clusterId },
  annotations: 'read-only',
  handler: runsTp((args) => tpArgv.clusterInfo({ clusterId: args.cluster_id })),
});

const clusterDestroy = defineTool({
  name: 'cluster_destroy',
  core: true,
  toolset: 'clusters',
  runs: 'tp',
  title: 'Destroy a cluster',
  description: 'Destroy a cluster and its disks; billing stops. Irreversible.',
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
  description: 'Rename a cluster or set its deletion protection.',
  inputSchema: { cluster_id: clusterId, name: clusterName, deletion_protection: deletionProtection, confirm },
  approval: {
    sensitive: (args) =>
      args.deletion_protection === false
        ? `turning off deletion protection of cluster ${args.cluster_id}, which lets it be destroyed`
        : undefined,
  },
  annotations: 'destructive',
  handler: runsTp((args) =>
    tpArgv.clusterEdit({ clusterId: args.cluster_id, name: args.name, deletionProtection: args.deletion_protection }),
  ),
});

const clusterAttachStorage = defineTool({
  name: 'cluster_attach_storage',
  core: true,
  toolset: 'clusters',
  runs: 'tp',
  title: 'Attach storage',
  description: 'Attach a READY volume to a cluster.',
  inputSchema: { cluster_id: clusterId, storage_id: storageId, wait: wait.describe('Wait until attached (tp 0.0.7+)') },
  annotations: 'idempotent-edit',
  handler: runsTp((args, generation) =>
    tpArgv.clusterAttach({ clusterId: args.cluster_id, storageId: args.storage_id, wait: args.wait }, generation),
  ),
});

const clusterDetachStorage = defineTool({
  name: 'cluster_detach_storage',
  toolset: 'clusters',
  runs: 'tp',
  title: 'Detach storage',
  description: 'Detach a volume from a cluster; writes to it fail.',
  inputSchema: {
    cluster_id: clusterId,
    storage_id: storageId,
    confirm,
    wait: wait.describe('Wait until detached (tp 0.0.7+)'),
  },
  approval: {
    irreversible: (args) =>
      `detaching volume ${args.storage_id} from cluster ${args.cluster_id} while it may be in use`,
  },
  annotations: 'destructive',
  handler: runsTp((args, generation) =>
    tpArgv.clusterDetach({ clusterId: args.cluster_id, storageId: args.storage_id, wait: args.wait }, generation),
  ),
});

export const clusterTools = [
  clusterCreate,
  clusterList,
  clusterInfo,
  clusterDestroy,
  clusterEdit,
  clusterAttachStorage,
  clusterDetachStorage,
];
