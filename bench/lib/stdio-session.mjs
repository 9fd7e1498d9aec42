// A minimal MCP client over a child's stdin/stdout (newline-delimited JSON-RPC), the same for every
// server measured, so client-side cost never differs between contestants.
import { now } from './stats.mjs';

export const INITIALIZE = {
  protocolVersion: '2025-06-18',
  capabilities: {},
  clientInfo: { name: 'tensorpool-mcp-bench', version: '1' },
};

export class StdioSession {
  constructor(child) {
    this.child = child;
    this.nextId = 1;
    this.pending = new Map();
    this.onNotification = undefined;
    // chunks are kept until a newline arrives: a 0.5 MB result comes in many pieces
    let parts = [];
    child.stdout.on('data', (chunk) => {
      let start = 0;
      let newline = chunk.indexOf(10);
      while (newline !== -1) {
        parts.push(chunk.subarray(start, newline));
        this.dispatch(Buffer.concat(parts).toString('utf8'));
        parts = [];
        start = newline + 1;
        newline = chunk.indexOf(10, start);
      }
      if (start < chunk.length) parts.push(chunk.subarray(start));
    });
    child.once('exit', (code, signal) => {
      for (const { reject } of this.pending.values())
        reject(new Error(`server exited (${code ?? signal}) before answering`));
      this.pending.clear();
    });
  }

  dispatch(line) {
    if (!line.trim()) return;
    const message = JSON.parse(line);
    if (message.id !== undefined && this.pending.has(message.id)) {
      const { resolve, started } = this.pending.get(message.id);
      this.pending.delete(message.id);
      resolve({ message, ms: now() - started });
    } else if (message.method) {
      this.onNotification?.(message);
    }
  }

  /** Sends a request; resolves with the response and the round trip in ms. */
  request(method, params = {}) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, started: now() });
      this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    });
  }

  notify(method, params = {}) {
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method, params })}\n`);
  }

  async initialize() {
    const { message } = await this.request('initialize', INITIALIZE);
    if (message.error) throw new Error(`initialize failed: ${message.error.message}`);
    this.notify('notifications/initialized');
    return message.result;
  }

  async callTool(name, args = {}, meta) {
    const { message, ms } = await this.request('tools/call', {
      name,
      arguments: args,
      ...(meta ? { _meta: meta } : {}),
    });
    if (message.error) throw new Error(`${name} failed: ${message.error.message}`);
    return { result: message.result, ms };
  }
}
