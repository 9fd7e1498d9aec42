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
    'Create a persistent volume for clusters (`tp storage create`); it bills until storage_destroy. ' +
    'Returns storage_id; next cluster_attach_storage.',
  inputSchema: {
    size_gb: sizeGb('size_gb', 'Required by tp 0.0.9').optional(),
    name: storageName,
    deletion_protection: deletionProtection.describe('Block destroy'),
    wait: wait.describe('Wait until ready (tp 0.0.7+)'),
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
  description: 'List storage volumes: ids, sizes, attachments (`tp storage list`). Returns storage_ids.',
  inputSchema: { org },
  annotations: 'read-only',
  handler: runsTp((args) => tpArgv.storageList({ org: args.org })),
});

const storageInfo = defineTool({
  name: 'storage_info',
  toolset: 'storage',
  runs: 'tp',
  title: 'Show a storage volume',
  description: 'One volume: size, type, status, clusters (`tp storage info`).',
  inputSchema: { storage_id: storageId },
  annotations: 'read-only',
  handler: runsTp((args) => tpArgv.storageInfo({ storageId: args.storage_id })),
});

const storageEdit = defineTool({
  name: 'storage_edit',
  toolset: 'storage',
  runs: 'tp',
  title: 'Edit a storage volume',
  description:
    'Rename, protect or grow a volume (`tp storage edit`; bigger bills more). Turning protection off needs confirm=true after the user agrees; ' +
    'so does growing, unless --no-confirm-creates.',
  inputSchema: {
    storage_id: storageId,
    name: storageName,
    deletion_protection: deletionProtection,
    size_gb: sizeGb('size_gb', 'New size, larger than now').optional(),
    confirm,
  },
  approval: {
    sensitive: (args) =>
      args.deletion_protection === false ? `turning off deletion protection of volume ${args.storage_id}, which lets it be destroyed with its data` : undefined,
    billing: (args) => (args.size_gb === undefined ? undefined : `growing volume ${args.storage_id} to ${args.size_gb} GB`),
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
  description: 'Destroy a volume and its data (`tp storage destroy`). Irreversible: confirm=true after the user agrees.',
  inputSchema: { storage_id: storageId, confirm, wait: wait.describe('Wait until destroyed (tp 0.0.7+)') },
  approval: { irreversible: (args) => `destroying volume ${args.storage_id} and all data on it` },
  annotations: 'destructive',
  handler: runsTp((args, generation) => tpArgv.storageDestroy({ storageId: args.storage_id, wait: args.wait }, generation)),
});

export const storageTools = [storageCreate, storageList, storageInfo, storageEdit, storageDestroy];
