import { maskSecretLines, tpToolResult } from '../registry/results.js';
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
    'Enable S3-compatible object storage for the account (`tp object-storage enable`). tp prints the access keys; ' +
    'the secret is masked unless the server runs with --allow-secrets.',
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
    'Disable object storage for the account (`tp object-storage disable`); tp itself does not ask, and buckets become unreachable. ' +
    'Ask the user first, then call with confirm=true.',
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
  description: 'Show the S3 access key, SECRET key, endpoint and region (`tp object-storage credentials`). Registered only with --allow-secrets.',
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
    "Write the object storage remote, with its secret key, into the server user's ~/.config/rclone/rclone.conf " +
    '(`tp object-storage configure rclone`), replacing a section of the same name. Registered only with --allow-secrets.',
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
  description: 'List the object storage buckets (`tp object-storage bucket list`).',
  inputSchema: {},
  annotations: 'read-only',
  handler: runsTp(() => tpArgv.bucketList()),
});

const bucketCreate = defineTool({
  name: 'object_storage_bucket_create',
  toolset: 'object_storage',
  runs: 'tp',
  since: '0.0.9',
  title: 'Create a bucket',
  description: 'Create an object storage bucket (`tp object-storage bucket create`).',
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
    'Delete an object storage bucket (`tp object-storage bucket delete`); tp itself does not ask. Ask the user first, then call with confirm=true.',
  inputSchema: { bucket_name: bucketName, confirm },
  approval: { irreversible: (args) => `deleting bucket ${args.bucket_name} and its objects` },
  annotations: 'destructive',
  handler: runsTp((args) => tpArgv.bucketDelete({ bucketName: args.bucket_name })),
});

export const objectStorageTools = [enable, disable, credentials, configureRclone, bucketList, bucketCreate, bucketDelete];
