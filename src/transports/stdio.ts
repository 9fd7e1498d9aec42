import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

export interface StdioOptions {
  server: McpServer;
  /** Called when the client is gone (stdin ended, or stdout closed); should stop children and exit. */
  onEnd: (reason: string) => void;
}

/** Serves one MCP session over this process's stdin and stdout. */
export async function serveStdio({ server, onEnd }: StdioOptions): Promise<void> {
  // the client closing our stdin is how it says goodbye, and how we learn that it died
  process.stdin.once('end', () => onEnd('stdin closed'));
  process.stdin.once('close', () => onEnd('stdin closed'));
  // a reader that went away must not produce a stack trace on stderr
  process.stdout.on('error', (error: NodeJS.ErrnoException) =>
    onEnd(error.code === 'EPIPE' ? 'stdout closed' : `stdout error: ${error.message}`),
  );
  await server.connect(new StdioServerTransport());
}
