import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { ListenError } from '../errors.js';
import { unbracket } from '../net.js';

/**
 * Listens, or fails with one sentence a person can act on. (Express 5's app.listen hands a failed bind
 * to its callback, where `address()` is null; starting the server ourselves keeps the 'error' event.)
 */
export function listen(handler: RequestListener, port: number, host: string): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => reject(new ListenError(listenProblem(error, port, host)));
    server.once('error', failed);
    server.listen(port, unbracket(host), () => {
      server.off('error', failed);
      resolve(server);
    });
  });
}

/** Stops listening and drops every connection, idle keep-alive ones too, so no socket outlives the server. */
export function stopListening(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export function listenProblem(error: NodeJS.ErrnoException, port: number, host: string): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return `port ${port} is in use; pick another with --port`;
    case 'EACCES':
      return port < 1024
        ? `port ${port} needs root on this system; pick one above 1023 with --port`
        : `not allowed to listen on ${host} port ${port}`;
    case 'EADDRNOTAVAIL':
      return `cannot bind --host ${host}: no network interface of this machine has that address`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return `cannot bind --host ${host}: the name does not resolve to an address`;
    default:
      return `cannot listen on ${host} port ${port}: ${error.message}`;
  }
}

/** Unknown paths get JSON, as everything else here, not Express's HTML page. */
export function notFound(req: IncomingMessage, res: ServerResponse): void {
  sendJson(res, 404, {
    error: 'not_found',
    error_description: `Nothing at ${req.method} ${(req.url ?? '/').split('?')[0]}; MCP is served at /mcp.`,
  });
}

/** The last error handler: a bug answers 500 in JSON, and its details go to the log only. */
export function serverError(onError?: (message: string) => void) {
  return (error: unknown, _req: IncomingMessage, res: ServerResponse, _next: (error?: unknown) => void): void => {
    onError?.(`HTTP request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendJson(res, 500, { error: 'server_error', error_description: 'The server hit an internal error.' });
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
