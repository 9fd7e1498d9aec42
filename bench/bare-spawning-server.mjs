// The per-call baseline: a bare MCP SDK stdio server whose one tool spawns the stand-in tp with the
// argv cluster_list uses and returns what it printed. The SDK's JSON-RPC and zod work plus one
// process hop: the floor of any MCP server that wraps a CLI.
import { spawn } from 'node:child_process';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const tp = process.env.BENCH_TP;
const server = new McpServer({ name: 'bare-spawning', version: '1.0.0' });
server.registerTool(
  'cluster_list',
  { description: 'List clusters', inputSchema: { instances: z.boolean().default(false) } },
  () =>
    new Promise((resolve, reject) => {
      const child = spawn(tp, ['--no-input', 'cluster', 'list'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const out = [];
      child.stdout.on('data', (chunk) => out.push(chunk));
      child.stderr.resume();
      child.once('error', reject);
      child.once('close', (code) =>
        resolve({ content: [{ type: 'text', text: Buffer.concat(out).toString() }], isError: code !== 0 }),
      );
    }),
);
await server.connect(new StdioServerTransport());
process.stdin.on('end', () => process.exit(0));
