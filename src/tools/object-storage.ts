import { maskSecretLines, tpToolResult } from '../shape/shape.js';
import { listResult } from '../shape/list-result.js';
import { defineTool, runsTp } from '../registry/tool.js';
import { tpArgv } from '../tp/commands.js';
import { bucketName, confirm } from './fields.js';

const enable = defineTool({
  name: 'object_storage_enable',
  toolset: 'object_storage',
  runs: 'tp',
  secrets: 'masked',
  since: '0.0.9',
  title: 'Enable object storage',
  description:
    'Enable S3-compatible object storage (`tp object-storage enable`); the secret key it prints is masked without ' +
    '--allow-secrets.',
  inputSchema: {},
  annotations: 'idempotent-edit',
  handler: async (_args, { tp, config, signal }) => {
    const result = await tp.run(tpArgv.objectStorageEnable(), { signal });
    return tpToolResult(config.allowSecrets ? result : maskSecretLines(result));
  },
});

const disable = defineTool({
  name: 'object_storage_disable',
  toolset: 'object_storage',
  runs: 'tp',
  since: '0.0.9',
  title: 'Disable object storage',
  description:
    'Disable object storage (`tp object-storage disable`); buckets become unreachable. confirm=true after the user ' +
    'agrees.',
  inputSchema: { confirm },
  approval: { irreversible: () => 'disabling object storage for the account' },
  annotations: 'destructive',
  handler: runsTp(() => tpArgv.objectStorageDisable()),
});

const credentials = defineTool({
  name: 'object_storage_credentials',
  toolset: 'object_storage',
  runs: 'tp',
  since: '0.0.9',
  secrets: 'shown',
  title: 'Show object storage credentials',
  description: 'The S3 access key, SECRET key, endpoint and region (`tp object-storage credentials`).',
  inputSchema: {},
  annotations: 'read-only',
  handler: runsTp(() => tpArgv.objectStorageCredentials()),
});

const configureRclone = defineTool({
  name: 'object_storage_configure_rclone',
  toolset: 'object_storage',
  runs: 'tp',
  since: '0.0.9',
  secrets: 'shown',
  title: 'Configure rclone for object storage',
  description:
    "Write the object storage remote, secret included, into the server user's ~/.config/rclone/rclone.conf, " +
    'replacing a same-named section ' +
    '(`tp object-storage configure rclone`).',
  inputSchema: {},
  annotations: 'destructive',
  handler: runsTp(() => tpArgv.objectStorageConfigureRclone()),
});

const bucketList = defineTool({
  name: 'object_storage_bucket_list',
  toolset: 'object_storage',
  runs: 'tp',
  since: '0.0.9',
  title: 'List buckets',
  description: 'List buckets (`tp object-storage bucket list`).',
  inputSchema: {},
  annotations: 'read-only',
  handler: async (_args, { tp, signal }) => listResult('buckets', await tp.run(tpArgv.bucketList(), { signal })),
});

const bucketCreate = defineTool({
  name: 'object_storage_bucket_create',
  toolset: 'object_storage',
  runs: 'tp',
  since: '0.0.9',
  title: 'Create a bucket',
  description: 'Create a bucket (`tp object-storage bucket create`).',
  inputSchema: { bucket_name: bucketName },
  annotations: 'create',
  handler: runsTp((args) => tpArgv.bucketCreate({ bucketName: args.bucket_name })),
});

const bucketDelete = defineTool({
  name: 'object_storage_bucket_delete',
  toolset: 'object_storage',
  runs: 'tp',
  since: '0.0.9',
  title: 'Delete a bucket',
  description:
    'Delete a bucket and its objects (`tp object-storage bucket delete`). confirm=true after the user agrees.',
  inputSchema: { bucket_name: bucketName, confirm },
  approval: { irreversible: (args) => `deleting bucket ${args.bucket_name} and its objects` },
  annotations: 'destructive',
  handler: runsTp((args) => tpArgv.bucketDelete({ bucketName: args.bucket_name })),
});

export const objectStorageTools = [
  enable,
  disable,
  credentials,
  configureRclone,
  bucketList,
  bucketCreate,
  bucketDelete,
];
