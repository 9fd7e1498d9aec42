import { listResult } from '../shape/list-result.js';
import { defineTool, runsTp } from '../registry/tool.js';
import { tpArgv } from '../tp/commands.js';
import {
  billingConfirm,
  confirm,
  deletionProtection,
  org,
  sizeGb,
  storageId,
  storageName,
  volumeType,
  wait,
} from './fields.js';

const storageCreate = defineTool({
  name: 'storage_create',
  core: true,
  toolset: 'storage',
  runs: 'tp',
  title: 'Create a storage volume',
  description:
    'Create a volume; bills until storage_destroy. Attachable once READY: wait=true returns then, else check ' +
    'storage_list.',
  inputSchema: {
    size_gb: sizeGb('size_gb', 'GB; required by tp 0.0.9').optional(),
    name: storageName,
    deletion_protection: deletionProtection.describe('Block destroy'),
    wait: wait.describe('Return once READY'),
    volume_type: volumeType,
    confirm: billingConfirm,
  },
  approval: {
    billing: (args) =>
      'creating a storage volume' +
      (args.size_gb ? ` of ${args.size_gb} GB` : '') +
      (args.volume_type ? ` (${args.volume_type})` : '') +
      (args.name ? ` named ${args.name}` : ''),
  },
  spends: (args) => ({ storageGb: args.size_gb ?? 'unsized' }),
  annotations: 'create',
  handler: runsTp((args, generation) =>
    tpArgv.storageCreate(
      {
        sizeGb: args.size_gb,
        volumeType: args.volume_type,
        name: args.name,
        deletionProtection: args.deletion_protection,
        wait: args.wait,
      },
      generation,
    ),
  ),
});

const storageList = defineTool({
  name: 'storage_list',
  core: true,
  toolset: 'storage',
  runs: 'tp',
  title: 'List storage volumes',
  description: 'Volumes as rows: id, name, size_gb, status, attached_to.',
  inputSchema: { org },
  annotations: 'read-only',
  handler: async (args, { tp, signal }) =>
    listResult('volumes', await tp.run(tpArgv.storageList({ org: args.org }), { signal })),
});

const storageInfo = defineTool({
  name: 'storage_info',
  toolset: 'storage',
  runs: 'tp',
  title: 'Show a storage volume',
  description: 'One volume: size, type, status, clusters.',
  inputSchema: { storage_id: storageId },
  annotations: 'read-only',
  handler: runsTp((args) => tpArgv.storageInfo({ storageId: args.storage_id })),
});

const storageEdit = defineTool({
  name: 'storage_edit',
  core: true,
  toolset: 'storage',
  runs: 'tp',
  title: 'Edit a storage volume',
  description: 'Rename, protect or grow a volume (growing bills more).',
  inputSchema: {
    storage_id: storageId,
    name: storageName,
    deletion_protection: deletionProtection,
    size_gb: sizeGb('size_gb', 'New, larger size').optional(),
    confirm,
  },
  approval: {
    sensitive: (args) =>
      args.deletion_protection === false
        ? `turning off deletion protection of volume ${args.storage_id}, which lets it be destroyed with its data`
        : undefined,
    billing: (args) =>
      args.size_gb === undefined ? undefined : `growing volume ${args.storage_id} to ${args.size_gb} GB`,
  },
  annotations: 'destructive',
  spends: (args) => ({ storageGb: args.size_gb }),
  handler: runsTp((args) =>
    tpArgv.storageEdit({
      storageId: args.storage_id,
      name: args.name,
      deletionProtection: args.deletion_protection,
      sizeGb: args.size_gb,
    }),
  ),
});

const storageDestroy = defineTool({
  name: 'storage_destroy',
  toolset: 'storage',
  runs: 'tp',
  title: 'Destroy a storage volume',
  description: 'Destroy a volume and its data. Irreversible.',
  inputSchema: { storage_id: storageId, confirm, wait: wait.describe('Wait until destroyed (tp 0.0.7+)') },
  approval: { irreversible: (args) => `destroying volume ${args.storage_id} and all data on it` },
  annotations: 'destructive',
  handler: runsTp((args, generation) =>
    tpArgv.storageDestroy({ storageId: args.storage_id, wait: args.wait }, generation),
  ),
});

export const storageTools = [storageCreate, storageList, storageInfo, storageEdit, storageDestroy];
