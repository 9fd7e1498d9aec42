import { dirname } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { confinePath } from '../files/allowed-dirs.js';
import {
  checkConfigWritable,
  ignoreEntries,
  readJobConfigFile,
  refuseEscapingEntries,
  renderJobConfig,
  writeConfigFile,
} from '../files/job-config.js';
import { pullThroughPrivateDir, type PullReport } from '../files/pulled-files.js';
import { refuseUploadedKeyFiles } from '../files/upload-secrets.js';
import { fenceJobLog } from '../shape/fence.js';
import { readJobLog, type JobLog } from '../shape/job-log.js';
import { listResult } from '../shape/list-result.js';

const JOB_STATUSES = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELED'] as const;
import type { Guardrails } from '../config/config.js';
import { checkInstanceType } from '../registry/guardrails.js';
import { tpToolResult } from '../shape/shape.js';
import { defineTool, runsTp } from '../registry/tool.js';
import { tpArgv } from '../tp/commands.js';
import { ToolError } from '../errors.js';
import { clusterId, confirm, instanceType, jobId, org, path, stringList, wait } from './fields.js';

const jobInit = defineTool({
  name: 'job_init',
  toolset: 'jobs',
  runs: 'tp',
  touchesFiles: true,
  title: 'Write the job config template',
  description:
    "Write tp's job config template into a directory (`tp job init`); never overwrites. job_write_config writes a " +
    'finished one.',
  inputSchema: { workdir: path('workdir', 'Project directory (allowed directories only)') },
  annotations: 'create',
  handler: async (args, { tp, runtime, signal }) => {
    const workdir = confinePath('workdir', args.workdir, runtime.files, 'directory');
    return tpToolResult(await tp.run(tpArgv.jobInit(), { cwd: workdir, signal }));
  },
});

const jobWriteConfig = defineTool({
  name: 'job_write_config',
  core: true,
  toolset: 'jobs',
  runs: 'local',
  touchesFiles: true,
  title: 'Write a job config file',
  description: 'Write a job config (TOML) for job_push; local only.',
  inputSchema: {
    workdir: path('workdir', 'Project directory; default: the allowed one').optional(),
    commands: stringList('commands', 200, 'Run in order, e.g. ["python train.py"]').min(
      1,
      'commands must hold at least one command',
    ),
    outputs: stringList('outputs', 200, 'Kept for job_pull, e.g. ["checkpoints/"]').default([]),
    ignore: stringList('ignore', 200, 'Not uploaded; .env never is').default([]),
    instance_type: instanceType.optional().describe('tp 0.0.6 only'),
    filename: z
      .string()
      .max(128, 'filename must be at most 128 characters')
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]*\.toml$/,
        "filename must be a plain file name ending in .toml (letters, digits, '.', '_', '-'; no directories)",
      )
      .default('job.tp.toml')
      .describe('File name'),
    overwrite: z.boolean().default(false).describe('Replace existing'),
  },
  annotations: 'local-edit',
  // tp 0.0.6 starts the hardware a config names, so the spending limit applies here too
  spends: (args) => ({ instanceType: args.instance_type }),
  handler: async (args, { config, runtime }) => {
    const dir = confinePath('workdir', args.workdir ?? '.', runtime.files, 'directory');
    refuseEscapingEntries('outputs', args.outputs);
    refuseEscapingEntries('ignore', args.ignore);
    const content = renderJobConfig({
      commands: args.commands,
      outputs: args.outputs,
      // the directory's .env usually holds the API key: never upload it
      ignore: args.ignore.includes('.env') ? args.ignore : [...args.ignore, '.env'],
      instance_type: args.instance_type,
    });
    if (config.dryRun) {
      const path = await checkConfigWritable(dir, args.filename, args.overwrite);
      return {
        content: [
          {
            type: 'text',
            text: `Dry run: nothing was written. Without --dry-run the server would write ${path}:\n\n${content}`,
          },
        ],
        structuredContent: { ok: true, path },
      };
    }
    // the model wrote the content itself: it reads back only where it went
    const written = await writeConfigFile(dir, args.filename, content, args.overwrite);
    const shown = shortPath(written, runtime.files.allowedDirs);
    return { content: [{ type: 'text', text: `Wrote ${shown}` }], structuredContent: { ok: true, path: shown } };
  },
});

/** A path inside the single allowed directory, as the relative path any file tool takes; else as it is. */
function shortPath(path: string, allowedDirs: readonly string[]): string {
  const [only, ...more] = allowedDirs;
  return only !== undefined && more.length === 0 && path.startsWith(`${only}/`) ? path.slice(only.length + 1) : path;
}

const jobPush = defineTool({
  name: 'job_push',
  core: true,
  toolset: 'jobs',
  runs: 'tp',
  title: 'Run a job',
  description: 'Upload a directory and run its job config on a RUNNING cluster. Returns job_id; next job_listen.',
  inputSchema: {
    config_path: path('config_path', 'From job_write_config').default('job.tp.toml'),
    cluster_id: clusterId.optional().describe('Required (tp 0.0.6: none)'),
    teardown: z.boolean().default(false).describe('Destroy the cluster when the job ends'),
    workdir: path('workdir', "Uploaded; default: the config's directory").optional(),
    confirm,
  },
  approval: {
    irreversible: (args) =>
      args.teardown ? `destroying cluster ${args.cluster_id ?? ''} when the job ends (teardown)` : undefined,
    billing: (args) =>
      `running job ${args.config_path}${args.cluster_id ? ` on cluster ${args.cluster_id}` : ''} (uploading ` +
      `${args.workdir ?? "the config's directory"})`,
  },
  touchesFiles: true,
  annotations: 'create-destructive',
  handler: async (args, { tp, config, runtime, generation, signal }) => {
    const configPath = confinePath('config_path', args.config_path, runtime.files, 'file');
    const jobConfig = readJobConfigFile('config_path', configPath);
    // tp 0.0.6 starts whatever hardware the config names: a limit only the file can tell
    if (generation === '0.0.6' && config.guardrails.allowInstanceTypes)
      checkConfigInstanceType(config.guardrails, jobConfig);
    const workdir = confinePath('workdir', args.workdir ?? dirname(configPath), runtime.files, 'directory');
    await refuseUploadedKeyFiles(workdir, ignoreEntries(jobConfig), configPath, runtime.files.allowedDirs);
    const argv = tpArgv.jobPush({ configPath, clusterId: args.cluster_id, teardown: args.teardown }, generation);
    return tpToolResult(await tp.run(argv, { cwd: workdir, signal }));
  },
});

const jobList = defineTool({
  name: 'job_list',
  core: true,
  toolset: 'jobs',
  runs: 'tp',
  title: 'List jobs',
  description: 'Jobs as rows: id, cluster, status, created.',
  inputSchema: {
    org,
    status: z
      .enum(JOB_STATUSES, { error: `status must be one of: ${JOB_STATUSES.join(', ')}` })
      .optional()
      .describe('Only jobs in this status'),
  },
  annotations: 'read-only',
  handler: async (args, { tp, signal }) =>
    listResult(
      'jobs',
      await tp.run(tpArgv.jobList({ org: args.org }), { signal }),
      (row) => !args.status || row.status === args.status,
    ),
});

const jobInfo = defineTool({
  name: 'job_info',
  core: true,
  toolset: 'jobs',
  runs: 'tp',
  title: 'Show a job',
  description: 'One job: status, exit code, error, cluster.',
  inputSchema: { job_id: jobId },
  annotations: 'read-only',
  handler: runsTp((args) => tpArgv.jobInfo({ jobId: args.job_id })),
});

const jobListen = defineTool({
  name: 'job_listen',
  core: true,
  toolset: 'jobs',
  runs: 'tp',
  follows: true,
  title: "Follow a job's log",
  description:
    'Follow a job: job_status and the log lines not returned before. Waits up to 50 s (25 min with progress); ' +
    'call again while RUNNING.',
  inputSchema: {
    job_id: jobId,
    max_seconds: z
      .number()
      .int('max_seconds must be a whole number')
      .min(1, 'max_seconds must be at least 1')
      .max(86_400, 'max_seconds must be at most 86400')
      .optional()
      .describe('Stop sooner'),
    from_line: z
      .number()
      .int('from_line must be a whole number')
      .min(0, 'from_line must be at least 0')
      .max(10_000_000, 'from_line must be at most 10000000')
      .optional()
      .describe('Start at this log line (0: all)'),
    tail_lines: z
      .number()
      .int('tail_lines must be a whole number')
      .min(1, 'tail_lines must be at least 1')
      .max(5000, 'tail_lines must be at most 5000')
      .default(200)
      .describe('Most lines'),
  },
  annotations: 'read-only',
  handler: async (args, { tp, runtime, signal, waitMs }) => {
    // the operator's --timeout bounds a listen too; max_seconds only shortens it
    const windowMs = Math.min(waitMs, tp.defaultTimeoutMs, (args.max_seconds ?? Infinity) * 1000);
    const run = await tp.run(tpArgv.jobListen({ jobId: args.job_id }), { signal, timeoutMs: windowMs });
    // our window ending the listen is the job going on, not a failure
    const stoppedByUs = run.timedOut && !run.cancelled;
    const log = readJobLog(run.stdout, run.exitCode, stoppedByUs);
    // without a status (stated, or known from how tp ended) tp failed before or while reading: its own error
    if (run.cancelled || run.dryRun || log.jobStatus === undefined) return tpToolResult(run);
    return listenResult(args.job_id, log.jobStatus, log, runtime.logCursors, {
      from: args.from_line,
      tail: args.tail_lines,
      seconds: Math.round(run.durationMs / 1000),
    });
  },
});

/** What job_listen returns: the job's state, the lines not returned before (fenced), and how to go on. */
function listenResult(
  jobId: string,
  state: string,
  log: JobLog,
  cursors: Map<string, number>,
  { from, tail, seconds }: { from?: number; tail: number; seconds: number },
): CallToolResult {
  const start = Math.min(from ?? cursors.get(jobId) ?? 0, log.lines.length);
  const fresh = log.lines.slice(start);
  const shown = fresh.slice(-tail);
  const skipped = fresh.length - shown.length;
  cursors.set(jobId, log.lines.length);

  // COMPLETED says exit code 0; any other end says its code where tp stated one
  const code = log.exitCode === undefined || state === 'COMPLETED' ? '' : ` (exit code ${log.exitCode})`;
  const going = state === 'RUNNING' || state === 'PENDING';
  const head = going
    ? `Job ${jobId}: ${state} after ${seconds} s of watching; call job_listen again to keep following.`
    : `Job ${jobId}: ${state}${code}.`;
  const first = start + skipped + 1;
  const body =
    shown.length === 0
      ? `No new log lines (${log.lines.length} so far).`
      : (skipped > 0
          ? `${skipped} earlier new lines left out (from_line=${start} reads them).
`
          : '') + fenceJobLog(shown, `Log lines ${first}-${first + shown.length - 1}`);
  return {
    content: [
      {
        type: 'text',
        text: `${head}
${body}`,
      },
    ],
    structuredContent: {
      ok: true,
      job_status: state,
      ...(log.exitCode === undefined ? {} : { exit_code: log.exitCode }),
      new_lines: shown.length,
      next_line: log.lines.length,
    },
  };
}

const jobPull = defineTool({
  name: 'job_pull',
  core: true,
  toolset: 'jobs',
  runs: 'tp',
  touchesFiles: true,
  title: "Download a job's outputs",
  description: "Download a job's outputs into workdir; existing files are kept unless force.",
  inputSchema: {
    job_id: jobId,
    workdir: path('workdir', 'Project directory; default: the allowed one').optional(),
    force: z.boolean().default(false).describe('Overwrite'),
    private_key_path: path('private_key_path', "Cluster's SSH key, if needed").optional(),
  },
  annotations: 'idempotent-edit',
  handler: async (args, { tp, config, runtime, signal }) => {
    const workdir = confinePath('workdir', args.workdir ?? '.', runtime.files, 'directory');
    const privateKeyPath =
      args.private_key_path === undefined
        ? undefined
        : confinePath('private_key_path', args.private_key_path, runtime.files, 'file');
    const argv = tpArgv.jobPull({ jobId: args.job_id, force: args.force, privateKeyPath });
    // a dry run downloads nothing: it shows the command and the directory the files are for
    if (config.dryRun) return tpToolResult(await tp.run(argv, { cwd: workdir, signal }));
    const { result, report } = await pullThroughPrivateDir(
      workdir,
      args.force,
      (cwd) => tp.run(argv, { cwd, signal }),
      (run) => run.exitCode !== null && !run.timedOut && !run.cancelled,
    );
    return withPullReport(tpToolResult(result), report);
  },
});

/** Adds what became of the downloaded files, in paths relative to the work directory. */
function withPullReport(shaped: CallToolResult, report: PullReport | undefined): CallToolResult {
  if (!report) {
    return {
      ...shaped,
      content: [
        ...shaped.content,
        { type: 'text', text: 'Nothing was moved into the work directory: tp did not finish.' },
      ],
    };
  }
  const lines = [
    `Moved in: ${report.moved.join(', ') || 'nothing'}`,
    ...(report.kept.length > 0 ? [`Kept (already there; force=true replaces them): ${report.kept.join(', ')}`] : []),
    ...report.skipped.map((entry) => `Skipped ${entry.path}: ${entry.reason}`),
  ];
  return {
    ...shaped,
    content: [...shaped.content, { type: 'text', text: lines.join('\n') }],
    structuredContent: {
      ...shaped.structuredContent,
      moved: report.moved,
      ...(report.kept.length > 0 ? { kept: report.kept } : {}),
      ...(report.skipped.length > 0 ? { skipped: report.skipped } : {}),
    },
  };
}

function checkConfigInstanceType(guardrails: Guardrails, jobConfig: Record<string, unknown>): void {
  const instanceType = jobConfig.instance_type;
  if (typeof instanceType !== 'string')
    throw new ToolError(
      'config_path: the config names no instance_type, which this server needs to check against ' +
        '--allow-instance-types.',
    );
  checkInstanceType(guardrails, "the config's instance_type", instanceType);
}

const jobCancel = defineTool({
  name: 'job_cancel',
  core: true,
  toolset: 'jobs',
  runs: 'tp',
  title: 'Cancel a job',
  description: 'Cancel a running job; its progress is lost.',
  inputSchema: { job_id: jobId, confirm, wait },
  approval: { irreversible: (args) => `cancelling job ${args.job_id} (its progress is lost)` },
  annotations: 'destructive',
  handler: runsTp((args, generation) => tpArgv.jobCancel({ jobId: args.job_id, wait: args.wait }, generation)),
});

const jobDelete = defineTool({
  name: 'job_delete',
  toolset: 'jobs',
  runs: 'tp',
  since: '0.0.7',
  title: 'Delete a job',
  description: 'Delete a job and its record; irreversible.',
  inputSchema: { job_id: jobId, confirm },
  approval: { irreversible: (args) => `deleting job ${args.job_id}` },
  annotations: 'destructive',
  handler: runsTp((args) => tpArgv.jobDelete({ jobId: args.job_id })),
});

export const jobTools = [jobInit, jobWriteConfig, jobPush, jobList, jobInfo, jobListen, jobPull, jobCancel, jobDelete];
