// Runs the MCP conformance suite (@modelcontextprotocol/conformance) against the built server over HTTP
// on 127.0.0.1, with the fake tp of test/fake-tp/ standing in for TensorPool: what the 2025-11-25
// revision of the specification requires, judged against .ci/conformance-expected-failures.yml.
// `npm run build` first; the suite needs Node 22 or later. .ci/run runs it as `$node22 scripts/conformance.mjs`.
// Exits with the suite's code: non-zero on a failure not in that file, or on a listed one that now passes.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const suite = join(root, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
const expectedFailures = join(root, '.ci', 'conformance-expected-failures.yml');
const REQUIREMENTS = '2025-11-25';
// the fake tp's test key: nothing reaches TensorPool
const TEST_KEY = 'tpk_test_7f3a9c2e5b1d8046_SECRET';

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(`conformance: the suite needs Node 22 or later, this is Node ${process.versions.node}`);
  process.exit(2);
}
if (!existsSync(join(root, 'dist', 'cli.js'))) {
  console.error('conformance: dist/ is missing: run `npm run build` first');
  process.exit(2);
}

/** Starts the built server on a free port of 127.0.0.1 and resolves once it says where it listens. */
function startServer(workspace) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('TENSORPOOL') && !name.startsWith('FAKE_TP')),
  );
  const args = ['--http', '--port', '0', '--host', '127.0.0.1', '--tp-path', join(root, 'test', 'fake-tp', 'main.mjs')];
  const child = spawn(process.execPath, [join(root, 'bin', 'tensorpool-mcp.js'), ...args], {
    cwd: workspace,
    env: { ...env, TENSORPOOL_KEY: TEST_KEY, FAKE_TP_LOG: join(workspace, 'tp-calls.jsonl') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const listening = new Promise((done, fail) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) done(match[1]);
    });
    child.once('exit', (code) => fail(new Error(`the server exited (${code}) before it listened:\n${stderr}`)));
  });
  return { child, listening };
}

function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', done);
    child.kill('SIGTERM');
  });
}

const workspace = mkdtempSync(join(tmpdir(), 'tensorpool-conformance-'));
const server = startServer(workspace);
let code = 1;
try {
  const url = await server.listening;
  const run = spawn(
    process.execPath,
    [suite, 'server', '--url', url, '--requirements', REQUIREMENTS, '--expected-failures', expectedFailures],
    // the suite writes its results/ folder into its working directory
    { cwd: workspace, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  code = await new Promise((done) => run.once('exit', (exitCode, signal) => done(exitCode ?? (signal ? 1 : 0))));
} catch (error) {
  console.error(`conformance: ${error.message}`);
} finally {
  await stop(server.child);
  rmSync(workspace, { recursive: true, force: true });
}
process.exit(code);
