// An audit that a known API key never leaves the server by any path: tool results (text and
// structuredContent), error results, notifications, the server's stderr log, and files the server
// leaves in the temp directory. The fake tp is told to print the key on stdout and stderr, and to fail.
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, lstatSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Notification, Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_TP, FakeTpWorkspace, baseEnv } from '../helpers/fake-tp.js';
import { BIN, assertBuilt, startHttpProcess, stopProcess, type HttpServerProcess } from '../helpers/server-process.js';
import { publicKeyLine } from '../helpers/ssh-keys.js';

const AUDIT_KEY = 'tpk_AUDIT_5f0c2b7e9d1a4c3b8e6f';
const FRAGMENT_LENGTH = 12;
/** Every piece of the key long enough to identify it: a partial leak counts as a leak. */
const FRAGMENTS = Array.from({ length: AUDIT_KEY.length - FRAGMENT_LENGTH + 1 }, (_, i) => AUDIT_KEY.slice(i, i + FRAGMENT_LENGTH));

/** The first fragment of the key found in `text`, with some context, or undefined when it is clean. */
function leakIn(text: string): string | undefined {
  for (const fragment of FRAGMENTS) {
    const at = text.indexOf(fragment);
    if (at >= 0) return `"${fragment}" in …${JSON.stringify(text.slice(Math.max(0, at - 80), at + fragment.length + 80))}…`;
  }
  return undefined;
}

interface Finding {
  where: string;
  leak: string;
}

/** Collects every place the key showed up, so one failing assertion names all of them. */
class Audit {
  readonly findings: Finding[] = [];
  check(where: string, text: string | undefined): void {
    if (text === undefined) return;
    const leak = leakIn(text);
    if (leak) this.findings.push({ where, leak });
  }
  report(): string {
    return this.findings.map((f) => `${f.where}: ${f.leak}`).join('\n');
  }
}

const PUBLIC_KEY = publicKeyLine('ssh-ed25519', 'audit@laptop');

/** A valid value for each parameter name; `dirs` gives each file tool its own directory. */
function valueFor(tool: string, param: string, dirs: Dirs): unknown {
  const perTool: Record<string, Record<string, unknown>> = {
    job_init: { workdir: dirs.init },
    job_write_config: { workdir: dirs.write },
    job_push: { workdir: dirs.push },
    job_pull: { workdir: dirs.pull },
  };
  if (perTool[tool] && param in perTool[tool]!) return perTool[tool]![param];
  const values: Record<string, unknown> = {
    instance_type: '1xH100',
    ssh_public_key: PUBLIC_KEY,
    public_key: PUBLIC_KEY,
    num_nodes: 1,
    name: 'audit-name',
    deletion_protection: true,
    container: 'nvcr.io/nvidia/pytorch:24.01-py3',
    wait: false,
    org: true,
    instances: true,
    cluster_id: 'c-audit1',
    storage_id: 's-audit1',
    confirm: true,
    size_gb: 100,
    job_id: 'job-audit1',
    key_id: 'key-audit1',
    bucket_name: 'audit-bucket',
    command: 'cluster create',
    commands: ['pip install -r requirements.txt', 'python train.py'],
    outputs: ['checkpoints/'],
    ignore: ['.venv'],
    filename: 'job.tp.toml',
    overwrite: true,
    config_path: dirs.config,
    teardown: true,
    force: true,
    private_key_path: dirs.privateKey,
  };
  return values[param];
}

/** Parameters the fake's generation (0.0.9) refuses: left out, so every call gets as far as tp. */
const OMITTED = new Set(['volume_type']);

function argumentsFor(tool: Tool, dirs: Dirs): Record<string, unknown> {
  const properties = Object.keys(tool.inputSchema.properties ?? {});
  const required = new Set(tool.inputSchema.required ?? []);
  const args: Record<string, unknown> = {};
  for (const param of properties) {
    if (OMITTED.has(param)) continue;
    const value = valueFor(tool.name, param, dirs);
    if (value === undefined) {
      // a new required parameter must get a value here, or the audit would only see a validation error
      if (required.has(param)) throw new Error(`secret audit: no valid value for required parameter ${param} of ${tool.name}; add one to valueFor()`);
      continue;
    }
    args[param] = value;
  }
  return args;
}

interface Dirs {
  allowed: string;
  init: string;
  write: string;
  push: string;
  pull: string;
  config: string;
  privateKey: string;
}

function prepareDirs(ws: FakeTpWorkspace): Dirs {
  const allowed = join(ws.dir, 'project');
  const dirs: Dirs = {
    allowed,
    init: join(allowed, 'init'),
    write: join(allowed, 'write'),
    push: join(allowed, 'push'),
    pull: join(allowed, 'pull'),
    config: join(allowed, 'push', 'job.tp.toml'),
    privateKey: join(allowed, 'id_ed25519'),
  };
  for (const dir of [dirs.init, dirs.write, dirs.push, dirs.pull]) mkdirSync(dir, { recursive: true });
  writeFileSync(dirs.config, 'commands = ["python train.py"]\noutputs = ["out/"]\nignore = [".env"]\ninstance_type = "1xH100"\n');
  // a stand-in: job_pull only checks that the file exists and hands its path to tp
  writeFileSync(dirs.privateKey, 'not a real private key\n', { mode: 0o600 });
  return dirs;
}

/** Entries named tensorpool-mcp-* in the temp directory. */
function serverTempEntries(): Set<string> {
  return new Set(readdirSync(tmpdir()).filter((name) => name.startsWith('tensorpool-mcp-')));
}

/** Every regular file under `path` (or `path` itself), as [path, content]; entries that vanish meanwhile are skipped. */
function filesUnder(path: string): [string, string][] {
  try {
    const stat = lstatSync(path);
    if (stat.isDirectory()) return readdirSync(path).flatMap((name) => filesUnder(join(path, name)));
    if (stat.isFile()) return [[path, readFileSync(path, 'latin1')]];
  } catch {
    // removed while we looked (another test's server) or unreadable: nothing of ours
  }
  return [];
}

type KeyVar = 'TENSORPOOL_API_KEY' | 'TENSORPOOL_KEY';
type Mode = 'echo' | 'fail';
type TransportKind = 'stdio' | 'http';

const SERVER_ARGS = ['--tp-path', FAKE_TP, '--toolsets', 'all', '--allow-secrets'];

function serverEnv(ws: FakeTpWorkspace, keyVar: KeyVar, mode: Mode): Record<string, string | undefined> {
  return {
    ...baseEnv(),
    FAKE_TP_LOG: ws.logFile,
    [keyVar]: AUDIT_KEY,
    FAKE_TP_ECHO_SECRETS: '1',
    FAKE_TP_STDERR: `warning: found api_key=${AUDIT_KEY} in the environment`,
    ...(mode === 'fail' ? { FAKE_TP_FAIL: '1' } : {}),
  };
}

let ws: FakeTpWorkspace;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(() => assertBuilt());
beforeEach(() => {
  ws = new FakeTpWorkspace();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  ws.cleanup();
});

interface Running {
  client: Client;
  /** Stops the server and resolves with everything it wrote on stderr. */
  stop(): Promise<string>;
}

function newClient(notifications: Notification[]): Client {
  const client = new Client({ name: 'secret-audit', version: '1.0.0' });
  client.fallbackNotificationHandler = async (notification) => {
    notifications.push(notification);
  };
  return client;
}

async function startStdio(env: Record<string, string | undefined>, args: string[], notifications: Notification[]): Promise<Running> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, '--stdio', ...args],
    env: env as Record<string, string>,
    cwd: ws.dir,
    stderr: 'pipe',
  });
  let stderr = '';
  const stderrStream = transport.stderr!;
  stderrStream.on('data', (chunk: Buffer) => (stderr += chunk));
  const stderrEnded = once(stderrStream, 'end').catch(() => undefined);
  const client = newClient(notifications);
  cleanups.push(() => client.close());
  await client.connect(transport);
  return {
    client,
    stop: async () => {
      // closing stdin is the client's goodbye: the server stops its tp calls and exits
      await client.close();
      await Promise.race([stderrEnded, new Promise((r) => setTimeout(r, 3000))]);
      return stderr;
    },
  };
}

async function startHttp(env: Record<string, string | undefined>, args: string[], notifications: Notification[]): Promise<Running> {
  const server: HttpServerProcess = await startHttpProcess(args, env, ws.dir);
  const child: ChildProcess = server.child;
  const closed = once(child, 'close').catch(() => undefined);
  cleanups.push(() => stopProcess(child));
  const client = newClient(notifications);
  cleanups.push(() => client.close());
  await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
  return {
    client,
    stop: async () => {
      await client.close();
      expect(await stopProcess(child)).toBe(0);
      await Promise.race([closed, new Promise((r) => setTimeout(r, 3000))]);
      return server.stderr();
    },
  };
}

/** Tools that never start a tp command (so the fake never gets to print the key for them). */
const NO_TP_COMMAND = new Set(['job_write_config', 'tp_help']);

async function auditRun(kind: TransportKind, keyVar: KeyVar, mode: Mode): Promise<void> {
  const audit = new Audit();
  const dirs = prepareDirs(ws);
  const before = serverTempEntries();
  const notifications: Notification[] = [];
  const env = serverEnv(ws, keyVar, mode);
  const args = [...SERVER_ARGS, '--allow-dir', dirs.allowed];
  const running = kind === 'stdio' ? await startStdio(env, args, notifications) : await startHttp(env, args, notifications);

  const { tools } = await running.client.listTools();
  audit.check('tools/list', JSON.stringify(tools));
  // a server that registered fewer tools than --toolsets all --allow-secrets should would audit less than it claims
  expect(tools.length).toBeGreaterThanOrEqual(34);

  const results = await Promise.all(
    tools.map(async (tool) => {
      const args = argumentsFor(tool, dirs);
      try {
        const result = (await running.client.callTool({ name: tool.name, arguments: args })) as CallToolResult;
        return { tool: tool.name, result, error: undefined };
      } catch (error) {
        // a protocol-level error (McpError) is a message from the server too
        return { tool: tool.name, result: undefined, error };
      }
    }),
  );

  let redactedOutputs = 0;
  for (const { tool, result, error } of results) {
    if (error !== undefined) {
      audit.check(`${tool}: thrown error`, error instanceof Error ? `${error.message}\n${JSON.stringify(error)}` : String(error));
      continue;
    }
    const texts = result!.content.map((part) => (part.type === 'text' ? part.text : JSON.stringify(part)));
    audit.check(`${tool}: ${result!.isError ? 'isError ' : ''}text content`, texts.join('\n'));
    audit.check(`${tool}: structuredContent`, result!.structuredContent === undefined ? undefined : JSON.stringify(result!.structuredContent));
    audit.check(`${tool}: whole result`, JSON.stringify(result));
    if (texts.join('\n').includes('[REDACTED]')) redactedOutputs++;
    // the audit only means something if the calls got as far as tp: refusals and validation errors would prove nothing
    if (mode === 'echo') expect(result!.isError ?? false, `${tool} failed: ${texts.join('\n')}`).toBe(false);
    if (mode === 'fail' && !NO_TP_COMMAND.has(tool) && tool !== 'server_status') {
      expect(result!.isError, `${tool} should fail with FAKE_TP_FAIL=1: ${texts.join('\n')}`).toBe(true);
    }
  }

  // the fake really had the key, and really printed it (masked on the way out) for every tp command
  const commandCalls = ws.commandCalls().filter((call) => !call.help);
  expect(commandCalls.length).toBeGreaterThanOrEqual(tools.length - NO_TP_COMMAND.size);
  for (const call of commandCalls) expect(call.env.TENSORPOOL_KEY).toBe(AUDIT_KEY);
  expect(redactedOutputs).toBeGreaterThanOrEqual(tools.length - NO_TP_COMMAND.size - 1);
  // the key files handed to tp hold the public key and nothing else
  const keyFiles = commandCalls.flatMap((call) => (call.keyFile ? [call.keyFile] : []));
  expect(keyFiles.length).toBe(2);
  for (const keyFile of keyFiles) expect(keyFile.content).toBe(`${PUBLIC_KEY}\n`);

  for (const [i, notification] of notifications.entries()) audit.check(`notification ${i} (${notification.method})`, JSON.stringify(notification));

  const stderr = await running.stop();
  audit.check('server stderr', stderr);
  // the run must have produced a log to audit (start-up or shutdown lines at least)
  expect(stderr).toMatch(/\[tensorpool-mcp\]/);

  const left = [...serverTempEntries()].filter((name) => !before.has(name));
  for (const name of left) for (const [path, content] of filesUnder(join(tmpdir(), name))) audit.check(`temp file ${path}`, content);

  expect(audit.findings, `the API key left the server:\n${audit.report()}`).toEqual([]);
}

describe('secret audit: the API key never leaves the server', () => {
  // pairwise cover of transport x key variable x tp behaviour: every pair of values meets once
  const runs: [TransportKind, KeyVar, Mode][] = [
    ['stdio', 'TENSORPOOL_API_KEY', 'echo'],
    ['stdio', 'TENSORPOOL_KEY', 'fail'],
    ['http', 'TENSORPOOL_KEY', 'echo'],
    ['http', 'TENSORPOOL_API_KEY', 'fail'],
  ];
  for (const [kind, keyVar, mode] of runs) {
    it(`${kind}, key in ${keyVar}, every tool, tp ${mode === 'echo' ? 'echoing it on stdout and stderr' : 'echoing it, then failing'}`, async () => {
      await auditRun(kind, keyVar, mode);
    }, 30_000);
  }

  it('stdio, a call that times out with the key already printed', async () => {
    const audit = new Audit();
    const dirs = prepareDirs(ws);
    const notifications: Notification[] = [];
    const env = { ...serverEnv(ws, 'TENSORPOOL_API_KEY', 'echo'), FAKE_TP_DELAY_MS: '30000', FAKE_TP_LINES_EVERY_MS: '100' };
    const running = await startStdio(env, [...SERVER_ARGS, '--allow-dir', dirs.allowed, '--timeout', '1'], notifications);
    const calls = [
      { name: 'account_me', arguments: {} },
      { name: 'cluster_create', arguments: { instance_type: '1xH100', ssh_public_key: PUBLIC_KEY } },
      { name: 'job_listen', arguments: { job_id: 'job-audit1' } },
    ];
    const results = (await Promise.all(calls.map((call) => running.client.callTool(call)))) as CallToolResult[];
    for (const [i, result] of results.entries()) {
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toMatchObject({ timed_out: true });
      audit.check(`${calls[i]!.name}: timed-out result`, JSON.stringify(result));
    }
    for (const [i, notification] of notifications.entries()) audit.check(`notification ${i}`, JSON.stringify(notification));
    audit.check('server stderr', await running.stop());
    expect(audit.findings, `the API key left the server:\n${audit.report()}`).toEqual([]);
  }, 30_000);
});
