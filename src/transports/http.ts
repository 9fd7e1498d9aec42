import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import express from 'express';
import { bracket } from '../net.js';
import { callerOf, sameCaller, sessionIdOf, type Authenticator, type Caller } from '../http/auth/index.js';
import { defaultHttpSecurity, type HttpSecurityConfig } from '../config/http-security.js';
import { cancelOnDisconnect } from '../http/disconnect.js';
import { CallerSessions } from '../http/callers.js';
import { listen, notFound, sendJson, serverError } from '../http/edges.js';
import { readinessHandler, type Readiness } from '../http/readiness.js';
import { requestGuards } from '../http/guards.js';

export interface HttpOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /**
   * A fresh server for each session, for the caller that opened it (undefined without auth). `lane`
   * stands for that caller in the tp process queue, shared by all its sessions; undefined without auth,
   * where each session is its own.
   */
  createServer: (caller?: Caller, lane?: object) => McpServer;
  version: string;
  onError?: (message: string) => void;
  /** A session that sees no request for this long is closed, with whatever it still runs. */
  sessionIdleMs: number;
  /** Host/Origin allow-lists, CORS, auth mode, session cap (src/http/); default: loopback names, no auth. */
  security?: HttpSecurityConfig;
  /** Checks bearer tokens when `security.auth` asks for it (src/http/auth/createAuthenticator). */
  authenticator?: Authenticator;
  /** GET /readyz; without it /readyz answers ready. */
  readiness?: () => Promise<Readiness>;
  onInfo?: (message: string) => void;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  /** Number of open MCP sessions. */
  sessionCount(): number;
  /** Ends every session (aborting its calls), then stops listening. */
  close(): Promise<void>;
}

interface HttpSession {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  /** Who opened it: every later request must come from the same caller. */
  caller?: Caller;
  idle?: NodeJS.Timeout;
  /** POSTs still being answered. */
  inflight: number;
  /** Its caller's credential was revoked: it ends once the answers in flight are out. */
  revoked?: true;
}

const MCP_PATH = '/mcp';
/** What a client turned away by --max-sessions or --max-sessions-per-caller is told to wait. */
const SESSIONS_RETRY_AFTER_SECONDS = 30;
/** Said to a client that speaks the older HTTP+SSE transport, or GETs /mcp like a browser. */
const STREAMABLE_ONLY =
  `This server speaks MCP over Streamable HTTP at ${MCP_PATH}: a client opens a session with a POST of initialize there. ` +
  'The older HTTP+SSE transport (GET /sse, POST /messages) is not served; configure the client for "streamable-http" (often called "http") at this URL ending in /mcp.';

/** Streamable HTTP at /mcp with sessions, plus /healthz and /readyz, behind the guards of src/http/. */
export async function startHttpServer(options: HttpOptions): Promise<RunningHttpServer> {
  const security = options.security ?? defaultHttpSecurity(options.host);
  if (security.auth.mode !== 'none' && !options.authenticator)
    throw new Error(`auth mode ${security.auth.mode} needs an authenticator`);
  const sessions = new Map<string, HttpSession>();
  const callers = new CallerSessions(security.maxSessionsPerCaller);
  let opening = 0;
  const idleMs = options.sessionIdleMs;
  // a client that vanished without DELETE must not keep its session, and its tp, for ever
  const touch = (session: HttpSession) => {
    clearTimeout(session.idle);
    session.idle = setTimeout(() => void session.transport.close(), idleMs).unref();
  };
  const app = express();
  app.disable('x-powered-by');

  // probes answer whatever the Host: a kubelet or load balancer sends the pod's address
  app.get('/healthz', (_req: IncomingMessage, res: ServerResponse & { json(body: unknown): void }) => {
    res.json({ status: 'ok', version: options.version });
  });
  app.get('/readyz', readinessHandler(options.readiness ?? (async () => ({ ready: true, detail: {} }))));
  // Host, Origin, CORS, OAuth metadata, then the bearer check of /mcp: all before any body is read
  app.use(requestGuards({ security, authenticator: options.authenticator, mcpPath: MCP_PATH, onInfo: options.onInfo }));
  app.use(express.json());

  app.post(MCP_PATH, async (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
    const sessionId = sessionIdOf(req);
    if (sessionId) {
      const session = sessions.get(sessionId);
      // another caller's session looks like none at all, and so does a revoked one
      if (!session || session.revoked || !sameCaller(session.caller, callerOf(req)))
        return jsonRpcError(res, 404, -32001, 'Session not found; start a new session with initialize.');
      touch(session);
      cancelOnDisconnect(res, req.body, session.transport);
      session.inflight++;
      res.once('close', () => {
        session.inflight--;
        if (session.revoked && session.inflight === 0) void session.transport.close();
      });
      return session.transport.handleRequest(req, res, req.body);
    }
    if (!isInitializeRequest(req.body)) {
      return jsonRpcError(
        res,
        400,
        -32000,
        'Bad Request: no mcp-session-id header, and the request is not initialize.',
      );
    }
    const caller = callerOf(req);
    // belt and braces: a credential accepted only for existing sessions never opens one
    if (caller?.existingSessionsOnly)
      return jsonRpcError(res, 401, -32001, 'Unauthorized: a new session needs its credential checked.');
    if (sessions.size + opening >= security.maxSessions) {
      res.setHeader('retry-after', String(SESSIONS_RETRY_AFTER_SECONDS));
      return jsonRpcError(
        res,
        503,
        -32000,
        `The server has its most sessions open (--max-sessions ${security.maxSessions}); try again later.`,
      );
    }
    // one caller cannot fill the server: it is over its own limit (429), the server is not full (503)
    const entry = caller ? callers.reserve(caller.id) : undefined;
    if (caller && !entry) {
      res.setHeader('retry-after', String(SESSIONS_RETRY_AFTER_SECONDS));
      return jsonRpcError(
        res,
        429,
        -32000,
        `You have the most sessions one caller may have open (--max-sessions-per-caller ${security.maxSessionsPerCaller}); close one (DELETE ${MCP_PATH}) or try again later.`,
      );
    }
    // counted from here, so concurrent initializes cannot overshoot the caps
    opening++;
    let counted = true;
    const settle = (sessionId?: string) => {
      if (counted) {
        opening--;
        if (caller) callers.settle(caller.id, sessionId);
      }
      counted = false;
    };
    const server = options.createServer(caller, entry?.lane);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        const session: HttpSession = { transport, server, caller, inflight: 0 };
        if (entry?.revoked) session.revoked = true;
        settle(id);
        sessions.set(id, session);
        touch(session);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) {
        clearTimeout(sessions.get(transport.sessionId)?.idle);
        sessions.delete(transport.sessionId);
        if (caller) callers.closed(caller.id, transport.sessionId);
      }
      // aborts the session's running calls, which stops their tp processes
      void server.close();
    };
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
      // revoked while it was being opened: it ends now that its answer is out
      if (entry?.revoked && transport.sessionId) void transport.close();
    } finally {
      settle();
    }
  });

  // GET opens the server-to-client stream, DELETE ends the session: both need a known session
  const withSession = async (req: IncomingMessage, res: ServerResponse) => {
    const sessionId = sessionIdOf(req);
    const session = sessionId ? sessions.get(sessionId) : undefined;
    // most often an old SSE client, or a person trying the URL in a browser
    if (!sessionId) return jsonRpcError(res, 400, -32000, `Bad Request: no mcp-session-id header. ${STREAMABLE_ONLY}`);
    if (!session || session.revoked || !sameCaller(session.caller, callerOf(req)))
      return jsonRpcError(res, 404, -32001, 'Session not found.');
    touch(session);
    await session.transport.handleRequest(req, res);
  };
  app.get(MCP_PATH, withSession);
  app.delete(MCP_PATH, withSession);
  // the endpoints of the HTTP+SSE transport (protocol 2024-11-05), which clients of that age try
  app.all(['/sse', '/messages'], (_req: IncomingMessage, res: ServerResponse) =>
    sendJson(res, 404, { error: 'not_found', error_description: STREAMABLE_ONLY }),
  );

  // A credential TensorPool stopped accepting ends every session of its caller. The auth layer already
  // refuses the credential, so nothing new starts; a session ends once the answers in flight (among
  // them the call that found the key refused) are out, and closing stops whatever it still runs.
  options.authenticator?.onRevoked?.((callerId) => {
    const ended = callers.revoke(callerId).flatMap((id) => {
      const session = sessions.get(id);
      return session && !session.revoked ? [session] : [];
    });
    if (ended.length === 0) return;
    options.onInfo?.(
      `${ended[0]!.caller?.label ?? 'a caller'}: its credential was revoked; ending its ${ended.length} session(s)`,
    );
    for (const session of ended) {
      session.revoked = true;
      if (session.inflight === 0) void session.transport.close();
    }
  });

  // a body over the JSON parser's limit (100 kB) gets a JSON-RPC error, not an HTML page
  app.use(
    (
      error: { status?: number; type?: string; message?: string },
      _req: IncomingMessage,
      res: ServerResponse,
      next: (error?: unknown) => void,
    ) => {
      if (error.type === 'entity.too.large')
        return jsonRpcError(res, 413, -32600, 'Request body too large: the limit is 100 kB per message.');
      if (error.status === 400)
        return jsonRpcError(res, 400, -32700, `Parse error: ${error.message ?? 'invalid JSON'}`);
      next(error);
    },
  );
  app.all(MCP_PATH, (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(405, { allow: 'GET, POST, DELETE', 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: 'method_not_allowed',
        error_description: 'MCP over Streamable HTTP uses GET, POST and DELETE.',
      }),
    );
  });
  app.use(notFound);
  app.use(serverError(options.onError));

  const httpServer: Server = await listen(app, options.port, options.host);
  httpServer.on('error', (error) => options.onError?.(`HTTP server error: ${error.message}`));
  const { port } = httpServer.address() as AddressInfo;
  const hostForUrl = bracket(options.host);

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

function jsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}
