import { withPublicKeyFile } from '../files/ssh-key.js';
import { tpToolResult } from '../registry/results.js';
import { defineTool, runsTp } from '../registry/tool.js';
import { tpArgv } from '../tp/commands.js';
import { confirm, keyId, org, sshKeyName, publicKey } from './fields.js';

const accountMe = defineTool({
  name: 'account_me',
  toolset: 'account',
  runs: 'tp',
  title: 'Show the TensorPool account',
  description: 'Show the account the API key belongs to: user, organization and credit (`tp me`). A quick check that the key works.',
  inputSchema: {},
  annotations: 'read-only',
  handler: runsTp(() => tpArgv.accountMe()),
});

const sshKeyAdd = defineTool({
  name: 'ssh_key_add',
  toolset: 'account',
  runs: 'tp',
  title: 'Save an SSH public key on the account',
  description:
    'Save an SSH public key on the TensorPool account (`tp me sshkey add`), so new clusters accept it without ssh_public_key.',
  inputSchema: {
    public_key: publicKey('public_key').describe('OpenSSH public key, one line such as "ssh-ed25519 AAAA... me@laptop" (the .pub file, never the private key)'),
    name: sshKeyName,
  },
  annotations: 'create',
  handler: async (args, { tp, signal }) =>
    tpToolResult(await withPublicKeyFile(args.public_key, (keyPath) => tp.run(tpArgv.sshKeyAdd({ keyPath, name: args.name }), { signal }))),
});

const sshKeyList = defineTool({
  name: 'ssh_key_list',
  toolset: 'account',
  runs: 'tp',
  title: 'List saved SSH keys',
  description: 'List the SSH public keys saved on the account, with their ids (`tp me sshkey list`).',
  inputSchema: { org },
  annotations: 'read-only',
  handler: runsTp((args) => tpArgv.sshKeyList({ org: args.org })),
});

const sshKeyRemove = defineTool({
  name: 'ssh_key_remove',
  toolset: 'account',
  runs: 'tp',
  title: 'Remove a saved SSH key',
  description:
    'Remove an SSH key from the account (`tp me sshkey remove`); tp itself does not ask. New clusters stop accepting it. ' +
    'Ask the user first, then call with confirm=true.',
  inputSchema: { key_id: keyId, confirm },
  approval: { irreversible: (args) => `removing SSH key ${args.key_id} from the account` },
  annotations: 'destructive',
  handler: runsTp((args) => tpArgv.sshKeyRemove({ keyId: args.key_id })),
});

export const accountTools = [accountMe, sshKeyAdd, sshKeyList, sshKeyRemove];
