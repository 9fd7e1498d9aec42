import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Authenticator } from '../http/auth/index.js';
import { defaultHttpSecurity, type HttpSecurityConfig } from '../config/http-security.js';
import { listen, notFound, sendJson, serverError, stopListening } from '../http/edges.js';
import { requestGuards } from '../http/guards.js';
import { MCP_PATH, mcpRoutes, type SessionServerFactory } from './http-routes.js';
import { readinessHandler, type Readiness } from '../http/readiness.js';
import { SessionTable } from './http-session-table.js';
import { bracket } from '../net.js';
import type { Clock } from '../operations/clock.js';

export interface HttpOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /**
   * A fresh server for each session, for the caller that opened it (undefined without auth). `lane`
   * stands for that caller in the tp process queue, shared by all its sessions; undefined without auth,
   * where each session is its own.
   */
  createServer: SessionServerFactory;
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
  /** Times idle sessions; the system's outside tests. */
  clock?: Clock;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  /** Number of open MCP sessions. */
  sessionCount(): number;
  /** Ends every session (aborting its calls), then stops listening. */
  close(): Promise<void>;
}

/**
 * Streamable HTTP at /mcp with sessions, plus /healthz and /readyz, in this order: the probes (any
 * Host), the guards (Host, Origin, CORS, OAuth metadata, bearer check; src/http/guards.ts), the MCP
 * routes (http-routes.ts) over the session table (http-session-table.ts), then JSON for
 * anything else. It knows sessions and callers, never tools: `createServer` makes each session's server.
 */
export async function startHttpServer(options: HttpOptions): Promise<RunningHttpServer> {
  const security = options.security ?? defaultHttpSecurity(options.host);
  if (security.auth.mode !== 'none' && !options.authenticator)
    throw new Error(`auth mode ${security.auth.mode} needs an authenticator`);
  const sessions = new SessionTable({
    maxSessions: security.maxSessions,
    maxSessionsPerCaller: security.maxSessionsPerCaller,
    idleMs: options.sessionIdleMs,
    clock: options.clock,
  });
  options.authenticator?.onRevoked?.((callerId) => endRevoked(sessions, callerId, options.onInfo));

  const app = express();
  app.disable('x-powered-by');
  app.use(probes(options));
  app.use(requestGuards({ security, authenticator: options.authenticator, mcpPath: MCP_PATH, onInfo: options.onInfo }));
  app.use(mcpRoutes(sessions, options.createServer));
  app.use(notFound);
  app.use(serverError(options.onError));

  const httpServer = await listen(app, options.port, options.host);
  httpServer.on('error', (error) => options.onError?.(`HTTP server error: ${error.message}`));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://${bracket(options.host)}:${port}${MCP_PATH}`,
    port,
    sessionCount: () => sessions.size,
    close: async () => {
      await sessions.closeAll();
      await stopListening(httpServer);
    },
  };
}

/** GET /healthz and /readyz answer whatever the Host: a kubelet or load balancer sends the pod's address. */
function probes(options: Pick<HttpOptions, 'version' | 'readiness'>) {
  const router = express.Router();
  router.get('/healthz', (_req: IncomingMessage, res: ServerResponse) =>
    sendJson(res, 200, { status: 'ok', version: options.version }),
  );
  router.get('/readyz', readinessHandler(options.readiness ?? (async () => ({ ready: true, detail: {} }))));
  return router;
}

/** A credential TensorPool stopped accepting ends every session of its caller (see SessionTable.revoke). */
function endRevoked(sessions: SessionTable, callerId: string, onInfo?: (message: string) => void): void {
  const ended = sessions.revoke(callerId);
  if (ended.length === 0) return;
  onInfo?.(
    `${ended[0]!.caller?.label ?? 'a caller'}: its credential was revoked; ending its ${ended.length} session(s)`,
  );
}
