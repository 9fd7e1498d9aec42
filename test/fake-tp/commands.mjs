// @ts-check
// The command table of each `tp` generation (docs/tp-cli.md §2), as argparse would be told it.
// Options are listed in the order argparse shows them in usage lines; the usage lines in
// test/reference/tp-usage/ are checked against this table by fake-tp.test.ts.

export const GENERATIONS = /** @type {const} */ (['0.0.6', '0.0.7', '0.0.8', '0.0.9']);
/** @typedef {(typeof GENERATIONS)[number]} Generation */

/**
 * @param {string} value
 * @returns {value is Generation}
 */
export const isGeneration = (value) => /** @type {readonly string[]} */ (GENERATIONS).includes(value);

/**
 * An option or positional. `nargs` as argparse spells it: 0 for a flag, 1 for one value, '*' for any
 * number, 'remainder' for everything that follows.
 * @typedef {object} ArgSpec
 * @property {string[]} [names]  option strings (`-n`, `--num-nodes`); absent for a positional
 * @property {string} [dest]     namespace key; derived from the first long option when absent
 * @property {0 | 1 | '*' | 'remainder'} nargs
 * @property {'int'} [type]
 * @property {boolean} [required]
 * @property {'help' | 'version'} [action]
 */

/**
 * What a group does when given no subcommand. 'help': prints its usage before any key lookup;
 * 'auth-help': looks up the key and checks health first, then prints usage; 'run': the group is
 * itself a command (`tp me`).
 * @typedef {'help' | 'auth-help' | 'run'} BareBehaviour
 */

/**
 * A command, or a group of commands.
 * @typedef {object} CommandNode
 * @property {string} help        one-line description, as in `--help`
 * @property {ArgSpec[]} options
 * @property {ArgSpec[]} [positionals]
 * @property {string[]} aliases
 * @property {Record<string, CommandNode>} [children]
 * @property {BareBehaviour} [bare]
 */

/** @type {(names: string, more?: Partial<ArgSpec>) => ArgSpec} */
const flag = (names, more) => ({ names: names.split('/'), nargs: 0, ...more });
/** @type {(names: string, more?: Partial<ArgSpec>) => ArgSpec} */
const option = (names, more) => ({ names: names.split('/'), nargs: 1, ...more });
/** @type {(dest: string, more?: Partial<ArgSpec>) => ArgSpec} */
const arg = (dest, more) => ({ dest, nargs: 1, ...more });
/** @type {(help: string, options?: ArgSpec[], positionals?: ArgSpec[], aliases?: string[]) => CommandNode} */
const cmd = (help, options = [], positionals = [], aliases = []) => ({ help, options, positionals, aliases });
/**
 * @type {(help: string, bare: BareBehaviour, children: Record<string, CommandNode>, options?: ArgSpec[]) =>
 * CommandNode}
 */
const group = (help, bare, children, options = []) => ({ help, bare, children, options, aliases: [] });

/**
 * The whole `tp` command tree of one generation.
 * @param {Generation} gen
 * @returns {CommandNode}
 */
export function commandTable(gen) {
  const v6 = gen === '0.0.6';
  const v9 = gen === '0.0.9';
  const noInput = flag('--no-input');
  const wait = flag('--wait');
  const org = flag('--org/--organization');
  const name = option('--name');
  const protection = flag('--deletion-protection');
  const protectionValue = option('--deletion-protection'); // true only for true/1/yes
  const size = option('-s/--size', { type: 'int' });
  const publicKey = option('-i/--public-key');
  const numNodes = option('-n/--num-nodes', { type: 'int' });
  // 0.0.9 prints a group's usage before looking for a key; earlier generations authenticate first
  const groupBare = v9 ? 'help' : 'auth-help';
  const top = [flag('--no-input'), flag('-v/--version', { action: 'version' })];

  return group(
    'TensorPool is the easiest way to use cloud GPUs.',
    v6 ? 'auth-help' : 'help',
    {
      cluster: group('Manage clusters', groupBare, {
        create: v6
          ? cmd('Create a new cluster', [
              publicKey,
              option('-t/--instance-type', { required: true }),
              name,
              numNodes,
              protection,
              noInput,
              wait,
            ])
          : cmd(
              'Create a new cluster',
              [
                publicKey,
                name,
                numNodes,
                protection,
                wait,
                option(gen === '0.0.7' ? '--experimental-container' : '--container'),
              ],
              [arg('instance_type')],
            ),
        destroy: cmd('Destroy a cluster', [noInput, wait], [arg('cluster_id')], ['rm']),
        list: cmd('List clusters', v6 ? [org] : [org, flag('--instances')], [], ['ls']),
        info: cmd('Show cluster details', [], [arg('cluster_id')]),
        edit: cmd('Edit a cluster', [name, protectionValue], [arg('cluster_id')]),
        attach: cmd(
          'Attach a storage volume to a cluster',
          [v6 ? noInput : wait],
          [arg('cluster_id'), arg('storage_id')],
        ),
        detach: cmd(
          'Detach a storage volume from a cluster',
          [v6 ? noInput : wait],
          [arg('cluster_id'), arg('storage_id')],
        ),
      }),
      storage: group('Manage storage volumes', groupBare, {
        create: v6
          ? cmd('Create a storage volume', [option('-t/--type', { required: true }), size, name, protection, noInput])
          : v9
            ? cmd('Create a storage volume', [name, protection, wait], [arg('size', { type: 'int' })])
            : cmd('Create a storage volume', [size, name, protection, wait], [arg('volume_type')]),
        destroy: cmd('Destroy a storage volume', v6 ? [noInput] : [noInput, wait], [arg('storage_id')], ['rm']),
        list: cmd('List storage volumes', [org], [], ['ls']),
        info: cmd('Show storage volume details', [], [arg('storage_id')]),
        edit: cmd('Edit a storage volume', [name, protectionValue, size], [arg('storage_id')]),
      }),
      ...(v9
        ? {
            'object-storage': group('Manage object storage', 'help', {
              enable: cmd('Enable object storage'),
              disable: cmd('Disable object storage'),
              credentials: cmd('Show object storage credentials'),
              configure: group('Configure a client for object storage', 'auth-help', {
                rclone: cmd('Configure rclone'),
              }),
              bucket: group('Manage buckets', 'auth-help', {
                list: cmd('List buckets', [], [], ['ls']),
                create: cmd('Create a bucket', [], [arg('bucket_name')]),
                delete: cmd('Delete a bucket', [], [arg('bucket_name')], ['rm']),
              }),
            }),
          }
        : {}),
      job: group('Manage jobs', groupBare, {
        init: cmd('Create a job configuration file'),
        push: v6
          ? cmd('Submit a job', [], [arg('tp_config_path')])
          : cmd('Submit a job', [flag('--teardown')], [arg('tp_config_path'), arg('cluster_id')]),
        list: cmd('List jobs', [org], [], ['ls']),
        info: cmd('Show job details', [], [arg('job_id')]),
        cancel: cmd('Cancel a job', v6 ? [wait] : [wait, noInput], [arg('job_id')]),
        ...(v6 ? {} : { delete: cmd('Delete a job', [noInput], [arg('job_id')]) }),
        listen: cmd("Stream a job's output", [], [arg('job_id')]),
        pull: cmd(
          "Download a job's outputs",
          v6
            ? [option('-i/--private-key'), option('--path', { nargs: '*' }), flag('--force')]
            : [option('-i/--private-key'), flag('--force')],
          [arg('job_id')],
        ),
      }),
      ssh: cmd('SSH into an instance', [], [arg('instance_id'), arg('ssh_args', { nargs: 'remainder' })]),
      me: group('Show account information', 'run', {
        sshkey: group('Manage SSH keys', 'auth-help', {
          add: cmd('Add an SSH public key', [name], [arg('key_path')]),
          list: cmd('List SSH keys', [org], [], ['ls']),
          remove: cmd('Remove an SSH key', [], [arg('key_id')], ['rm']),
        }),
        preferences: cmd('Open your preferences'),
      }),
    },
    top,
  );
}
