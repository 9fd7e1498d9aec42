import { ToolError } from '../errors.js';
import { atLeast, requireAtLeast, unsupported, type Generation } from './generation.js';

/**
 * argv for every `tp` command and CLI generation, in one place (docs/tp-cli.md §2 and test/reference/tp-usage/).
 * - Option values go as `--flag=value`, so argparse cannot read a value as another option.
 * - `--no-input` fails any prompt fast instead of waiting for an answer, and appears exactly once:
 *   after the subcommand where the command has its own (0.0.6 resets the global flag there, 0.0.7+ ORs
 *   the two, docs/tp-cli.md §4), else as the global flag before the group. Results show argv exactly as tp got it.
 * - A parameter the generation lacks throws an UnsupportedError before anything runs.
 */

/** Defence in depth behind the schemas: a positional starting with '-' would be parsed as an option. */
function positional(value: string): string {
  if (value.length === 0 || value.startsWith('-'))
    throw new ToolError(`Refusing to pass "${value.slice(0, 40)}" to tp as an argument.`);
  return value;
}

function when(condition: boolean | undefined, ...args: string[]): string[] {
  return condition ? args : [];
}

function option(name: string, value: string | number | boolean | undefined): string[] {
  return value === undefined ? [] : [`--${name}=${value}`];
}

const NO_INPUT = '--no-input';
/** A command's argv with one `--no-input`: its own where it has one, else the global flag. */
const command = (...words: string[]) => (words.includes(NO_INPUT) ? words : [NO_INPUT, ...words]);

function waitOption(
  what: string,
  generation: Generation,
  wait: boolean | undefined,
  minimum: Generation = '0.0.7',
): string[] {
  if (!wait) return [];
  requireAtLeast(`${what} with wait=true`, generation, minimum);
  return ['--wait'];
}

export interface ClusterCreateArgs {
  instanceType: string;
  publicKeyPath?: string;
  numNodes?: number;
  name?: string;
  deletionProtection?: boolean;
  container?: string;
  wait?: boolean;
}

export interface StorageCreateArgs {
  sizeGb?: number;
  volumeType?: string;
  name?: string;
  deletionProtection?: boolean;
  wait?: boolean;
}

interface AttachArgs {
  clusterId: string;
  storageId: string;
  wait?: boolean;
}

function attachOrDetach(verb: 'attach' | 'detach', tool: string, a: AttachArgs, generation: Generation): string[] {
  const flags = atLeast(generation, '0.0.7')
    ? waitOption(tool, generation, a.wait)
    : [NO_INPUT, ...waitOption(tool, generation, a.wait)];
  return command('cluster', verb, ...flags, positional(a.clusterId), positional(a.storageId));
}

export const tpArgv = {
  clusterCreate(a: ClusterCreateArgs, generation: Generation): string[] {
    const common = [
      ...option('public-key', a.publicKeyPath),
      ...option('name', a.name),
      ...option('num-nodes', a.numNodes),
      ...when(a.deletionProtection, '--deletion-protection'),
    ];
    if (!atLeast(generation, '0.0.7')) {
      if (a.container !== undefined) throw unsupported('cluster_create with container', generation, '0.0.7 or newer');
      return command(
        'cluster',
        'create',
        ...common,
        `--instance-type=${a.instanceType}`,
        NO_INPUT,
        ...when(a.wait, '--wait'),
      );
    }
    const containerFlag = generation === '0.0.7' ? 'experimental-container' : 'container';
    return command(
      'cluster',
      'create',
      ...common,
      ...when(a.wait, '--wait'),
      ...option(containerFlag, a.container),
      positional(a.instanceType),
    );
  },
  clusterList(a: { org: boolean; instances?: boolean }, generation: Generation): string[] {
    if (a.instances) requireAtLeast('cluster_list with instances=true', generation, '0.0.7');
    return command('cluster', 'list', ...when(a.org, '--org'), ...when(a.instances, '--instances'));
  },
  clusterInfo: (a: { clusterId: string }) => command('cluster', 'info', positional(a.clusterId)),
  clusterDestroy: (a: { clusterId: string; wait: boolean }) =>
    command('cluster', 'destroy', NO_INPUT, ...when(a.wait, '--wait'), positional(a.clusterId)),
  clusterEdit(a: { clusterId: string; name?: string; deletionProtection?: boolean }): string[] {
    if (a.name === undefined && a.deletionProtection === undefined) {
      throw new ToolError('cluster_edit needs name or deletion_protection: there is nothing to change otherwise.');
    }
    // tp reads any word but true/1/yes as false, so only ever send the two exact words
    return command(
      'cluster',
      'edit',
      ...option('name', a.name),
      ...option('deletion-protection', a.deletionProtection),
      positional(a.clusterId),
    );
  },
  clusterAttach: (a: AttachArgs, generation: Generation) =>
    attachOrDetach('attach', 'cluster_attach_storage', a, generation),
  clusterDetach: (a: AttachArgs, generation: Generation) =>
    attachOrDetach('detach', 'cluster_detach_storage', a, generation),

  storageCreate(a: StorageCreateArgs, generation: Generation): string[] {
    const common = [...option('name', a.name), ...when(a.deletionProtection, '--deletion-protection')];
    if (generation === '0.0.9') {
      if (a.volumeType !== undefined)
        throw unsupported(
          'storage_create with volume_type',
          generation,
          '0.0.6 to 0.0.8 (0.0.9 sizes volumes in GB only)',
        );
      if (a.sizeGb === undefined) throw new ToolError('storage_create needs size_gb with the installed tp (0.0.9).');
      return command('storage', 'create', ...common, ...when(a.wait, '--wait'), String(a.sizeGb));
    }
    if (a.volumeType === undefined)
      throw new ToolError(`storage_create needs volume_type ("fast" or "flex") with the installed tp (${generation}).`);
    if (generation === '0.0.6') {
      if (a.wait) throw unsupported('storage_create with wait=true', generation, '0.0.7 or newer');
      return command('storage', 'create', `--type=${a.volumeType}`, ...option('size', a.sizeGb), ...common, NO_INPUT);
    }
    return command(
      'storage',
      'create',
      ...option('size', a.sizeGb),
      ...common,
      ...when(a.wait, '--wait'),
      positional(a.volumeType),
    );
  },
  storageList: (a: { org: boolean }) => command('storage', 'list', ...when(a.org, '--org')),
  storageInfo: (a: { storageId: string }) => command('storage', 'info', positional(a.storageId)),
  storageEdit(a: { storageId: string; name?: string; deletionProtection?: boolean; sizeGb?: number }): string[] {
    if (a.name === undefined && a.deletionProtection === undefined && a.sizeGb === undefined) {
      throw new ToolError(
        'storage_edit needs name, deletion_protection or size_gb: there is nothing to change otherwise.',
      );
    }
    return command(
      'storage',
      'edit',
      ...option('name', a.name),
      ...option('deletion-protection', a.deletionProtection),
      ...option('size', a.sizeGb),
      positional(a.storageId),
    );
  },
  storageDestroy: (a: { storageId: string; wait?: boolean }, generation: Generation) =>
    command(
      'storage',
      'destroy',
      NO_INPUT,
      ...waitOption('storage_destroy', generation, a.wait),
      positional(a.storageId),
    ),

  jobInit: () => command('job', 'init'),
  jobPush(a: { configPath: string; clusterId?: string; teardown: boolean }, generation: Generation): string[] {
    if (!atLeast(generation, '0.0.7')) {
      if (a.clusterId !== undefined) {
        throw unsupported(
          'job_push with cluster_id',
          generation,
          "0.0.7 or newer (0.0.6 picks the hardware from the config's instance_type; leave cluster_id out)",
        );
      }
      if (a.teardown) throw unsupported('job_push with teardown=true', generation, '0.0.7 or newer');
      return command('job', 'push', positional(a.configPath));
    }
    if (a.clusterId === undefined)
      throw new ToolError(
        `job_push needs cluster_id with the installed tp (${generation}); find one with cluster_list.`,
      );
    return command('job', 'push', ...when(a.teardown, '--teardown'), positional(a.configPath), positional(a.clusterId));
  },
  jobList: (a: { org: boolean }) => command('job', 'list', ...when(a.org, '--org')),
  jobInfo: (a: { jobId: string }) => command('job', 'info', positional(a.jobId)),
  jobListen: (a: { jobId: string }) => command('job', 'listen', positional(a.jobId)),
  jobPull: (a: { jobId: string; force: boolean; privateKeyPath?: string }) =>
    command(
      'job',
      'pull',
      ...option('private-key', a.privateKeyPath),
      ...when(a.force, '--force'),
      positional(a.jobId),
    ),
  jobCancel: (a: { jobId: string; wait: boolean }, generation: Generation) =>
    // 0.0.6 has no per-command --no-input here, and its global one works for cancel (§4)
    command(
      'job',
      'cancel',
      ...when(atLeast(generation, '0.0.7'), NO_INPUT),
      ...when(a.wait, '--wait'),
      positional(a.jobId),
    ),
  jobDelete: (a: { jobId: string }) => command('job', 'delete', NO_INPUT, positional(a.jobId)),

  accountMe: () => command('me'),
  sshKeyAdd: (a: { keyPath: string; name?: string }) =>
    command('me', 'sshkey', 'add', ...option('name', a.name), positional(a.keyPath)),
  sshKeyList: (a: { org: boolean }) => command('me', 'sshkey', 'list', ...when(a.org, '--org')),
  sshKeyRemove: (a: { keyId: string }) => command('me', 'sshkey', 'remove', positional(a.keyId)),

  objectStorageEnable: () => command('object-storage', 'enable'),
  objectStorageDisable: () => command('object-storage', 'disable'),
  objectStorageCredentials: () => command('object-storage', 'credentials'),
  objectStorageConfigureRclone: () => command('object-storage', 'configure', 'rclone'),
  bucketList: () => command('object-storage', 'bucket', 'list'),
  bucketCreate: (a: { bucketName: string }) => command('object-storage', 'bucket', 'create', positional(a.bucketName)),
  bucketDelete: (a: { bucketName: string }) => command('object-storage', 'bucket', 'delete', positional(a.bucketName)),

  help: (words: readonly string[]) => [...words, '--help'],
} satisfies Record<string, (args: never, generation: Generation) => string[]>;
