import { tpToolResult } from '../registry/results.js';
import { defineTool, runsTp } from '../registry/tool.js';
import { tpArgv } from '../tp/commands.js';
import { billingConfirm, confirm, deletionProtection, org, sizeGb, storageId, storageName, volumeType, wait } from './fields.js';

const storageCreate = defineTool({
  name: 'storage_create',
  toolset: 'storage',
  runs: 'tp',
  title: 'Create a storage volume',
  description:
    'Create a persistent storage volume that clusters can attach (`tp storage create`); it bills until destroyed. ' +
    'tp 0.0.9 needs size_gb; tp 0.0.6 to 0.0.8 need volume_type ("fast" or "flex") and take size_gb optionally.',
  inputSchema: {
    size_gb: sizeGb('size_gb', 'Size in GB: required by tp 0.0.9, optional before').optional(),
    name: storageName,
    deletion_protection: deletionProtection.describe('Protect the volume from being destroyed'),
    wait: wait.describe('Wait until the volume is ready (tp 0.0.7 and newer)'),
    volume_type: volumeType,
    confirm: billingConfirm,
  },
  approval: {
    billing: (args) =>
      `creating a storage volume${args.size_gb ? ` of ${args.size_gb} GB` : ''}${args.volume_type ? ` (${args.volume_type})` : ''}${args.name ? ` named ${args.name}` : ''}`,
  },
  spends: (args) => ({ storageGb: args.size_gb ?? 'unsized' }),
  annotations: 'create',
  handler: async (args, { tp, generation, signal }) => {
    const argv = tpArgv.storageCreate(
      { sizeGb: args.size_gb, volumeType: args.volume_type, name: args.name, deletionProtection: args.deletion_protection, wait: args.wait },
      generation,
    );
    return tpToolResult(await tp.run(argv, { signal }));
  },
});

const storageList = defineTool({
  name: 'storage_list',
  toolset: 'storage',
  runs: 'tp',
  title: 'List storage volumes',
  description: 'List your storage volumes with ids, sizes and attachments (`tp storage list`).',
  inputSchema: { org },
  annotations: 'read-only',
  handler: runsTp((args) => tpArgv.storageList({ org: args.org })),
});

const storageInfo = defineTool({
  name: 'storage_info',
  toolset: 'storage',
  runs: 'tp',
  title: 'Show a storage volume',
  description: 'Show one storage volume: size, type, status and the clusters it is attached to (`tp storage info`).',
  inputSchema: { storage_id: storageId },
  annotations: 'read-only',
  handler: runsTp((args) => tpArgv.storageInfo({ storageId: args.storage_id })),
});

const storageEdit = defineTool({
  name: 'storage_edit',
  toolset: 'storage',
  runs: 'tp',
  title: 'Rename, protect or grow a storage volume',
  description:
    "Change a volume's name, deletion protection or size (`tp storage edit`; size can only grow, and a larger volume bills more). " +
    'Turning protection off makes the volume destroyable: ask the user first.',
  inputSchema: {
    storage_id: storageId,
    name: storageName.describe('New display name'),
    deletion_protection: deletionProtection,
    size_gb: sizeGb('size_gb', 'New size in GB; larger than the current size').optional(),
  },
  annotations: 'destructive',
  spends: (args) => ({ storageGb: args.size_gb }),
  handler: async (args, { tp, signal }) => {
    const argv = tpArgv.storageEdit({ storageId: args.storage_id, name: args.name, deletionProtection: args.deletion_protection, sizeGb: args.size_gb });
    return tpToolResult(await tp.run(argv, { signal }));
  },
});

const storageDestroy = defineTool({
  name: 'storage_destroy',
  toolset: 'storage',
  runs: 'tp',
  title: 'Destroy a storage volume',
  description:
    'Destroy a storage volume and all data on it (`tp storage destroy`). Irreversible. Ask the user first, then call with confirm=true.',
  inputSchema: { storage_id: storageId, confirm, wait: wait.describe('Wait until destroyed (tp 0.0.7 and newer)') },
  approval: { irreversible: (args) => `destroying volume ${args.storage_id} and all data on it` },
  annotations: 'destructive',
  handler: runsTp((args, generation) => tpArgv.storageDestroy({ storageId: args.storage_id, wait: args.wait }, generation)),
});

export const storageTools = [storageCreate, storageList, storageInfo, storageEdit, storageDestroy];
