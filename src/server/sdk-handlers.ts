import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

export type RequestHandler<Result> = (request: unknown, extra: unknown) => Promise<Result>;

/**
 * The handler the SDK registered for `method`, for a wrapper that answers some requests itself and hands
 * the rest on: tools-list-cache.ts (tools/list) and app-view.ts (tools/list, tools/call, resources/read).
 * Protocol keeps them in a private map, and McpServer offers no other way to reach them; checked against
 * SDK 1.32 (pinned to that minor).
 */
export function registeredHandler<Result>(server: McpServer, method: string): RequestHandler<Result> | undefined {
  const handlers = (server.server as unknown as { _requestHandlers?: unknown })._requestHandlers;
  if (!(handlers instanceof Map)) return undefined;
  const handler: unknown = handlers.get(method);
  return typeof handler === 'function' ? (handler as RequestHandler<Result>) : undefined;
}
