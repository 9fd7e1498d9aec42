// The four workflows of issue 16, each done the shortest way twice: as the command lines an agent
// types into a shell running `tp`, and as the tool calls it makes to this server. Both sides run
// against the same fake account (WORLD), and each workflow checks, from the tp commands that ran,
// that the work was really done.
//
// A step is data, so that a changed tool is a changed step:
//   shell:  { line: (ctx) => 'tp …', take?: (text, ctx) => void, exit?: 1 }
//           `line` is what the agent types (bytes written); everything it prints is read.
//   server: { tool, args: (ctx, item) => ({…}), take?: (view, ctx) => void, check?: (view, ctx) => problem,
//             until?: (view, ctx) => done, each?: (ctx) => items }
//           `view` is a ResultView (reading.mjs): view.field() and view.rows() take values from
//           structuredContent where it has them and from the text otherwise, and record which.
//           `check` returns a problem (a string) or nothing; by default a step fails on isError.
//           `until` repeats the call (up to 10 times) until it holds; `each` runs it once per item.
// ctx carries what earlier steps took, and `dir`: the side's working directory (the shell's cwd,
// the server's one allowed directory).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { statusIs, tableRows } from './reading.mjs';

/** The reason the failed job failed, as its log says it: the line the agent reports. */
const FAILURE = 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB';

/**
 * The account both sides work on: one busy cluster (a job running on it), two idle ones (their jobs
 * ended), and a job that failed: the fake tp's own account (test/fake-tp/engine.mjs), with the pulled file as a knob.
 */
export const WORLD = {
  busyCluster: 'c-fake123',
  idleClusters: ['c-fake456', 'c-fake789'],
  failedJob: 'j-fake2',
  failure: FAILURE,
  pulled: 'checkpoints/model.pt',
  env: {
    FAKE_TP_PULL_FILES: JSON.stringify(['checkpoints/model.pt']),
  },
};

/**
 * Resources the agent reads before its first call, counted in the server's fixed cost besides those
 * the instructions name (e.g. a workflow skill served as a resource that the instructions do not link).
 */
export const FIXED_RESOURCES = [];

const JOB_CONFIG = 'commands = ["python train.py"]\noutputs = ["checkpoints/"]\n';
const FAILURE_LINE = /^.*\b\w+Error: .*$/m;

/** The first match of `pattern` in a shell command's output; the shell agent reads it there. */
function grab(text, pattern) {
  const match = pattern.exec(text);
  if (!match) throw new Error(`expected ${pattern} in:\n${text}`);
  return match[1] ?? match[0];
}

/** Idle clusters: listed, but no job of theirs is running. */
function idleClusters(clusters, jobs) {
  const busy = new Set(
    jobs.filter((job) => statusIs(job.status, 'running', 'pending', 'queued')).map((job) => job.cluster_id),
  );
  return clusters.map((cluster) => cluster.cluster_id).filter((id) => !busy.has(id));
}

const ran = (calls, command) => calls.filter((call) => call.command === command);
const sameSet = (a, b) => a.length === b.length && a.every((x) => b.includes(x));

export const WORKFLOWS = [
  {
    id: 'train',
    title: 'Train: 1xH100 cluster, job config, push, follow, pull, destroy',
    shell: [
      {
        line: () => 'tp cluster create 1xH100 --wait',
        take: (text, ctx) => (ctx.cluster = grab(text, /Cluster ID: (c-[\w-]+)/)),
      },
      { line: () => `cat > job.tp.toml <<'EOF'\n${JOB_CONFIG}EOF` },
      {
        line: (ctx) => `tp job push job.tp.toml ${ctx.cluster}`,
        take: (text, ctx) => (ctx.job = grab(text, /Job ID: ((?:j|job)-[\w-]+)/)),
      },
      { line: (ctx) => `tp job listen ${ctx.job}` },
      { line: (ctx) => `tp job pull ${ctx.job}` },
      { line: (ctx) => `tp cluster destroy ${ctx.cluster} --no-input` },
    ],
    server: [
      {
        tool: 'cluster_create',
        args: () => ({ instance_type: '1xH100', wait: true }),
        take: (view, ctx) => (ctx.cluster = view.field('cluster_id', /Cluster ID: (c-[\w-]+)/)),
      },
      {
        tool: 'job_write_config',
        // the allowed directory is the project: paths default to it
        args: () => ({ commands: ['python train.py'], outputs: ['checkpoints/'] }),
        take: (view, ctx) => (ctx.config = view.field(['config_path', 'path'], /Wrote (\S+?):?\n/)),
      },
      {
        tool: 'job_push',
        args: (ctx) => ({ cluster_id: ctx.cluster }),
        take: (view, ctx) => (ctx.job = view.field('job_id', /Job ID: ((?:j|job)-[\w-]+)/)),
      },
      {
        tool: 'job_listen',
        args: (ctx) => ({ job_id: ctx.job }),
        // followed to the end: a look that finds the job still running is repeated
        until: (view) => !statusIs(view.field(['job_status', 'status'], /finished with status (\w+)/), 'running'),
      },
      { tool: 'job_pull', args: (ctx) => ({ job_id: ctx.job }) },
      { tool: 'cluster_destroy', args: (ctx) => ({ cluster_id: ctx.cluster }) },
    ],
    verify(calls, ctx) {
      const problems = [];
      const create = ran(calls, 'cluster create');
      if (create.length !== 1 || create[0].options.instance_type !== '1xH100')
        problems.push('no single 1xH100 cluster create');
      const push = ran(calls, 'job push')[0];
      if (!push || !/python train\.py/.test(push.config ?? '') || !/checkpoints\//.test(push.config ?? ''))
        problems.push('no push of a config running train.py with checkpoints/ as output');
      else if (push.options.cluster_id !== ctx.cluster)
        problems.push(`pushed to ${push.options.cluster_id}, not to the new cluster ${ctx.cluster}`);
      if (ran(calls, 'job listen').length === 0 && ran(calls, 'job info').length === 0)
        problems.push('the job was never followed');
      if (!existsSync(join(ctx.dir, WORLD.pulled)))
        problems.push(`${WORLD.pulled} was not pulled into the working directory`);
      const destroyed = ran(calls, 'cluster destroy').map((call) => call.options.cluster_id);
      if (!sameSet(destroyed, [ctx.cluster]))
        problems.push(`destroyed ${destroyed.join(', ') || 'nothing'} instead of ${ctx.cluster}`);
      return problems;
    },
  },
  {
    id: 'failed',
    title: 'A job failed: find it and say why',
    shell: [
      {
        line: () => 'tp job list',
        take: (text, ctx) =>
          (ctx.job = tableRows(text, 'job_id').find((row) => statusIs(row.status, 'failed', 'error'))?.job_id),
      },
      {
        line: (ctx) => `tp job listen ${ctx.job}`,
        exit: 1,
        take: (text, ctx) => (ctx.reason = grab(text, FAILURE_LINE)),
      },
    ],
    server: [
      {
        tool: 'job_list',
        args: () => ({}),
        take: (view, ctx) =>
          (ctx.job = view.rows('job_id').find((row) => statusIs(row.status, 'failed', 'error'))?.job_id),
      },
      {
        tool: 'job_listen',
        args: (ctx) => ({ job_id: ctx.job }),
        // the log of a failed job is what was asked for, whatever isError says
        check: (view) => (FAILURE_LINE.test(view.text) ? undefined : 'the failure is not in the result'),
        take: (view, ctx) => (ctx.reason = grab(view.text, FAILURE_LINE)),
      },
    ],
    verify(_calls, ctx) {
      const problems = [];
      if (ctx.job !== WORLD.failedJob)
        problems.push(`found ${ctx.job ?? 'no job'} instead of the failed ${WORLD.failedJob}`);
      if (!ctx.reason?.includes(WORLD.failure)) problems.push(`the reason read was ${JSON.stringify(ctx.reason)}`);
      return problems;
    },
  },
  {
    id: 'cleanup',
    title: 'Clean up: list clusters and storage, destroy the idle clusters, keep the busy one',
    shell: [
      { line: () => 'tp cluster list', take: (text, ctx) => (ctx.clusters = tableRows(text, 'cluster_id')) },
      { line: () => 'tp storage list', take: (text, ctx) => (ctx.volumes = tableRows(text, 'storage_id')) },
      {
        line: () => 'tp job list',
        take: (text, ctx) => (ctx.idle = idleClusters(ctx.clusters, tableRows(text, 'job_id'))),
      },
      { each: (ctx) => ctx.idle, line: (_ctx, id) => `tp cluster destroy ${id} --no-input` },
    ],
    server: [
      { tool: 'cluster_list', args: () => ({}), take: (view, ctx) => (ctx.clusters = view.rows('cluster_id')) },
      { tool: 'storage_list', args: () => ({}), take: (view, ctx) => (ctx.volumes = view.rows('storage_id')) },
      {
        tool: 'job_list',
        args: () => ({}),
        take: (view, ctx) => (ctx.idle = idleClusters(ctx.clusters, view.rows('job_id'))),
      },
      { each: (ctx) => ctx.idle, tool: 'cluster_destroy', args: (_ctx, id) => ({ cluster_id: id }) },
    ],
    verify(calls, ctx) {
      const problems = [];
      for (const command of ['cluster list', 'storage list'])
        if (ran(calls, command).length === 0) problems.push(`never ran ${command}`);
      if (!(ctx.volumes?.length > 0)) problems.push('no volume was read from the storage list');
      const destroyed = ran(calls, 'cluster destroy').map((call) => call.options.cluster_id);
      if (!sameSet(destroyed, WORLD.idleClusters))
        problems.push(`destroyed ${destroyed.join(', ') || 'nothing'} instead of ${WORLD.idleClusters.join(', ')}`);
      return problems;
    },
  },
  {
    id: 'storage',
    title: `Storage: a 100 GB volume, attached to ${WORLD.busyCluster}, grown to 200 GB`,
    shell: [
      { line: () => 'tp storage create 100 --wait', take: (text, ctx) => (ctx.volume = grab(text, /\b(s-[\w-]+)/)) },
      { line: (ctx) => `tp cluster attach ${WORLD.busyCluster} ${ctx.volume}` },
      { line: (ctx) => `tp storage edit ${ctx.volume} -s 200` },
    ],
    server: [
      {
        tool: 'storage_create',
        args: () => ({ size_gb: 100, wait: true }),
        take: (view, ctx) => (ctx.volume = view.field('storage_id', /\b(s-[\w-]+)/)),
      },
      { tool: 'cluster_attach_storage', args: (ctx) => ({ cluster_id: WORLD.busyCluster, storage_id: ctx.volume }) },
      { tool: 'storage_edit', args: (ctx) => ({ storage_id: ctx.volume, size_gb: 200 }) },
    ],
    verify(calls, ctx) {
      const problems = [];
      const create = ran(calls, 'storage create');
      if (create.length !== 1 || Number(create[0].options.size) !== 100)
        problems.push('no single 100 GB storage create');
      const attach = ran(calls, 'cluster attach')[0];
      if (attach?.options.storage_id !== ctx.volume || attach?.options.cluster_id !== WORLD.busyCluster)
        problems.push(`the new volume was not attached to ${WORLD.busyCluster}`);
      const edit = ran(calls, 'storage edit')[0];
      if (edit?.options.storage_id !== ctx.volume || Number(edit?.options.size) !== 200)
        problems.push('the volume was not grown to 200 GB');
      return problems;
    },
  },
];
