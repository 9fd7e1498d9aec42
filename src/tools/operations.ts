import { z } from 'zod';
import { outputUri } from '../operations/results.js';
import type { Operation } from '../operations/operation.js';
import { defineTool } from '../registry/tool.js';
import { ToolError } from '../errors.js';

const operationId = z
  .string()
  .max(64, 'operation_id must be at most 64 characters')
  .regex(/^op_[0-9a-f]+$/, 'operation_id must look like op_1a2b3c4d5e6f, as returned by the call that started it')
  .describe('The operation id a long call returned, e.g. op_1a2b3c4d5e6f');

function find(operations: { get(id: string): Operation | undefined }, id: string): Operation {
  const operation = operations.get(id);
  if (!operation) {
    throw new ToolError(`No operation ${id} in this session. Operations belong to the session that started them, and finished ones are kept for a limited time (see operation_list).`);
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

const operationFields = {
  operation_id: z.string(),
  tool: z.string(),
  arguments: z.string(),
  status: z.enum(['running', 'succeeded', 'failed', 'cancelled']),
  started_at: z.string(),
  duration_ms: z.number(),
  output_uri: z.string().describe('Resource with everything tp printed, secrets masked'),
};

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
  toolset: 'status',
  runs: 'local',
  alwaysOn: true,
  title: 'Follow a long operation',
  description:
    'Check on a call that returned an operation handle: its new output since the last check and, once it has finished, its result ' +
    '(the same result the original tool would have returned). wait_seconds waits up to that long for it to finish first.',
  inputSchema: {
    operation_id: operationId,
    wait_seconds: z
      .number()
      .int('wait_seconds must be a whole number')
      .min(0, 'wait_seconds must be at least 0')
      .max(50, 'wait_seconds must be at most 50, to stay within client time-outs')
      .default(0)
      .describe('Wait up to this many seconds for the operation to finish (0 to 50)'),
  },
  outputSchema: {
    ...operationFields,
    new_output: z.string().describe('What tp printed since the previous operation_status'),
    new_output_dropped_bytes: z.number().describe('Bytes of new output left out to bound memory (all of it is in output_uri)'),
    result: z.record(z.string(), z.unknown()).nullable().describe("The original tool's structured result, once finished"),
  },
  annotations: 'local-poll',
  handler: async (args, { runtime, signal }) => {
    const operation = find(runtime.operations, args.operation_id);
    await waitFor(operation, args.wait_seconds, signal);
    const unread = operation.takeUnread();
    const structuredContent = {
      ...describe(operation),
      new_output: unread.text,
      new_output_dropped_bytes: unread.droppedBytes,
      result: (operation.result?.structuredContent as Record<string, unknown> | undefined) ?? null,
    };
    const header = `Operation ${operation.id} (${operation.tool}): ${operation.status} after ${Math.round(operation.durationMs / 1000)} s.`;
    const output = unread.text ? `\n\nNew output${unread.droppedBytes ? ` (${unread.droppedBytes} earlier bytes left out)` : ''}:\n${unread.text}` : '';
    if (!operation.finished || !operation.result) {
      return { content: [{ type: 'text', text: `${header}${output}\n\nCall operation_status again to follow it.` }], structuredContent };
    }
    return {
      content: [{ type: 'text', text: `${header}${output}\n\nResult:` }, ...operation.result.content],
      structuredContent,
      isError: operation.result.isError,
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
    'Stop an operation of this session: its tp process and everything it started get SIGTERM, then SIGKILL. ' +
    'What tp already asked TensorPool to do (a cluster being created, say) is not undone: check with the list tools.',
  inputSchema: { operation_id: operationId },
  outputSchema: operationFields,
  annotations: 'local-edit',
  handler: async (args, { runtime }) => {
    const operation = find(runtime.operations, args.operation_id);
    operation.cancel();
    // SIGTERM, the grace period, then SIGKILL: it ends well within this
    await waitFor(operation, 15, new AbortController().signal);
    const state = describe(operation);
    return { content: [{ type: 'text', text: `Operation ${operation.id} (${operation.tool}) is ${operation.status}.` }], structuredContent: state };
  },
});

const operationList = defineTool({
  name: 'operation_list',
  toolset: 'status',
  runs: 'local',
  alwaysOn: true,
  title: 'List this session\'s operations',
  description: 'List the tp calls of this session, running and recently finished: tool, arguments, status, start time and duration.',
  inputSchema: {},
  outputSchema: { operations: z.array(z.object(operationFields)) },
  annotations: 'local-read-only',
  handler: async (_args, { runtime }) => {
    const list = runtime.operations.list().map(describe);
    const lines = list.map((op) => `${op.operation_id}  ${op.status.padEnd(9)}  ${op.tool}  ${op.arguments}  (${Math.round(op.duration_ms / 1000)} s)`);
    return { content: [{ type: 'text', text: lines.join('\n') || 'No operations in this session.' }], structuredContent: { operations: list } };
  },
});

export const operationTools = [operationStatus, operationCancel, operationList];
