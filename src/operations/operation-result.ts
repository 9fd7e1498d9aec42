import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { fence } from '../shape/fence.js';
import type { Operation } from './operation.js';

export function outputUri(operation: Operation): string {
  return `tensorpool-mcp://operations/${operation.id}/output`;
}

/** The resource_link to an operation's full output, while the operation is kept. */
function outputLink(operation: Operation) {
  return {
    type: 'resource_link' as const,
    uri: outputUri(operation),
    name: `${operation.tool} output`,
    description: `Everything tp printed for operation ${operation.id} (secrets masked)`,
    mimeType: 'text/plain',
  };
}

/** A finished call's own result; when its output was cut, plus a link to the whole of it. */
export function withOutputLink(operation: Operation): CallToolResult {
  const result = operation.result!;
  const truncated = (result.structuredContent as { truncated?: boolean } | undefined)?.truncated;
  if (!truncated || operation.outputBytes === 0) return result;
  return { ...result, content: [...result.content, outputLink(operation)] };
}

const TAIL_CHARACTERS = 4000;

/**
 * The answer for a call that outlived the sync budget: where to follow it, and the end of what it
 * printed so far. That output counts as read, so operation_status goes on from there instead of
 * showing it again; it is fenced, since it can be a user's job talking.
 */
export function handleResult(operation: Operation): CallToolResult {
  const seconds = Math.round(operation.durationMs / 1000);
  const tail = operation.takeUnread().text.slice(-TAIL_CHARACTERS);
  const text =
    `${operation.tool} is still running after ${seconds} s and goes on in the background as operation ${operation.id}. ` +
    `Call operation_status with operation_id "${operation.id}" (and wait_seconds up to 50) to follow it and get its result; operation_cancel stops it.` +
    (tail
      ? `\n\nOutput so far (tail):\n${operation.tool.startsWith('job_') ? fence(tail, 'operation output') : tail}`
      : '');
  return {
    content: [{ type: 'text', text }, outputLink(operation)],
    structuredContent: {
      ok: false,
      exit_code: null,
      signal: null,
      stdout: tail,
      stderr: '',
      duration_ms: operation.durationMs,
      timed_out: false,
      cancelled: false,
      truncated: false,
      argv: operation.argv ?? [],
      dry_run: false,
      operation: { id: operation.id, status: operation.status },
    },
  };
}
