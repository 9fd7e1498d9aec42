import { dirname } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { confinePath } from '../files/allowed-dirs.js';
import { checkConfigWritable, ignoreEntries, readJobConfigFile, refuseEscapingEntries, renderJobConfig, writeConfigFile } from '../files/job-config.js';
import { pullThroughPrivateDir, type PullReport } from '../files/pulled-files.js';
import { refuseUploadedKeyFiles } from '../files/upload-secrets.js';
import { fence } from '../results/fence.js';
import type { Guardrails } from '../config/config.js';
import { checkInstanceType } from '../registry/guardrails.js';
import { tpToolResult } from '../registry/results.js';
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
    "Write tp's job config template into a directory (`tp job init`); never overwrites. job_write_config writes a finished one.",
  inputSchema: { workdir: path('workdir', 'Project directory (allowed directories only)') },
  annotations: 'create',
  handler: async (args, { tp, runtime, signal }) => {
    const workdir = confinePath('workdir', args.workdir, runtime.files, 'directory');
    return tpToolResult(await tp.run(tpArgv.jobInit(), { cwd: workdir, signal }));
  },
});

const jobWriteConfig = defineTool({
  name: 'job_write_config',
  toolset: 'jobs',
  runs: 'local',
  touchesFiles: true,
  title: 'Write a job config file',
  description: 'Write a job config (TOML) for job_push; local only. Next: job_push.',
  inputSchema: {
    workdir: path('workdir', 'Project directory (allowed directories only)'),
    commands: stringList('commands', 200, 'Run in order on the cluster, e.g. ["python train.py"]').min(
      1,
      'commands must hold at least one command',
    ),
    outputs: stringList('outputs', 200, 'Kept for job_pull, e.g. ["checkpoints/"]').default([]),
    ignore: stringList('ignore', 200, 'Not uploaded, e.g. [".venv"]; ".env" always is').default([]),
    instance_type: instanceType.optional().describe('tp 0.0.6 only, e.g. 1xH100'),
    filename: z
      .string()
      .max(128, 'filename must be at most 128 characters')
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.toml$/, "filename must be a plain file name ending in .toml (letters, digits, '.', '_', '-'; no directories)")
      .default('job.tp.toml')
      .describe('File name in workdir'),
    overwrite: z.boolean().default(false).describe('Replace an existing file'),
  },
  outputSchema: { ok: z.boolean(), path: z.string(), content: z.string() },
  annotations: 'local-edit',
  // tp 0.0.6 starts the hardware a config names, so the spending limit applies here too
  spends: (args) => ({ instanceType: args.instance_type }),
  handler: async (args, { config, runtime }) => {
    const dir = confinePath('workdir', args.workdir, runtime.files, 'directory');
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
        content: [{ type: 'text', text: `Dry run: nothing was written. Without --dry-run the server would write ${path}:\n\n${content}` }],
        structuredContent: { ok: true, path, content },
      };
    }
    const written = await writeConfigFile(dir, args.filename, content, args.overwrite);
    return {
      content: [{ type: 'text', text: `Wrote ${written}:\n\n${content}` }],
      structuredContent: { ok: true, path: written, content },
    };
  },
});

const jobPush = defineTool({
  name: 'job_push',
  toolset: 'jobs',
  runs: 'tp',
  title: 'Run a job',
  description:
    'Upload a directory and run its job config (`tp job push`). Returns job_id; next job_listen, then job_pull. ' +
    "tp 0.0.6 takes no cluster_id: the config's instance_type starts hardware.",
  inputSchema: {
    config_path: path('config_path', 'From job_write_config'),
    cluster_id: clusterId.optional().describe('Required by tp 0.0.7+, refused by 0.0.6'),
    teardown: z.boolean().default(false).describe('Destroy the cluster when the job ends (tp 0.0.7+)'),
    workdir: path('workdir', "Directory uploaded; default: the config's").optional(),
    confirm: confirm.describe('true once the user agreed to the cost (and to teardown)'),
  },
  approval: {
    irreversible: (args) => (args.teardown ? `destroying cluster ${args.cluster_id ?? ''} when the job ends (teardown)` : undefined),
    billing: (args) => `running job ${args.config_path}${args.cluster_id ? ` on cluster ${args.cluster_id}` : ''} (uploading ${args.workdir ?? "the config's directory"})`,
  },
  touchesFiles: true,
  annotations: 'create-destructive',
  handler: async (args, { tp, config, runtime, generation, signal }) => {
    const configPath = confinePath('config_path', args.config_path, runtime.files, 'file');
    const jobConfig = readJobConfigFile('config_path', configPath);
    // tp 0.0.6 starts whatever hardware the config names: a limit only the file can tell
    if (generation === '0.0.6' && config.guardrails.allowInstanceTypes) checkConfigInstanceType(config.guardrails, jobConfig);
    const workdir = confinePath('workdir', args.workdir ?? dirname(configPath), runtime.files, 'directory');
    await refuseUploadedKeyFiles(workdir, ignoreEntries(jobConfig), configPath, runtime.files.allowedDirs);
    const argv = tpArgv.jobPush({ configPath, clusterId: args.cluster_id, teardown: args.teardown }, generation);
    return tpToolResult(await tp.run(argv, { cwd: workdir, signal }));
  },
});

const jobList = defineTool({
  name: 'job_list',
  toolset: 'jobs',
  runs: 'tp',
  title: 'List jobs',
  description: 'List jobs: ids, status (`tp job list`). Returns job_ids.',
  inputSchema: { org },
  annotations: 'read-only',
  handler: runsTp((args) => tpArgv.jobList({ org: args.org })),
});

const jobInfo = defineTool({
  name: 'job_info',
  toolset: 'jobs',
  runs: 'tp',
  title: 'Show a job',
  description: 'One job: status, cluster, command, timing (`tp job info`). Returns status.',
  inputSchema: { job_id: jobId },
  annotations: 'read-only',
  handler: runsTp((args) => tpArgv.jobInfo({ jobId: args.job_id })),
});

const jobListen = defineTool({
  name: 'job_listen',
  toolset: 'jobs',
  runs: 'tp',
  title: "Follow a job's log",
  description:
    "Follow a job's log (`tp job listen`) until it ends or max_seconds pass; returns the last lines and status. " +
    'A long listen returns an operation handle for operation_status.',
  inputSchema: {
    job_id: jobId,
    max_seconds: z
      .number()
      .int('max_seconds must be a whole number')
      .min(1, 'max_seconds must be at least 1')
      .max(86_400, 'max_seconds must be at most 86400')
      .optional()
      .describe('Stop listening after this long (the job goes on)'),
    tail_lines: z
      .number()
      .int('tail_lines must be a whole number')
      .min(1, 'tail_lines must be at least 1')
      .max(5000, 'tail_lines must be at most 5000')
      .default(200)
      .describe('Last lines to return'),
  },
  annotations: 'read-only',
  handler: async (args, { tp, signal }) => {
    // max_seconds shortens the server's --timeout, never lengthens it
    const timeoutMs = args.max_seconds === undefined ? undefined : Math.min(args.max_seconds * 1000, tp.defaultTimeoutMs);
    const result = await tp.run(tpArgv.jobListen({ jobId: args.job_id }), { signal, timeoutMs });
    // it was max_seconds, not --timeout, that ended the listening
    const stoppedListening = result.timedOut && args.max_seconds !== undefined && args.max_seconds * 1000 <= tp.defaultTimeoutMs;
    const tail = result.stdout.split('\n').filter((line) => line.trim() && !line.startsWith('* ')).slice(-args.tail_lines).join('\n');
    if (!stoppedListening) return tpToolResult({ ...result, stdout: tail ? `${tail}\n` : result.stdout });
    // max_seconds ending the listening is what was asked for, not a failure
    const shaped = tpToolResult({ ...result, stdout: `${tail}\n`, timedOut: false, exitCode: 0 });
    return {
      ...shaped,
      content: [{ type: 'text', text: `${tail}\n\n(stopped listening after ${args.max_seconds} s; job ${args.job_id} goes on: job_info or job_listen again)` }],
      structuredContent: { ...shaped.structuredContent, exit_code: result.exitCode, signal: result.signal, timed_out: true },
    };
  },
});

const jobPull = defineTool({
  name: 'job_pull',
  toolset: 'jobs',
  runs: 'tp',
  touchesFiles: true,
  title: "Download a job's outputs",
  description:
    "Download a job's outputs into a directory (`tp job pull`); existing files are kept unless force=true. " +
    'Only regular files that stay inside the directory are moved in; symlinks are skipped and reported.',
  inputSchema: {
    job_id: jobId,
    workdir: path('workdir', 'Directory (allowed directories only)'),
    force: z.boolean().default(false).describe('Overwrite existing files'),
    private_key_path: path('private_key_path', "The cluster's SSH private key, if needed (allowed directories only, e.g. --allow-dir ~/.ssh)").optional(),
  },
  annotations: 'idempotent-edit',
  handler: async (args, { tp, config, runtime, signal }) => {
    const workdir = confinePath('workdir', args.workdir, runtime.files, 'directory');
    const privateKeyPath = args.private_key_path === undefined ? undefined : confinePath('private_key_path', args.private_key_path, runtime.files, 'file');
    const argv = tpArgv.jobPull({ jobId: args.job_id, force: args.force, privateKeyPath });
    // a dry run downloads nothing: it shows the command and the directory the files are for
    if (config.dryRun) return tpToolResult(await tp.run(argv, { cwd: workdir, signal }));
    const { result, report } = await pullThroughPrivateDir(
      workdir,
      args.force,
      (cwd) => tp.run(argv, { cwd, signal }),
      (run) => run.exitCode !== null && !run.timedOut && !run.cancelled,
    );
    return withPullReport(tpToolResult(result), workdir, report);
  },
});

/** Adds what became of the downloaded files; their names come from the job, so the model reads them fenced. */
function withPullReport(shaped: CallToolResult, workdir: string, report: PullReport | undefined): CallToolResult {
  if (!report) {
    return { ...shaped, content: [...shaped.content, { type: 'text', text: 'Nothing was moved into the work directory: tp did not finish.' }] };
  }
  const lines = [
    `moved into ${workdir}: ${report.moved.join(', ') || 'none'}`,
    ...(report.kept.length > 0 ? [`kept (already there; force=true replaces them): ${report.kept.join(', ')}`] : []),
    ...report.skipped.map((entry) => `skipped ${entry.path}: ${entry.reason}`),
  ];
  const summary =
    `${report.moved.length} file(s) moved into the work directory` +
    (report.kept.length > 0 ? `, ${report.kept.length} kept` : '') +
    (report.skipped.length > 0 ? `, ${report.skipped.length} skipped and left out of it` : '') +
    '.';
  return {
    ...shaped,
    content: [...shaped.content, { type: 'text', text: `${summary}\n${fence(lines.join('\n'), 'pulled file list')}` }],
    structuredContent: { ...shaped.structuredContent, moved: report.moved, kept: report.kept, skipped: report.skipped },
  };
}

function checkConfigInstanceType(guardrails: Guardrails, jobConfig: Record<string, unknown>): void {
  const instanceType = jobConfig.instance_type;
  if (typeof instanceType !== 'string') throw new ToolError('config_path: the config names no instance_type, which this server needs to check against --allow-instance-types.');
  checkInstanceType(guardrails, 'the config\'s instance_type', instanceType);
}

const jobCancel = defineTool({
  name: 'job_cancel',
  toolset: 'jobs',
  runs: 'tp',
  title: 'Cancel a job',
  description: 'Cancel a running job (`tp job cancel`); its progress is lost. confirm=true after the user agrees.',
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
  description: 'Delete a job and its record (`tp job delete`). confirm=true after the user agrees.',
  inputSchema: { job_id: jobId, confirm },
  approval: { irreversible: (args) => `deleting job ${args.job_id}` },
  annotations: 'destructive',
  handler: runsTp((args) => tpArgv.jobDelete({ jobId: args.job_id })),
});

export const jobTools = [jobInit, jobWriteConfig, jobPush, jobList, jobInfo, jobListen, jobPull, jobCancel, jobDelete];
