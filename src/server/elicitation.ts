import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { ElicitResultSchema, type ServerNotification, type ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../log.js';
import type { HumanChannel } from './approval.js';

/** Sends a request to the client on the stream of the tool call being handled. */
export type SendRequest = RequestHandlerExtra<ServerRequest, ServerNotification>['sendRequest'];

/** How long a person has to answer an approval question (the view's approval card waits as long). */
export const APPROVAL_TIMEOUT_MS = 10 * 60_000;

const QUESTION = {
  type: 'object' as const,
  properties: {
    confirm: { type: 'boolean' as const, title: 'Go ahead', description: 'Yes, do this now', default: false },
  },
  required: ['confirm'],
};

/**
 * Approval questions as MCP elicitation, asked within the tool call, so over HTTP they travel on that call's own
 * stream.
 */
export function elicitation(server: McpServer, sendRequest: SendRequest, logger: Logger): HumanChannel {
  return {
    canElicit: () => {
      const capability = server.server.getClientCapabilities()?.elicitation as
        | { form?: object; url?: object }
        | undefined;
      // an empty capability object means form elicitation (the spec's older shape)
      return capability !== undefined && (capability.form !== undefined || capability.url === undefined);
    },
    ask: async (message, signal) => {
      try {
        const answer = await sendRequest(
          { method: 'elicitation/create', params: { message, requestedSchema: QUESTION } },
          ElicitResultSchema,
          { signal, timeout: APPROVAL_TIMEOUT_MS },
        );
        return answer.action === 'accept' && answer.content?.confirm === true;
      } catch (error) {
        // no answer in time, or a client that failed to ask, is not a yes
        logger.info(`elicitation failed: ${error instanceof Error ? error.message : String(error)}`);
        return false;
      }
    },
  };
}
