// HTTP through the real Streamable HTTP transport: a load of concurrent sessions making calls, and a
// flood (hundreds of sessions holding SSE streams, one session's 100-call batch) during which another
// session's single call must still come back with its result inside the sync budget.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { RawHttp } from './lib/http-client.mjs';
import { INITIALIZE } from './lib/stdio-session.mjs';
import { cpuMs, peakTracker, rss, start, stop } from './lib/processes.mjs';
import { now, percentile } from './lib/stats.mjs';
import { benchEnv } from './servers.mjs';
import { paths } from './paths.mjs';

/** Issue 9 adds bearer tokens; the bench uses them whenever the server offers them. */
export function supportsAuthToken(node) {
  return execFileSync(node.path, [paths.bin, '--help'], { encoding: 'utf8', env: benchEnv() }).includes('--auth-token');
}

async function startHttp(node, args, env) {
  const child = start(node.path, [paths.bin, '--http', '--host', '127.0.0.1', '--port', '0', ...args], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  const url = await new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-4_000);
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`HTTP server exited with ${code}: ${stderr}`)));
  });
  child.stderr.resume();
  return { child, url, close: () => stop(child) };
}

function authFor(auth, callers = 1) {
  if (!auth) return { args: [], header: undefined, headers: [] };
  const tokens = Array.from({ length: callers }, () => randomBytes(24).toString('hex'));
  const headers = tokens.map((token) => `Bearer ${token}`);
  return { args: ['--auth-token', tokens.join(',')], header: headers[0], headers };
}

const isHandle = (result) => result?.structuredContent?.operation !== undefined;

/**
 * `sessions` clients at once, each making `calls` cluster_list calls one after another. Each client is
 * its own caller (its own token), as the users of a team server are: one caller's sessions share one
 * lane and are capped by --max-sessions-per-caller (16), which would turn half of them away.
 */
export async function measureHttpLoad({ node, sessions, calls, auth }) {
  const credentials = authFor(auth, sessions);
  const server = await startHttp(node, credentials.args, benchEnv());
  const tracker = peakTracker(server.child.pid);
  const cpuBefore = cpuMs(server.child.pid);
  const latencies = [];
  let errors = 0;
  const firstErrors = [];
  const started = now();
  try {
    await Promise.all(
      Array.from({ length: sessions }, async (_, index) => {
        const client = new Client({ name: 'bench', version: '1' });
        const authorization = credentials.headers[index];
        const transport = new StreamableHTTPClientTransport(new URL(server.url), {
          requestInit: authorization ? { headers: { authorization } } : undefined,
        });
        try {
          await client.connect(transport);
          for (let i = 0; i < calls; i++) {
            const begun = now();
            try {
              const result = await client.callTool({ name: 'cluster_list', arguments: {} });
              if (result.isError || isHandle(result)) throw new Error(JSON.stringify(result.content).slice(0, 200));
              latencies.push(now() - begun);
            } catch (error) {
              errors++;
              if (firstErrors.length < 3) firstErrors.push(error.message);
            }
          }
        } catch (error) {
          errors += calls;
          if (firstErrors.length < 3) firstErrors.push(`session: ${error.message}`);
        } finally {
          await transport.terminateSession().catch(() => {});
          await client.close().catch(() => {});
        }
      }),
    );
    const wall = now() - started;
    const cpuPerCall = (cpuMs(server.child.pid) - cpuBefore) / (sessions * calls);
    return {
      cpuPerCall,
      sessions,
      calls,
      auth: Boolean(auth),
      errors,
      firstErrors,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      callsPerSecond: latencies.length / (wall / 1000),
      baseRss: tracker.base,
      peakRss: tracker.peak(),
    };
  } finally {
    tracker.stop();
    await server.close();
  }
}

/**
 * The flood: `streams` sessions each open an SSE stream; then one session sends a batch of `batch`
 * calls (each tp taking `delaySeconds`), and once the server has taken the batch, another session
 * makes one call. With calls queued first-come-first-served, that call waits behind the whole batch.
 */
export async function measureHttpFlood({
  node,
  streams,
  batch,
  auth,
  delaySeconds = 0.3,
  syncBudgetSeconds = 5,
  concurrency = 16,
}) {
  const credentials = authFor(auth);
  const server = await startHttp(
    node,
    [...credentials.args, '--sync-budget', String(syncBudgetSeconds)],
    benchEnv({ BENCH_TP_DELAY: String(delaySeconds) }),
  );
  const raw = new RawHttp(server.url, credentials.header);
  const opened = [];
  const refused = {};
  try {
    // the two sessions that matter exist before the flood, as a user's would
    const batcher = await raw.openSession();
    const bystander = await raw.openSession();
    if (!batcher.sessionId || !bystander.sessionId)
      throw new Error(`could not open sessions: ${batcher.status} ${bystander.status}`);
    const tracker = peakTracker(server.child.pid);

    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < streams) {
          next++;
          try {
            const session = await raw.openSession();
            const stream = session.sessionId ? await raw.openStream(session.sessionId) : undefined;
            if (stream?.status === 200) opened.push(stream);
            else {
              stream?.close();
              const status = stream?.status ?? session.status;
              refused[status] = (refused[status] ?? 0) + 1;
            }
          } catch (error) {
            refused[error.code ?? 'error'] = (refused[error.code ?? 'error'] ?? 0) + 1;
          }
        }
      }),
    );
    const rssWithStreams = rss(server.child.pid);

    const requests = Array.from({ length: batch }, (_, i) => ({
      jsonrpc: '2.0',
      id: i + 1,
      method: 'tools/call',
      params: { name: 'cluster_list', arguments: {} },
    }));
    let batchAccepted;
    const accepted = new Promise((resolve) => (batchAccepted = resolve));
    const batchDone = raw.request('POST', { sessionId: batcher.sessionId, body: requests, onResponse: batchAccepted });
    await Promise.race([accepted, batchDone]);

    const begun = now();
    const answer = await raw.request('POST', {
      sessionId: bystander.sessionId,
      body: { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'cluster_list', arguments: {} } },
    });
    const bystanderMs = now() - begun;
    const bystanderResult = answer.messages.find((message) => message.id === 1)?.result;

    const batchAnswer = await batchDone;
    const results = batchAnswer.messages.filter((message) => message.id !== undefined);
    return {
      streams,
      batch,
      auth: Boolean(auth),
      delaySeconds,
      syncBudgetSeconds,
      opened: opened.length,
      refused,
      baseRss: tracker.base,
      rssWithStreams,
      peakRss: tracker.peak(),
      bystanderMs,
      bystanderStatus: answer.status,
      bystanderInBudget:
        answer.status === 200 &&
        bystanderResult !== undefined &&
        !bystanderResult.isError &&
        !isHandle(bystanderResult),
      batchStatus: batchAnswer.status,
      batchCompleted: results.filter(
        (message) => message.result && !message.result.isError && !isHandle(message.result),
      ).length,
      batchHandles: results.filter((message) => isHandle(message.result)).length,
      batchErrors: results.filter((message) => message.error || message.result?.isError).length,
    };
  } finally {
    for (const stream of opened) stream.close();
    await server.close();
  }
}

/** Issue 18 adds per-address limits on key checks; the key flood runs only against a server that has them. */
export function supportsKeyFlood(node) {
  return execFileSync(node.path, [paths.bin, '--help'], { encoding: 'utf8', env: benchEnv() }).includes(
    '--trust-proxy',
  );
}

/** One initialize with `key`, sent from `localAddress` (any of 127.0.0.0/8 reaches loopback on Linux). */
function initializeFrom(url, key, localAddress, agent) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        localAddress,
        agent,
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: INITIALIZE }));
  });
}

/**
 * The key flood of issue 18 under --auth tensorpool-key: `loops` loops send initialize with random keys
 * from 127.0.0.1 while `team` members with valid keys open sessions from 127.0.0.2 on. Counted: how many
 * members got in within 5 s, how many `tp me` runs the flood cost, and the server's peak RSS.
 */
export async function measureKeyFlood({ node, loops = 12, team = 8, floodMs = 10_000, tpSeconds = 0.5 }) {
  const dir = mkdtempSync(join(tmpdir(), 'tpmcp-bench-keys-'));
  const log = join(dir, 'tp.log');
  const keys = Array.from({ length: team }, (_, i) => `tpk_team_${i}_${randomBytes(8).toString('hex')}`);
  const server = await startHttp(
    node,
    ['--auth', 'tensorpool-key'],
    benchEnv({ BENCH_TP_VALID_KEYS: keys.join(','), BENCH_TP_LOG: log, BENCH_TP_DELAY: String(tpSeconds) }),
  );
  const tracker = peakTracker(server.child.pid);
  const statuses = {};
  let stopAt = Infinity;
  let floodRequests = 0;
  try {
    const started = now();
    const flooding = Array.from({ length: loops }, async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        // stops by itself: when the flood time is over, or after its last request at the latest
        for (let i = 0; i < 100_000 && now() < Math.min(stopAt, started + floodMs); i++) {
          const status = await initializeFrom(
            server.url,
            `tpk_${randomBytes(12).toString('hex')}`,
            '127.0.0.1',
            agent,
          ).catch((error) => error.code ?? 'error');
          statuses[status] = (statuses[status] ?? 0) + 1;
          floodRequests++;
        }
      } finally {
        agent.destroy();
      }
    });
    // the team arrives one second into the flood
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const teamStarted = now();
    const times = await Promise.all(
      keys.map(async (key, i) => {
        const status = await initializeFrom(server.url, key, `127.0.0.${i + 2}`).catch(() => 0);
        return status === 200 ? now() - teamStarted : Infinity;
      }),
    );
    stopAt = Math.max(now(), started + floodMs);
    await Promise.all(flooding);
    const runs = readFileSync(log, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('me '));
    return {
      loops,
      team,
      tpSeconds,
      floodSeconds: (now() - started) / 1000,
      floodRequests,
      statuses,
      teamIn5s: times.filter((ms) => ms < 5_000).length,
      teamSlowestMs: Math.max(...times),
      floodChecks: runs.filter((line) => !keys.includes(line.slice(3))).length,
      baseRss: tracker.base,
      peakRss: tracker.peak(),
    };
  } finally {
    tracker.stop();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
