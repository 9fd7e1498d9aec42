import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

export interface StdioOptions {
  server: McpServer;
  /** Called once when the session is over (stdin ended, signal, or stdout gone); should stop children and exit. */
  onEnd: (reason: string) => void;
}

/** Serves one MCP session over this process's stdin and stdout. */
export async function serveStdio({ server, onEnd }: StdioOptions): Promise<void> {
  let ended = false;
  const end = (reason: string) => {
    // a second signal while stopping means now: the exit hook still SIGKILLs every tp group
    if (ended) {
      if (reason.startsWith('SIG')) process.exit(1);
      return;
    }
    ended = true;
    onEnd(reason);
  };
  // the client closing our stdin is how it says goodbye, and how we learn that it died
  process.stdin.once('end', () => end('stdin closed'));
  process.stdin.once('close', () => end('stdin closed'));
  // a reader that went away must not produce a stack trace on stderr
  process.stdout.on('error', (error: NodeJS.ErrnoException) => end(error.code === 'EPIPE' ? 'stdout closed' : `stdout error: ${error.message}`));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => end(signal));
  await server.connect(new StdioServerTransport());
}
