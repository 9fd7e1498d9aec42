import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import express, { Router } from 'express';
import { type Caller, callerOf, sessionIdOf } from '../http/auth/caller.js';
import { cancelOnDisconnect } from '../http/disconnect.js';
import { sendJson } from '../http/edges.js';
import type { SessionTable } from './http-session-table.js';

export const MCP_PATH = '/mcp';

/** A fresh server for a session of `caller` (undefined without auth); `lane` stands for the caller in the tp queue. */
export type SessionServerFactory = (caller?: Caller, lane?: object) => McpServer;

/** What a client turned away by --max-sessions or --max-sessions-per-caller is told to wait. */
const SESSIONS_RETRY_AFTER_SECONDS = 30;
/** Said to a client that speaks the older HTTP+SSE transport, or GETs /mcp like a browser. */
const STREAMABLE_ONLY =
  `This server speaks MCP over Streamable HTTP at ${MCP_PATH}: a client opens a session with a POST of initialize ` +
  `there. ` +
  'The older HTTP+SSE transport (GET /sse, POST /messages) is not served; configure the client for "streamable-http" ' +
  '(often called "http") at this URL ending in /mcp.';

type BodyRequest = IncomingMessage & { body?: unknown };

/**
 * Streamable HTTP at /mcp: a POST either belongs to a session of its caller or opens one with
 * initialize; GET (the server-to-client stream) and DELETE need a known session. The body is parsed
 * here, after the guards (src/http/guards.ts), so a refused request is never read.
 */
export function mcpRoutes(sessions: SessionTable, createServer: SessionServerFactory): Router {
  const router = Router();
  router.use(MCP_PATH, express.json());
  router.post(MCP_PATH, async (req: BodyRequest, res: ServerResponse) => {
    const sessionId = sessionIdOf(req);
    if (sessionId) return inSession(sessions, sessionId, req, res);
    if (!isInitializeRequest(req.body))
      return jsonRpcError(
        res,
        400,
        -32000,
        'Bad Request: no mcp-session-id header, and the request is not initialize.',
      );
    return openSession(sessions, createServer, req, res);
  });
  // GET opens the server-to-client stream, DELETE ends the session: both need a known session
  const withSession = async (req: IncomingMessage, res: ServerResponse) => {
    const sessionId = sessionIdOf(req);
    // most often an old SSE client, or a person trying the URL in a browser
    if (!sessionId) return jsonRpcError(res, 400, -32000, `Bad Request: no mcp-session-id header. ${STREAMABLE_ONLY}`);
    const session = sessions.find(sessionId, callerOf(req));
    if (!session) return jsonRpcError(res, 404, -32001, 'Session not found.');
    await session.transport.handleRequest(req, res);
  };
  router.get(MCP_PATH, withSession);
  router.delete(MCP_PATH, withSession);
  // the endpoints of the HTTP+SSE transport (protocol 2024-11-05), which clients of that age try
  router.all(['/sse', '/messages'], (_req: IncomingMessage, res: ServerResponse) =>
    sendJson(res, 404, { error: 'not_found', error_description: STREAMABLE_ONLY }),
  );
  router.use(bodyErrors);
  router.all(MCP_PATH, (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(405, { allow: 'GET, POST, DELETE', 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: 'method_not_allowed',
        error_description: 'MCP over Streamable HTTP uses GET, POST and DELETE.',
      }),
    );
  });
  return router;
}

/** A POST in an open session: counted while its answer is out, and cancelled if the client drops it. */
function inSession(sessions: SessionTable, sessionId: string, req: BodyRequest, res: ServerResponse) {
  const session = sessions.find(sessionId, callerOf(req));
  if (!session) return jsonRpcError(res, 404, -32001, 'Session not found; start a new session with initialize.');
  cancelOnDisconnect(res, req.body, session.transport);
  sessions.answering(session, res);
  return session.transport.handleRequest(req, res, req.body);
}

/** An initialize without a session: a new transport and server, if the caps let it in. */
async function openSession(
  sessions: SessionTable,
  createServer: SessionServerFactory,
  req: BodyRequest,
  res: ServerResponse,
): Promise<void> {
  const caller = callerOf(req);
  // belt and braces: a credential accepted only for existing sessions never opens one
  if (caller?.existingSessionsOnly)
    return jsonRpcError(res, 401, -32001, 'Unauthorized: a new session needs its credential checked.');
  const admission = sessions.admit(caller);
  if ('status' in admission) {
    res.setHeader('retry-after', String(SESSIONS_RETRY_AFTER_SECONDS));
    // one caller cannot fill the server: it is over its own limit (429), the server is not full (503)
    return admission.status === 503
      ? jsonRpcError(
          res,
          503,
          -32000,
          `The server has its most sessions open (--max-sessions ${admission.limit}); try again later.`,
        )
      : jsonRpcError(
          res,
          429,
          -32000,
          `You have the most sessions one caller may have open (--max-sessions-per-caller ${admission.limit}); close ` +
            `one (DELETE ${MCP_PATH}) or try again later.`,
        );
  }
  const server = createServer(caller, admission.lane);
  const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    onsessioninitialized: (id): void => admission.opened(id, { transport, server, caller }),
  });
  transport.onclose = () => {
    if (transport.sessionId) sessions.closed(transport.sessionId, caller);
    // aborts the session's running calls, which stops their tp processes
    void server.close();
  };
  try {
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
    // revoked while it was being opened: it ends now that its answer is out
    if (admission.revoked && transport.sessionId) void transport.close();
  } finally {
    admission.settle();
  }
}

/** A body over the JSON parser's limit (100 kB), or not JSON, gets a JSON-RPC error, not an HTML page. */
function bodyErrors(
  error: { status?: number; type?: string; message?: string },
  _req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
): void {
  if (error.type === 'entity.too.large')
    return jsonRpcError(res, 413, -32600, 'Request body too large: the limit is 100 kB per message.');
  if (error.status === 400) return jsonRpcError(res, 400, -32700, `Parse error: ${error.message ?? 'invalid JSON'}`);
  next(error);
}

function jsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}
