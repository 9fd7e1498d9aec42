import type { ServerResponse } from 'node:http';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { isJSONRPCRequest, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/**
 * A client that drops the connection of a POST before its answers came has given up on those
 * requests, but the SDK's transport only forgets the stream; the handlers run on. Tell the session
 * as if the client had sent `notifications/cancelled` for each: their AbortSignals fire, and a call
 * not yet handed out as an operation stops its tp. (One already handed out goes on: it has a handle.)
 */
export function cancelOnDisconnect(res: ServerResponse, body: unknown, transport: Pick<Transport, 'onmessage'>): void {
  const messages = (Array.isArray(body) ? body : [body]) as JSONRPCMessage[];
  const ids = messages.filter((message) => isJSONRPCRequest(message)).map((message) => message.id);
  if (ids.length === 0) return;
  res.once('close', () => {
    if (res.writableFinished) return;
    for (const requestId of ids) {
      transport.onmessage?.({
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: { requestId, reason: 'the client disconnected' },
      });
    }
  });
}
