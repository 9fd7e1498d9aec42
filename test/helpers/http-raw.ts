import { request, type Agent, type IncomingHttpHeaders } from 'node:http';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One plain HTTP request, with full control of Host, Origin and Authorization. */
export function rawRequest(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    localAddress?: string;
    agent?: Agent;
  } = {},
): Promise<RawResponse> {
  return new Promise((done, fail) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers,
        localAddress: options.localAddress,
        agent: options.agent,
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk));
        res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', fail);
    req.end(options.body);
  });
}

export const PROTOCOL_VERSION = '2025-06-18';

export const INITIALIZE = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'raw-test', version: '1' } },
};

/** A JSON-RPC POST to /mcp as a Streamable HTTP client sends it. */
export function mcpPost(
  url: string,
  message: unknown,
  headers: Record<string, string> = {},
  from: { localAddress?: string; agent?: Agent } = {},
): Promise<RawResponse> {
  return rawRequest(url, {
    ...from,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': PROTOCOL_VERSION,
      ...headers,
    },
    body: JSON.stringify(message),
  });
}

/** Opens a session the raw way: initialize, then the initialized notification. Returns its id. */
export async function openSession(
  url: string,
  headers: Record<string, string> = {},
  from: { localAddress?: string } = {},
): Promise<string> {
  const init = await mcpPost(url, INITIALIZE, headers, from);
  const id = init.headers['mcp-session-id'];
  if (init.status !== 200 || typeof id !== 'string')
    throw new Error(`initialize answered ${init.status}: ${init.body}`);
  await mcpPost(
    url,
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    { ...headers, 'mcp-session-id': id },
    from,
  );
  return id;
}

/** The JSON-RPC messages of an SSE (or plain JSON) response body. */
export function messagesOf(response: RawResponse): Array<{ id?: unknown; result?: any; error?: any }> {
  if (String(response.headers['content-type']).startsWith('application/json')) return [JSON.parse(response.body)];
  return response.body
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice('data: '.length)));
}
