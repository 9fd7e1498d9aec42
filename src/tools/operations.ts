import { z } from 'zod';
import { outputUri, type Operation } from '../operations/operation.js';
import { defineTool } from '../registry/tool.js';
import { ToolError } from '../errors.js';
import { fence } from '../shape/fence.js';
import { textBudget } from '../tp/output-bounds.js';

const operationId = z
  .string()
  .max(64, 'operation_id must be at most 64 characters')
  .regex(/^op_[0-9a-f]+$/, 'operation_id must look like op_1a2b3c4d5e6f, as returned by the call that started it')
  .describe('From the handle, e.g. op_1a2b3c4d5e6f');

function find(operations: { get(id: string): Operation | undefined }, id: string): Operation {
  const operation = operations.get(id);
  if (!operation) {
    throw new ToolError(
      `No operation ${id} in this session: operations belong to the session that started them, and finished ones are ` +
        `kept for a limited time (see operation_list). ` +
        'If it was a create (cluster_create, storage_create, job_push), TensorPool may have gone ahead and be ' +
        'billing: ' +
        'look with cluster_list, storage_list or job_list before you retry, or it may run twice.',
    );
  }
  return operation;
}

function describe(operation: Operation) {
  return {
    operation_id: operation.id,
    tool: operation.tool,
    arguments: operation.argsSummary,
    status: operation.status,
    started_at: operation.startedAt.toISOString(),
    duration_ms: operation.durationMs,
    output_uri: outputUri(operation),
  };
}

/**
 * A finished call's fields, for the top level of operation_status: its own status (a cluster's, a job's) as
 * result_status.
 */
function liftedFields(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!fields) return {};
  const { status, ...rest } = fields;
  return status === undefined ? rest : { ...rest, result_status: status };
}

/** Waits until the operation finishes, `seconds` pass, or the call is cancelled; leaves no listener behind. */
function waitFor(operation: Operation, seconds: number, signal: AbortSignal): Promise<void> {
  if (seconds === 0 || operation.finished) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, seconds * 1000);
    signal.addEventListener('abort', done, { once: true });
    const unsubscribe = operation.subscribe((event) => {
      if (event.kind === 'finished') done();
    });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      unsubscribe();
      resolve();
    }
  });
}

const operationStatus = defineTool({
  name: 'operation_status',
  core: true,
  toolset: 'status',
  runs: 'local',
  alwaysOn: true,
  title: 'Follow a long operation',
  description: "Follow an operation handle: new output, then the call's result.",
  inputSchema: {
    operation_id: operationId,
    wait_seconds: z
      .number()
      .int('wait_seconds must be a whole number')
      .min(0, 'wait_seconds must be at least 0')
      .max(50, 'wait_seconds must be at most 50, to stay within client time-outs')
      .default(0)
      .describe('Wait for the end'),
  },
  annotations: 'local-poll',
  handler: async (args, { runtime, config, signal }) => {
    const operation = find(runtime.operations, args.operation_id);
    await waitFor(operation, args.wait_seconds, signal);
    const header =
      `Operation ${operation.id} (${operation.tool}): ${operation.status} after ` +
      `${Math.round(operation.durationMs / 1000)} s.`;
    const unread = operation.takeUnread();
    if (operation.finished && operation.result) {
      // the result carries the output already: it is shown once, there, not again as new output
      return {
        content: [
          { type: 'text', text: `${header} All its output: ${outputUri(operation)}\n\nResult:` },
          ...operation.result.content,
        ],
        structuredContent: { ...liftedFields(operation.result.structuredContent), ...describe(operation) },
        isError: operation.result.isError,
      };
    }
    // within the result budget: the newest output, the rest counted (and all of it in the resource)
    const budget = textBudget(config.maxResultBytes);
    const shown = unread.text.length > budget ? unread.text.slice(-budget) : unread.text;
    const dropped = unread.droppedBytes + Buffer.byteLength(unread.text) - Buffer.byteLength(shown);
    // what a job tool relays can be the user's job talking; tp's own words are not fenced
    const relayed = operation.tool.startsWith('job_') ? fence(shown, 'operation output') : shown;
    const output = shown ? `\n\nNew output${dropped ? ` (${dropped} earlier bytes left out)` : ''}:\n${relayed}` : '';
    return {
      content: [{ type: 'text', text: `${header}${output}\n\nCall operation_status again to follow it.` }],
      structuredContent: { ...describe(operation), new_output: shown, new_output_dropped_bytes: dropped, result: null },
    };
  },
});

const operationCancel = defineTool({
  name: 'operation_cancel',
  toolset: 'status',
  runs: 'local',
  alwaysOn: true,
  title: 'Stop a long operation',
  description:
    'Stop an operation of this session (its tp gets SIGTERM, then SIGKILL). What TensorPool already started is not ' +
    'undone: check the list tools.',
  inputSchema: { operation_id: operationId },
  annotations: 'local-edit',
  handler: async (args, { runtime }) => {
    const operation = find(runtime.operations, args.operation_id);
    operation.cancel();
    // SIGTERM, the grace period, then SIGKILL: it ends well within this
    await waitFor(operation, 15, new AbortController().signal);
    const state = describe(operation);
    return {
      content: [{ type: 'text', text: `Operation ${operation.id} (${operation.tool}) is ${operation.status}.` }],
      structuredContent: state,
    };
  },
});

const operationList = defineTool({
  name: 'operation_list',
  toolset: 'status',
  runs: 'local',
  alwaysOn: true,
  title: "List this session's operations",
  description: "This session's tp calls, running and recently finished.",
  inputSchema: {},
  annotations: 'local-read-only',
  handler: async (_args, { runtime }) => {
    const list = runtime.operations.list().map(describe);
    const lines = list.map(
      (op) =>
        `${op.operation_id}  ${op.status.padEnd(9)}  ${op.tool}  ${op.arguments}  ` +
        `(${Math.round(op.duration_ms / 1000)} s)`,
    );
    return {
      content: [{ type: 'text', text: lines.join('\n') || 'No operations in this session.' }],
      structuredContent: { operations: list },
    };
  },
});

export const operationTools = [operationStatus, operationCancel, operationList];
