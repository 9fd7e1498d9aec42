// Raw Streamable HTTP requests for the flood, where hundreds of sessions would make the SDK client
// the bottleneck: node:http with one socket per request, answers read from JSON or SSE bodies.
import http from 'node:http';
import { INITIALIZE } from './stdio-session.mjs';

export class RawHttp {
  constructor(url, authHeader) {
    this.url = new URL(url);
    this.headers = authHeader ? { authorization: authHeader } : {};
  }

  request(method, { body, sessionId, accept = 'application/json, text/event-stream', onResponse } = {}) {
    return new Promise((resolve, reject) => {
      const headers = { ...this.headers, accept, ...(sessionId ? { 'mcp-session-id': sessionId } : {}) };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const req = http.request(this.url, { method, headers, agent: false }, (res) => {
        onResponse?.(res);
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            messages: parseBody(res, Buffer.concat(chunks).toString()),
          }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  /** initialize + notifications/initialized; the session id, or the HTTP status that refused it. */
  async openSession() {
    const init = await this.request('POST', {
      body: { jsonrpc: '2.0', id: 0, method: 'initialize', params: INITIALIZE },
    });
    const sessionId = init.headers['mcp-session-id'];
    if (init.status !== 200 || !sessionId) return { status: init.status };
    await this.request('POST', { sessionId, body: { jsonrpc: '2.0', method: 'notifications/initialized' } });
    return { status: init.status, sessionId };
  }

  /** GET /mcp: the session's server-to-client stream, held open until close(). */
  openStream(sessionId) {
    return new Promise((resolve, reject) => {
      const req = http.request(
        this.url,
        {
          method: 'GET',
          headers: { ...this.headers, accept: 'text/event-stream', 'mcp-session-id': sessionId },
          agent: false,
        },
        (res) => {
          res.resume();
          res.on('error', () => {});
          resolve({ status: res.statusCode, close: () => req.destroy() });
        },
      );
      req.on('error', reject);
      req.end();
    });
  }
}

function parseBody(res, text) {
  if (!text) return [];
  if (String(res.headers['content-type']).includes('text/event-stream')) {
    return text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)));
  }
  try {
    const parsed = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : [parsed];
  } catch {
    return [];
  }
}
