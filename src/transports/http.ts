import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { isLoopback } from '../net.js';

export interface HttpOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** A fresh server for each session. */
  createServer: () => McpServer;
  version: string;
  onError?: (message: string) => void;
  /** A session that sees no request for this long is closed, with whatever it still runs. */
  sessionIdleMs: number;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  /** Number of open MCP sessions. */
  sessionCount(): number;
  /** Ends every session (aborting its calls), then stops listening. */
  close(): Promise<void>;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  idle?: NodeJS.Timeout;
}

const MCP_PATH = '/mcp';

/** Streamable HTTP at /mcp with sessions, plus /healthz. Host headers are checked on loopback binds. */
export async function startHttpServer(options: HttpOptions): Promise<RunningHttpServer> {
  const sessions = new Map<string, Session>();
  const idleMs = options.sessionIdleMs;
  // a client that vanished without DELETE must not keep its session, and its tp, for ever
  const touch = (session: Session) => {
    clearTimeout(session.idle);
    session.idle = setTimeout(() => void session.transport.close(), idleMs).unref();
  };
  // on a loopback bind, foreign Host headers (DNS rebinding) are refused before any body is read:
  // for every loopback address, not only the three the SDK knows by name
  const loopback = isLoopback(options.host);
  const allowedHosts = loopback ? [...new Set(['localhost', '127.0.0.1', '[::1]', options.host.includes(':') ? `[${options.host}]` : options.host])] : undefined;
  const app = createMcpExpressApp({ host: options.host, allowedHosts });

  app.get('/healthz', (_req: IncomingMessage, res: ServerResponse & { json(body: unknown): void }) => {
    res.json({ status: 'ok', version: options.version });
  });

  app.post(MCP_PATH, async (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
    const sessionId = header(req, 'mcp-session-id');
    if (sessionId) {
      const session = sessions.get(sessionId);
      if (!session) return jsonRpcError(res, 404, -32001, 'Session not found; start a new session with initialize.');
      touch(session);
      return session.transport.handleRequest(req, res, req.body);
    }
    if (!isInitializeRequest(req.body)) {
      return jsonRpcError(res, 400, -32000, 'Bad Request: no mcp-session-id header, and the request is not initialize.');
    }
    const server = options.createServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        const session: Session = { transport, server };
        sessions.set(id, session);
        touch(session);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) {
        clearTimeout(sessions.get(transport.sessionId)?.idle);
        sessions.delete(transport.sessionId);
      }
      // aborts the session's running calls, which stops their tp processes
      void server.close();
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });

  // GET opens the server-to-client stream, DELETE ends the session: both need a known session
  const withSession = async (req: IncomingMessage, res: ServerResponse) => {
    const sessionId = header(req, 'mcp-session-id');
    const session = sessionId ? sessions.get(sessionId) : undefined;
    if (!sessionId) return jsonRpcError(res, 400, -32000, 'Bad Request: mcp-session-id header required.');
    if (!session) return jsonRpcError(res, 404, -32001, 'Session not found.');
    touch(session);
    await session.transport.handleRequest(req, res);
  };
  app.get(MCP_PATH, withSession);
  app.delete(MCP_PATH, withSession);

  // a body over the JSON parser's limit (100 kB) gets a JSON-RPC error, not an HTML page
  app.use((error: { status?: number; type?: string; message?: string }, _req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => {
    if (error.type === 'entity.too.large') return jsonRpcError(res, 413, -32600, 'Request body too large: the limit is 100 kB per message.');
    if (error.status === 400) return jsonRpcError(res, 400, -32700, `Parse error: ${error.message ?? 'invalid JSON'}`);
    next(error);
  });

  const httpServer: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(options.port, options.host, () => resolve(listening));
    listening.once('error', reject);
  });
  httpServer.on('error', (error) => options.onError?.(`HTTP server error: ${error.message}`));
  const { port } = httpServer.address() as AddressInfo;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;

  return {
    url: `http://${hostForUrl}:${port}${MCP_PATH}`,
    port,
    sessionCount: () => sessions.size,
    close: async () => {
      await Promise.allSettled([...sessions.values()].map((session) => session.transport.close()));
      sessions.clear();
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function jsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}
