import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ToolError } from '../errors.js';
import { outputUri } from '../operations/results.js';
import type { OperationStore } from '../operations/store.js';

/** Output is bounded only by the disk; a resource read returns at most this much, from the end. */
const MAX_RESOURCE_BYTES = 32 * 1024 * 1024;

/** tensorpool-mcp://operations/{id}/output: the full output of this session's operations, while they are kept. */
export function registerOperationOutput(server: McpServer, operations: OperationStore): void {
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
    }),
    { title: 'Operation output', description: 'Everything tp printed for one operation of this session, secrets masked', mimeType: 'text/plain' },
    async (uri, variables) => {
      const operation = operations.get(String(variables.id));
      if (!operation) throw new ToolError(`No operation ${String(variables.id)} in this session (finished ones are kept for a limited time).`);
      return { contents: [{ uri: uri.href, mimeType: 'text/plain', text: await operation.readOutput(MAX_RESOURCE_BYTES) }] };
    },
  );
}
