import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError, type ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { type Operation, outputUri } from '../operations/operation.js';
import type { OperationStore } from '../operations/store.js';
import { Slots } from '../tp/slots.js';

const RESOURCE_NOT_FOUND = -32002;

/** Most bytes of output one resource read returns; the rest is on further pages. */
export const OUTPUT_PAGE_BYTES = 1024 * 1024;
/** Reads of operation output served at once by a process; further ones wait their turn. */
const CONCURRENT_READS = 2;
/** Reads one session may have waiting for their turn. */
const MAX_WAITING_READS = 16;

/** The limit on reads of operation output, for every session of a process to share. */
export function outputReads(): Slots {
  return new Slots(CONCURRENT_READS, {
    maxWaitingPerLane: MAX_WAITING_READS,
    fullMessage: (waiting) =>
      `This session has ${waiting} reads of operation output waiting already; read one page at a time.`,
    cancelledMessage: 'The read was cancelled before it started.',
  });
}

/** The URI of the page of an operation's output that starts at byte `offset`; the first page is the plain URI. */
function outputPageUri(operation: Operation, offset: number): string {
  return offset === 0 ? outputUri(operation) : `${outputUri(operation)}?offset=${offset}`;
}

/**
 * tensorpool-mcp://operations/{id}/output: the output of this session's operations, while they are
 * kept, one page of at most OUTPUT_PAGE_BYTES a read; …/output?offset=N is the page from byte N on.
 * `reads` bounds how many are read at once in the process, taking turns across sessions.
 */
export function registerOperationOutput(server: McpServer, operations: OperationStore, reads: Slots): void {
  const completeId = {
    id: (typed: string | undefined) =>
      operations
        .list()
        .map((operation) => operation.id)
        .filter((id) => id.startsWith(typed ?? '')),
  };
  const metadata = { mimeType: 'text/plain' };
  const read = async (
    uri: URL,
    variables: Record<string, string | string[]>,
    signal: AbortSignal,
  ): Promise<ReadResourceResult> => {
    const operation = operations.get(String(variables.id));
    // -32002: the MCP specification's code for a resource that is not there
    if (!operation)
      throw new McpError(
        RESOURCE_NOT_FOUND,
        `No operation ${String(variables.id)} in this session (finished ones are kept for a limited time).`,
      );
    const offset = offsetOf(variables.offset);
    const release = await reads.acquire(operations, signal);
    try {
      const page = await operation.readOutput(offset, OUTPUT_PAGE_BYTES);
      const more = page.next < page.size || !operation.finished;
      const next = outputPageUri(operation, page.next);
      const trailer = !more
        ? ''
        : page.next < page.size
          ? `\n[tensorpool-mcp: bytes ${page.offset} to ${page.next} of ${page.size}; the next page is ${next}]\n`
          : `\n[tensorpool-mcp: operation ${operation.id} is still running; what it prints next will be at ${next}]\n`;
      return {
        contents: [
          {
            uri: uri.href,
            mimeType: 'text/plain',
            text: page.text + trailer,
            ...(more ? { _meta: { 'tensorpool-mcp/next': next } } : {}),
          },
        ],
      };
    } finally {
      release();
    }
  };

  server.registerResource(
    'operation-output',
    new ResourceTemplate('tensorpool-mcp://operations/{id}/output', {
      list: async () => ({
        resources: operations.list().map((operation) => ({
          uri: outputUri(operation),
          name: `${operation.tool} output (${operation.id})`,
          mimeType: 'text/plain',
        })),
      }),
      complete: completeId,
    }),
    {
      title: 'Operation output',
      description:
        `Everything tp printed for one operation of this session, secrets masked; the first ` +
        `${OUTPUT_PAGE_BYTES / (1024 * 1024)} MB, and where the next page is`,
      ...metadata,
    },
    (uri, variables, extra) => read(uri, variables, extra.signal),
  );
  server.registerResource(
    'operation-output-page',
    // listed once, above: every page of an output is the same resource
    new ResourceTemplate('tensorpool-mcp://operations/{id}/output{?offset}', { list: undefined, complete: completeId }),
    {
      title: 'Operation output, from a byte offset',
      description: "One page of an operation's output, from the offset a previous page named",
      ...metadata,
    },
    (uri, variables, extra) => read(uri, variables, extra.signal),
  );
}

function offsetOf(value: string | string[] | undefined): number {
  if (value === undefined) return 0;
  const text = String(value);
  if (!/^\d{1,15}$/.test(text))
    throw new McpError(
      ErrorCode.InvalidParams,
      `offset must be a whole number of bytes, as the previous page names it; got "${text}".`,
    );
  return Number(text);
}
