import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { ToolError } from '../errors.js';
import type { Operation } from '../operations/operation.js';
import { tpToolResult } from '../shape/shape.js';
import { defineTool, type ToolContext, type ToolDefinition } from '../registry/tool.js';
import { tpArgv } from '../tp/commands.js';
import type { PendingApprovals } from './pending.js';
import { readList, type ListKind } from '../shape/rows.js';
import { parseFields, type Row } from './tables.js';

/** What the app-only tools of one session share: its waiting approvals and the job logs the view follows. */
export interface ConsoleState {
  pending: PendingApprovals;
  /** The `tp job listen` each followed job runs, by job id; its output is read in pages. */
  followers: Map<string, Operation>;
}

const jobId = z
  .string()
  .regex(/^[A-Za-z0-9][\w.-]{0,127}$/, 'job_id must be a job id from job_list (letters, digits, ".", "_", "-")')
  .describe('Job id');

/** A page of log the view asks for at once: enough for a screen, small enough to answer quickly. */
const LOG_PAGE_BYTES = 16_384;

/** The rows of a list, read as the list tools read them (results/rows.ts), as text for the view. */
async function listRows(
  context: ToolContext,
  kind: ListKind,
  argv: string[],
): Promise<{ rows: Row[]; error: string | null }> {
  const result = await context.tp.run(argv, { signal: context.signal });
  if (result.exitCode !== 0)
    return {
      rows: [],
      error: (result.stderr || result.stdout).trim().split('\n').pop() ?? `tp exited with ${result.exitCode}`,
    };
  const rows = readList(kind, result.stdout).rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([field, value]) => [field, Array.isArray(value) ? value.join(', ') : String(value)]),
    ),
  );
  return { rows, error: null };
}

function appResult(text: string, structuredContent: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent };
}

/** The tools only the view calls (`_meta.ui.visibility: ["app"]`): the host keeps them from the model. */
export function appTools(state: ConsoleState): ToolDefinition[] {
  const refresh = defineTool({
    name: 'console_refresh',
    toolset: 'status',
    runs: 'local',
    title: 'Refresh the TensorPool view',
    description:
      'For the TensorPool view: clusters, volumes, jobs and the calls waiting for approval; with job_id, that job too.',
    inputSchema: {
      job_id: jobId.optional(),
      approvals_only: z.boolean().default(false).describe('Only the calls waiting for approval; runs no tp'),
    },
    annotations: 'read-only',
    handler: async (args, context) => {
      // the view asks this every second while it waits for a call's card to appear: no tp for that
      if (args.approvals_only)
        return appResult(`${state.pending.list().length} waiting for approval`, { pending: state.pending.list() });
      const [clusters, volumes, jobs, job] = await Promise.all([
        listRows(
          context,
          'clusters',
          tpArgv.clusterList({ org: false }, await context.runtime.installation.generation(context.signal)),
        ),
        listRows(context, 'volumes', tpArgv.storageList({ org: false })),
        listRows(context, 'jobs', tpArgv.jobList({ org: false })),
        args.job_id === undefined
          ? undefined
          : context.tp.run(tpArgv.jobInfo({ jobId: args.job_id }), { signal: context.signal }),
      ]);
      const pending = state.pending.list();
      return appResult(
        `${clusters.rows.length} clusters, ${volumes.rows.length} volumes, ${jobs.rows.length} jobs, ` +
          `${pending.length} waiting for approval`,
        {
          clusters: clusters.rows,
          volumes: volumes.rows,
          jobs: jobs.rows,
          errors: [clusters.error, volumes.error, jobs.error].filter((error) => error !== null),
          job: job === undefined ? null : { id: args.job_id, fields: parseFields(job.stdout), exit_code: job.exitCode },
          pending,
          updated_at: new Date().toISOString(),
        },
      );
    },
  });

  const logRead = defineTool({
    name: 'console_log_read',
    toolset: 'status',
    runs: 'local',
    title: "Read a job's log for the TensorPool view",
    description: "For the TensorPool view: the job's log from offset on (follows `tp job listen` while the job runs).",
    inputSchema: {
      job_id: jobId,
      offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0).describe('Bytes already shown'),
    },
    annotations: 'read-only',
    handler: async (args, context) => {
      let follower = state.followers.get(args.job_id);
      if (!follower || (follower.finished && args.offset === 0 && follower.status !== 'succeeded')) {
        follower = follow(args.job_id, context);
        state.followers.set(args.job_id, follower);
      }
      const page = await follower.readOutput(args.offset, LOG_PAGE_BYTES);
      const finished = follower.finished && page.next >= page.size;
      return appResult(
        `${page.next - page.offset} bytes of job ${args.job_id}'s log${finished ? ', to its end' : ''}`,
        {
          job_id: args.job_id,
          text: page.text,
          next_offset: page.next,
          finished,
          listen_status: follower.status,
        },
      );
    },
  });

  const decide = defineTool({
    name: 'approval_decide',
    toolset: 'status',
    runs: 'local',
    title: 'Approve or decline a waiting call',
    description: 'For the TensorPool view: the person pressed Approve or Decline on a waiting call.',
    inputSchema: {
      approval_id: z
        .string()
        .regex(/^ap_[0-9a-f]{12}$/, 'approval_id must be an id from the approval card (ap_ and 12 hex digits)')
        .describe('Approval id'),
      decision: z.enum(['approve', 'decline']).describe('approve or decline'),
    },
    annotations: 'local-edit',
    handler: async (args) => {
      const approval = state.pending.decide(args.approval_id, args.decision === 'approve');
      if (!approval)
        throw new ToolError(
          `approval_id: no call waits for approval ${args.approval_id}; it was decided already, expired, or was ` +
            `cancelled.`,
        );
      const text =
        args.decision === 'approve'
          ? `Approved: ${approval.tool} runs now (${approval.action}).`
          : `Declined: ${approval.tool} does not run.`;
      return appResult(text, { approval_id: approval.id, tool: approval.tool, decision: args.decision });
    },
  });

  return [refresh, logRead, decide];

  /** Starts `tp job listen` as an operation of this session: its output is spooled, masked, and read in pages. */
  function follow(id: string, context: ToolContext): Operation {
    const operation = context.runtime.operations.start('job_listen', `job_id=${id} (TensorPool view)`);
    // the view's request ends at once; the listen lives until the job ends, --timeout passes, or the session ends
    context.tp
      .run(tpArgv.jobListen({ jobId: id }), { signal: operation.controller.signal, observer: operation.observer })
      .then(
        (result) => operation.finish(tpToolResult(result)),
        (error: unknown) =>
          operation.finish({
            isError: true,
            content: [{ type: 'text', text: error instanceof Error ? error.message : String(error) }],
          }),
      );
    return operation;
  }
}
