// Stdio cold start: spawn until `initialize` and `tools/list` are both answered, for tensorpool-mcp
// and for a bare SDK server with one tool, alternating runs on the same Node. Reports medians and their ratio.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const servers = {
  'tensorpool-mcp': [here('../bin/tensorpool-mcp.js'), '--stdio'],
  'bare SDK server': [here('./bare-server.mjs')],
};

const messages = [
  { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } },
  { jsonrpc: '2.0', method: 'notifications/initialized' },
  { jsonrpc: '2.0', id: 2, method: 'tools/list' },
];

function coldStart(args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'ignore'], env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    let buffer = '';
    let tools = 0;
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      for (const line of buffer.split('\n').slice(0, -1)) {
        const message = JSON.parse(line);
        if (message.id === 2) {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          tools = message.result.tools.length;
          child.stdin.end();
          child.once('exit', () => resolve({ ms, tools }));
        }
      }
      buffer = buffer.slice(buffer.lastIndexOf('\n') + 1);
    });
    child.on('error', reject);
    for (const message of messages) child.stdin.write(`${JSON.stringify(message)}\n`);
  });
}

const median = (values) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)];
const times = Object.fromEntries(Object.keys(servers).map((name) => [name, []]));
const toolCounts = {};
for (let run = 0; run < RUNS + 2; run++) {
  for (const [name, args] of Object.entries(servers)) {
    const { ms, tools } = await coldStart(args);
    toolCounts[name] = tools;
    if (run >= 2) times[name].push(ms); // the first runs warm the disk cache
  }
}
console.log(`stdio cold start, ${RUNS} alternating runs each, Node ${process.version}`);
for (const [name, values] of Object.entries(times)) {
  console.log(`  ${name.padEnd(16)} median ${median(values).toFixed(1)} ms  (min ${Math.min(...values).toFixed(1)}, max ${Math.max(...values).toFixed(1)}, ${toolCounts[name]} tools)`);
}
const ratio = median(times['tensorpool-mcp']) / median(times['bare SDK server']);
console.log(`  ratio tensorpool-mcp / bare: ${ratio.toFixed(2)}`);
