import { publicKeyText, withPublicKeyFile } from '../files/ssh-key.js';
import { tpToolResult } from '../shape/shape.js';
import { listResult } from '../shape/list-result.js';
import { defineTool, runsTp } from '../registry/tool.js';
import { tpArgv } from '../tp/commands.js';
import { confirm, keyId, org, sshKeyName, publicKey } from './fields.js';

const accountMe = defineTool({
  name: 'account_me',
  toolset: 'account',
  runs: 'tp',
  title: 'Show the account',
  description: "The API key's account: user, organization, credit (`tp me`); checks the key works.",
  inputSchema: {},
  annotations: 'read-only',
  handler: runsTp(() => tpArgv.accountMe()),
});

const sshKeyAdd = defineTool({
  name: 'ssh_key_add',
  toolset: 'account',
  runs: 'tp',
  title: 'Save an SSH key',
  description: 'Save a public key on the account: new clusters accept it without ssh_public_key. Returns key_id.',
  inputSchema: {
    public_key: publicKey('public_key').describe("A .pub file's path or its line"),
    name: sshKeyName,
    confirm,
  },
  approval: {
    sensitive: (args) =>
      `saving an SSH key${args.name ? ` named ${args.name}` : ''} on the account, which lets its holder log in to ` +
      `every new cluster until it is removed`,
  },
  annotations: 'create',
  handler: async (args, { tp, runtime, signal }) => {
    const key = publicKeyText('public_key', args.public_key, runtime.files.allowedDirs);
    return tpToolResult(
      await withPublicKeyFile(key, (keyPath) => tp.run(tpArgv.sshKeyAdd({ keyPath, name: args.name }), { signal })),
    );
  },
});

const sshKeyList = defineTool({
  name: 'ssh_key_list',
  toolset: 'account',
  runs: 'tp',
  title: 'List SSH keys',
  description: "List the account's SSH keys (`tp me sshkey list`). Returns key_ids.",
  inputSchema: { org },
  annotations: 'read-only',
  handler: async (args, { tp, signal }) =>
    listResult('keys', await tp.run(tpArgv.sshKeyList({ org: args.org }), { signal })),
});

const sshKeyRemove = defineTool({
  name: 'ssh_key_remove',
  toolset: 'account',
  runs: 'tp',
  title: 'Remove an SSH key',
  description:
    'Remove a saved key (`tp me sshkey remove`); new clusters stop accepting it. confirm=true after the user agrees.',
  inputSchema: { key_id: keyId, confirm },
  approval: { irreversible: (args) => `removing SSH key ${args.key_id} from the account` },
  annotations: 'destructive',
  handler: runsTp((args) => tpArgv.sshKeyRemove({ keyId: args.key_id })),
});

export const accountTools = [accountMe, sshKeyAdd, sshKeyList, sshKeyRemove];
