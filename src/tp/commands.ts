import { ToolError } from './errors.js';

/**
 * argv for every `tp` command, in one place, for the current CLI generation (0.0.7 and newer).
 * Option values go as `--flag=value`, so argparse cannot read a value as another option.
 * The global `--no-input` (before the group) fails any prompt fast instead of waiting for an answer;
 * commands with their own `--no-input` get that one too.
 */

/** Defence in depth behind the schemas: a positional starting with '-' would be parsed as an option. */
function positional(value: string): string {
  if (value.startsWith('-') || value.length === 0) throw new ToolError(`Refusing to pass "${value.slice(0, 40)}" to tp as an argument.`);
  return value;
}

function when(condition: boolean | undefined, ...args: string[]): string[] {
  return condition ? args : [];
}

function option(name: string, value: string | number | undefined): string[] {
  return value === undefined ? [] : [`--${name}=${value}`];
}

export const tpArgv = {
  clusterCreate: (a: { instanceType: string; publicKeyPath?: string; numNodes?: number; name?: string }) => [
    '--no-input', 'cluster', 'create',
    ...option('public-key', a.publicKeyPath),
    ...option('name', a.name),
    ...option('num-nodes', a.numNodes),
    positional(a.instanceType),
  ],
  clusterList: (a: { org: boolean }) => ['--no-input', 'cluster', 'list', ...when(a.org, '--org')],
  clusterInfo: (a: { clusterId: string }) => ['--no-input', 'cluster', 'info', positional(a.clusterId)],
  clusterDestroy: (a: { clusterId: string; wait: boolean }) => [
    '--no-input', 'cluster', 'destroy', '--no-input', ...when(a.wait, '--wait'), positional(a.clusterId),
  ],
  jobPush: (a: { configPath: string; clusterId: string; teardown: boolean }) => [
    '--no-input', 'job', 'push', ...when(a.teardown, '--teardown'), positional(a.configPath), positional(a.clusterId),
  ],
  jobList: (a: { org: boolean }) => ['--no-input', 'job', 'list', ...when(a.org, '--org')],
  jobInfo: (a: { jobId: string }) => ['--no-input', 'job', 'info', positional(a.jobId)],
  jobPull: (a: { jobId: string; force: boolean }) => ['--no-input', 'job', 'pull', ...when(a.force, '--force'), positional(a.jobId)],
  jobCancel: (a: { jobId: string; wait: boolean }) => [
    '--no-input', 'job', 'cancel', '--no-input', ...when(a.wait, '--wait'), positional(a.jobId),
  ],
  accountMe: () => ['--no-input', 'me'],
} satisfies Record<string, (args: never) => string[]>;
