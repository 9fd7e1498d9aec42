import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from 'cors';
import { Router } from 'express';
import type { Authenticator } from './auth/authenticator.js';
import { requireBearer } from './auth/middleware.js';
import { METADATA_PREFIX, protectedResourceMetadata, resourceOf } from './auth/resource-metadata.js';
import type { AllowList, HttpSecurityConfig } from '../config/http-security.js';
import { hostAndOriginCheck, normalizeOrigin } from './host-origin.js';

export interface GuardOptions {
  security: HttpSecurityConfig;
  /** undefined: no authentication (loopback, or --allow-unauthenticated). */
  authenticator?: Authenticator;
  mcpPath: string;
  onInfo?: (message: string) => void;
}

/** The headers a browser client must be allowed to send and to read for Streamable HTTP with a bearer token. */
const CORS_REQUEST_HEADERS = [
  'Content-Type',
  'Accept',
  'Authorization',
  'Mcp-Session-Id',
  'Mcp-Protocol-Version',
  'Last-Event-ID',
];
const CORS_EXPOSED_HEADERS = ['Mcp-Session-Id', 'Mcp-Protocol-Version', 'WWW-Authenticate'];

/**
 * Everything between the socket and the MCP routes, in order: Host and Origin (403), CORS (only with
 * --cors-origin), the OAuth protected-resource metadata (public), and authentication of /mcp (401).
 * Nothing here reads a body, so a refused request costs no parsing. (The SDK's createMcpExpressApp parses
 * every body first, which is why it is not used; docs/architecture.md compares each SDK helper.)
 */
export function requestGuards({ security, authenticator, mcpPath, onInfo }: GuardOptions): Router {
  const router = Router();
  const corsOrigins = normalizeList(security.corsOrigins);
  const allowedOrigins = normalizeList(security.allowedOrigins)!;
  router.use(
    hostAndOriginCheck(
      // a page the operator opened CORS to may of course send requests
      { allowedHosts: security.allowedHosts, allowedOrigins: union(allowedOrigins, corsOrigins) },
      (host) =>
        onInfo?.(`refused a request for Host ${host}; if that is this server's name, add it with --allowed-hosts`),
    ),
  );
  if (corsOrigins !== undefined) {
    router.use(
      cors({
        origin: corsOrigins === 'any' ? '*' : [...corsOrigins],
        methods: ['GET', 'POST', 'DELETE'],
        allowedHeaders: CORS_REQUEST_HEADERS,
        exposedHeaders: CORS_EXPOSED_HEADERS,
        maxAge: 600,
      }),
    );
  }
  const auth = security.auth;
  if (auth.mode === 'oauth') {
    const metadata = (req: IncomingMessage, res: ServerResponse) => {
      const document = protectedResourceMetadata({
        resource: resourceOf(auth.audience, req, mcpPath),
        issuer: auth.issuer,
        scopes: auth.scopes,
      });
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=3600' });
      res.end(JSON.stringify(document));
    };
    // the bare prefix, and the prefix followed by the resource's path (RFC 9728 §3.1), whatever a proxy put in front
    router.get(METADATA_PREFIX, metadata);
    router.get(`${METADATA_PREFIX}/*path`, metadata);
  }
  if (authenticator) router.use(mcpPath, requireBearer(authenticator, security.trustProxy));
  return router;
}

function normalizeList(list: AllowList | undefined): AllowList | undefined {
  if (list === undefined || list === 'any') return list;
  return list.map((origin) => normalizeOrigin(origin) ?? origin);
}

function union(a: AllowList, b: AllowList | undefined): AllowList {
  if (a === 'any' || b === 'any') return 'any';
  return [...a, ...(b ?? [])];
}
