// Memory under 200 MB of tp output: a full tool call through the server (bounded result, spooled
// output file, progress notifications to the client), sampling this process's RSS while it runs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createServer, TpRunner } from '../dist/index.js';

const BYTES = Number(process.env.BENCH_OUTPUT_MB ?? 200) * 1024 * 1024;
const fakeTp = fileURLToPath(new URL('../test/fake-tp/main.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tpmcp-bench-'));
const env = { ...process.env, TENSORPOOL_KEY: 'bench-key-0123456789', FAKE_TP_OUTPUT_BYTES: String(BYTES) };

const runner = new TpRunner({ tpPath: fakeTp, env, timeoutMs: 600_000 });
const server = createServer({ runner, config: { allowedDirs: [dir], syncBudgetMs: 600_000 } });
const client = new Client({ name: 'bench', version: '1' });
const [a, b] = InMemoryTransport.createLinkedPair();
await Promise.all([server.connect(b), client.connect(a)]);

global.gc?.();
const baseline = process.memoryUsage().rss;
let peak = baseline;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
let notifications = 0;
const started = performance.now();
const result = await client.callTool({ name: 'cluster_list', arguments: {} }, undefined, { onprogress: () => notifications++, timeout: 600_000 });
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);

const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const resultBytes = JSON.stringify(result).length;
console.log(`memory under ${mb(BYTES)} MB of tp output, Node ${process.version}`);
console.log(`  call took ${seconds.toFixed(1)} s (${mb(BYTES / seconds)} MB/s), ${notifications} progress notifications`);
console.log(`  RSS baseline ${mb(baseline)} MB, peak ${mb(peak)} MB, growth ${mb(peak - baseline)} MB`);
console.log(`  result ${mb(resultBytes)} MB, truncated=${result.structuredContent.truncated}`);
console.log(`  ratio peak growth / output size: ${((peak - baseline) / BYTES).toFixed(3)}`);

await client.close();
await server.close();
await runner.shutdown();
rmSync(dir, { recursive: true, force: true });
