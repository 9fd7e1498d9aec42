import { dirname } from 'node:path';
import { z } from 'zod';
import { confinePath } from '../files/allowed-dirs.js';
import { renderJobConfig, writeConfigFile } from '../files/job-config.js';
import { defineTool } from '../registry/tool.js';
import { errorResult, tpOutputSchema, tpToolResult } from '../registry/results.js';
import { tpArgv } from '../tp/commands.js';
import { clusterId, confirm, jobId, org, path, stringList, wait } from './fields.js';

const jobWriteConfig = defineTool({
  name: 'job_write_config',
  title: 'Write a job config file',
  description:
    'Write a TensorPool job config (TOML) into a project directory, ready for job_push. ' +
    '`commands` run in order on the cluster; `outputs` are kept for job_pull; `ignore` is left out of the upload. ' +
    'Local only: nothing is sent to TensorPool.',
  inputSchema: {
    workdir: path('workdir', 'Project directory to write into; must be inside the allowed directories'),
    commands: stringList('commands', 200, 'Shell commands run in order on the cluster, e.g. ["pip install -r requirements.txt", "python train.py"]').min(
      1,
      'commands must hold at least one command',
    ),
    outputs: stringList('outputs', 200, 'Files, directories or globs to keep for job_pull, e.g. ["checkpoints/", "*.log"]').default([]),
    ignore: stringList('ignore', 200, 'Paths or globs left out of the upload, e.g. [".venv", "data/raw"]').default([]),
    filename: z
      .string()
      .max(128, 'filename must be at most 128 characters')
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.toml$/, "filename must be a plain file name ending in .toml (letters, digits, '.', '_', '-'; no directories)")
      .default('job.tp.toml')
      .describe('File name inside workdir; default job.tp.toml'),
    overwrite: z.boolean().default(false).describe('Replace the file if it already exists'),
  },
  outputSchema: {
    ok: z.boolean(),
    path: z.string().describe('Absolute path of the written file'),
    content: z.string().describe('The TOML that was written'),
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async (args, { settings }) => {
    const dir = confinePath('workdir', args.workdir, settings, 'directory');
    const content = renderJobConfig({ commands: args.commands, outputs: args.outputs, ignore: args.ignore });
    const written = await writeConfigFile(dir, args.filename, content, args.overwrite);
    return {
      content: [{ type: 'text', text: `Wrote ${written}:\n\n${content}` }],
      structuredContent: { ok: true, path: written, content },
    };
  },
});

const jobPush = defineTool({
  name: 'job_push',
  title: 'Run a job on a cluster',
  description:
    'Upload a project directory and run its job config on a cluster (`tp job push`). The working directory is what gets uploaded ' +
    '(minus the config\'s `ignore` list). The job id appears in the returned message. With teardown=true the cluster is destroyed when the job ends.',
  inputSchema: {
    config_path: path('config_path', 'Job config file (from job_write_config); inside the allowed directories'),
    cluster_id: clusterId,
    teardown: z.boolean().default(false).describe('Destroy the cluster when the job finishes'),
    workdir: path('workdir', "Directory to upload and run from; default: the config file's directory").optional(),
  },
  outputSchema: tpOutputSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  handler: async (args, { tp, settings, signal }) => {
    const configPath = confinePath('config_path', args.config_path, settings, 'file');
    const workdir = confinePath('workdir', args.workdir ?? dirname(configPath), settings, 'directory');
    const argv = tpArgv.jobPush({ configPath, clusterId: args.cluster_id, teardown: args.teardown });
    return tpToolResult(await tp.run(argv, { cwd: workdir, signal }));
  },
});

const jobList = defineTool({
  name: 'job_list',
  title: 'List jobs',
  description: 'List your TensorPool jobs with their ids and status (`tp job list`).',
  inputSchema: { org },
  outputSchema: tpOutputSchema,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, { tp, signal }) => tpToolResult(await tp.run(tpArgv.jobList({ org: args.org }), { signal })),
});

const jobInfo = defineTool({
  name: 'job_info',
  title: 'Show a job',
  description: 'Show one job: status, cluster, command and timing (`tp job info`).',
  inputSchema: { job_id: jobId },
  outputSchema: tpOutputSchema,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, { tp, signal }) => tpToolResult(await tp.run(tpArgv.jobInfo({ jobId: args.job_id }), { signal })),
});

const jobPull = defineTool({
  name: 'job_pull',
  title: "Download a job's outputs",
  description:
    "Download a job's output files into a directory (`tp job pull`). Existing files are skipped unless force=true, which overwrites them.",
  inputSchema: {
    job_id: jobId,
    workdir: path('workdir', 'Directory to download into; must be inside the allowed directories'),
    force: z.boolean().default(false).describe('Overwrite files that already exist'),
  },
  outputSchema: tpOutputSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  handler: async (args, { tp, settings, signal }) => {
    const workdir = confinePath('workdir', args.workdir, settings, 'directory');
    return tpToolResult(await tp.run(tpArgv.jobPull({ jobId: args.job_id, force: args.force }), { cwd: workdir, signal }));
  },
});

const jobCancel = defineTool({
  name: 'job_cancel',
  title: 'Cancel a job',
  description:
    'Cancel a running job (`tp job cancel`); its progress is lost. Ask the user first, then call with confirm=true; without it nothing happens.',
  inputSchema: { job_id: jobId, confirm, wait },
  outputSchema: tpOutputSchema,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  handler: async (args, { tp, signal }) => {
    if (!args.confirm) {
      return errorResult(`Not cancelled: cancelling job ${args.job_id} stops it for good. Ask the user, then call job_cancel again with confirm=true.`);
    }
    return tpToolResult(await tp.run(tpArgv.jobCancel({ jobId: args.job_id, wait: args.wait }), { signal }));
  },
});

export const jobTools = [jobWriteConfig, jobPush, jobList, jobInfo, jobPull, jobCancel];
