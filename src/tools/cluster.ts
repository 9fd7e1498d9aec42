import { z } from 'zod';
import { withPublicKeyFile } from '../files/ssh-key.js';
import { defineTool } from '../registry/tool.js';
import { errorResult, tpOutputSchema, tpToolResult } from '../registry/results.js';
import { tpArgv } from '../tp/commands.js';
import { clusterId, clusterName, confirm, instanceType, org, sshPublicKey, wait } from './fields.js';

const clusterCreate = defineTool({
  name: 'cluster_create',
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
  },
  outputSchema: tpOutputSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  handler: async (args, { tp, signal }) => {
    const run = (publicKeyPath?: string) =>
      tp.run(
        tpArgv.clusterCreate({ instanceType: args.instance_type, publicKeyPath, numNodes: args.num_nodes, name: args.name }),
        { signal },
      );
    const result = args.ssh_public_key ? await withPublicKeyFile(args.ssh_public_key, run) : await run();
    return tpToolResult(result);
  },
});

const clusterList = defineTool({
  name: 'cluster_list',
  title: 'List clusters',
  description: 'List your TensorPool clusters with their ids, instance types and status (`tp cluster list`).',
  inputSchema: { org },
  outputSchema: tpOutputSchema,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, { tp, signal }) => tpToolResult(await tp.run(tpArgv.clusterList({ org: args.org }), { signal })),
});

const clusterInfo = defineTool({
  name: 'cluster_info',
  title: 'Show a cluster',
  description: 'Show one cluster: status, nodes, instance type, attached storage and SSH connection details (`tp cluster info`).',
  inputSchema: { cluster_id: clusterId },
  outputSchema: tpOutputSchema,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, { tp, signal }) =>
    tpToolResult(await tp.run(tpArgv.clusterInfo({ clusterId: args.cluster_id }), { signal })),
});

const clusterDestroy = defineTool({
  name: 'cluster_destroy',
  title: 'Destroy a cluster',
  description:
    'Destroy a cluster and everything on its local disks (`tp cluster destroy`). Irreversible. ' +
    'Ask the user first, then call with confirm=true; without it nothing happens.',
  inputSchema: { cluster_id: clusterId, confirm, wait },
  outputSchema: tpOutputSchema,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  handler: async (args, { tp, signal }) => {
    if (!args.confirm) {
      return errorResult(
        `Not destroyed: destroying cluster ${args.cluster_id} is irreversible. Ask the user, then call cluster_destroy again with confirm=true.`,
      );
    }
    return tpToolResult(await tp.run(tpArgv.clusterDestroy({ clusterId: args.cluster_id, wait: args.wait }), { signal }));
  },
});

export const clusterTools = [clusterCreate, clusterList, clusterInfo, clusterDestroy];
