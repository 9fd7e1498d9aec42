// An audit that a known API key never leaves the server by any path: tool results (text and
// structuredContent), error results, notifications, the server's stderr log, and files the server
// leaves in the temp directory. The fake tp is told to print the key on stdout and stderr, and to fail.
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, lstatSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { allTools } from '../../src/tools/index.js';
import {
  ElicitRequestSchema,
  ListRootsRequestSchema,
  type CallToolResult,
  type Notification,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_TP, FAKE_TP_PASS_ENV, FakeTpWorkspace, baseEnv, isAlive } from '../helpers/fake-tp.js';
import { BIN, assertBuilt, startHttpProcess, stopProcess, type HttpServerProcess } from '../helpers/server-process.js';
import { publicKeyLine } from '../helpers/ssh-keys.js';

const AUDIT_KEY = 'tpk_AUDIT_5f0c2b7e9d1a4c3b8e6f';
const FRAGMENT_LENGTH = 12;

/** The characters of base64(`prefix` + key) that the key's bytes alone decide: what a leak of it shows. */
function base64OfKeyAfter(prefix: string): string {
  const text = Buffer.from(prefix + AUDIT_KEY).toString('base64');
  const start = Buffer.byteLength(prefix) * 8;
  return text.slice(Math.ceil(start / 6), Math.floor((start + Buffer.byteLength(AUDIT_KEY) * 8) / 6));
}

/** The key as the fake prints it with FAKE_TP_ECHO_KEY_ENCODED=1: each form must be masked like the key itself. */
const KEY_FORMS = [
  AUDIT_KEY,
  base64OfKeyAfter(''),
  base64OfKeyAfter('').replaceAll('+', '-').replaceAll('/', '_'),
  base64OfKeyAfter('user:'),
  base64OfKeyAfter('tp:'),
  Buffer.from(AUDIT_KEY).toString('hex'),
  encodeURIComponent(AUDIT_KEY),
];
/** Every piece of the key (or of an encoded form) long enough to identify it: a partial leak counts as a leak. */
const FRAGMENTS = [
  ...new Set(
    KEY_FORMS.flatMap((form) =>
      Array.from({ length: form.length - FRAGMENT_LENGTH + 1 }, (_, i) => form.slice(i, i + FRAGMENT_LENGTH)),
    ),
  ),
];

/** The first fragment of the key found in `text`, with some context, or undefined when it is clean. */
function leakIn(text: string): string | undefined {
  for (const fragment of FRAGMENTS) {
    const at = text.indexOf(fragment);
    if (at >= 0)
      return `"${fragment}" in …${JSON.stringify(text.slice(Math.max(0, at - 80), at + fragment.length + 80))}…`;
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
    // no such operation: these answer with an error result, audited like any other
    operation_id: 'op_0123456789ab',
    wait_seconds: 0,
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
      if (required.has(param))
        throw new Error(
          `secret audit: no valid value for required parameter ${param} of ${tool.name}; add one to valueFor()`,
        );
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
  writeFileSync(
    dirs.config,
    'commands = ["python train.py"]\noutputs = ["out/"]\nignore = [".env"]\ninstance_type = "1xH100"\n',
  );
  // a stand-in: job_pull only checks that the file exists and hands its path to tp
  writeFileSync(dirs.privateKey, 'not a real private key\n', { mode: 0o600 });
  return dirs;
}

/** Entries named tensorpool-mcp-* in the temp directory. */
function serverTempEntries(): Set<string> {
  return new Set(readdirSync(tmpdir()).filter((name) => name.startsWith('tensorpool-mcp-')));
}

/**
 * Every regular file under `path` (or `path` itself), as [path, content]; entries that vanish meanwhile are skipped.
 */
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

// every tool is called at once from one session: room for all of them, beyond the per-session cap on waiting calls
const SERVER_ARGS = ['--tp-path', FAKE_TP, '--toolsets', 'all', '--allow-secrets', '--max-processes', '32'];

function serverEnv(ws: FakeTpWorkspace, keyVar: KeyVar, mode: Mode): Record<string, string | undefined> {
  return {
    ...baseEnv(),
    FAKE_TP_LOG: ws.logFile,
    [keyVar]: AUDIT_KEY,
    FAKE_TP_ECHO_KEY: '1',
    FAKE_TP_ECHO_KEY_ENCODED: '1',
    // tp sees only an allow-list of the server's environment: the fake's knobs are passed on purpose
    TENSORPOOL_MCP_PASS_ENV: FAKE_TP_PASS_ENV.join(','),
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

/** Everything the server sent the client besides responses: notifications, progress, and its own requests. */
interface Inbox {
  notifications: Notification[];
  progress: unknown[];
  requests: unknown[];
}

interface Human {
  allowedDir: string;
  /** Also declare roots (listing allowedDir). */
  roots: boolean;
}

/**
 * A client that hears everything. With `human`, it also declares elicitation (approving every request)
 * and optionally roots (listing the allowed directory), so the server's requests to the client get audited too.
 */
function newClient(inbox: Inbox, human: Human | undefined): Client {
  const capabilities = human ? { elicitation: {}, ...(human.roots ? { roots: { listChanged: true } } : {}) } : {};
  const client = new Client({ name: 'secret-audit', version: '1.0.0' }, { capabilities });
  client.fallbackNotificationHandler = async (notification) => {
    inbox.notifications.push(notification);
  };
  if (human) {
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      inbox.requests.push(request);
      return { action: 'accept', content: { confirm: true } };
    });
  }
  if (human?.roots) {
    client.setRequestHandler(ListRootsRequestSchema, async (request) => {
      inbox.requests.push(request);
      return { roots: [{ uri: pathToFileURL(human.allowedDir).href, name: 'project' }] };
    });
  }
  return client;
}

async function startStdio(
  env: Record<string, string | undefined>,
  args: string[],
  inbox: Inbox,
  human?: Human,
): Promise<Running> {
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
  const client = newClient(inbox, human);
  await client.connect(transport);
  const pid = transport.pid;
  cleanups.push(async () => {
    // close() ends stdin, then SIGTERM, then SIGKILL; make sure of it
    await client.close();
    if (pid !== null && isAlive(pid)) process.kill(pid, 'SIGKILL');
  });
  return {
    client,
    stop: async () => {
      // closing stdin is the client's goodbye: the server stops its tp calls and exits
      await client.close();
      await stderrEnded; // all of it, however long the server takes to write its last lines
      return stderr;
    },
  };
}

async function startHttp(
  env: Record<string, string | undefined>,
  args: string[],
  inbox: Inbox,
  human?: Human,
): Promise<Running> {
  const server: HttpServerProcess = await startHttpProcess(args, env, ws.dir);
  const child: ChildProcess = server.child;
  const closed = once(child, 'close').catch(() => undefined);
  cleanups.push(() => stopProcess(child));
  const client = newClient(inbox, human);
  cleanups.push(() => client.close());
  await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
  return {
    client,
    stop: async () => {
      await client.close();
      expect(await stopProcess(child)).toBe(0);
      await closed; // stderr fully read
      return server.stderr();
    },
  };
}

/** Tools that never start a tp command (so the fake never gets to print the key for them). */
const NO_TP_COMMAND = new Set([
  'job_write_config',
  'tp_help',
  'operation_status',
  'operation_cancel',
  'operation_list',
]);
/**
 * Tools whose audit values name something that does not exist (an operation): an error result is their normal answer.
 */
const ERROR_EXPECTED = new Set(['operation_status', 'operation_cancel']);

/** Every tool the server can offer (npm test builds dist/ from these sources first). */
function everyToolName(): string[] {
  return allTools.map((tool) => tool.name);
}

/** The ids of long operations a result hands back, if the server answered with an operation handle. */
function operationIds(result: CallToolResult): string[] {
  const structured = result.structuredContent as { operation?: { id?: unknown }; operation_id?: unknown } | undefined;
  const id = structured?.operation?.id ?? structured?.operation_id;
  return typeof id === 'string' ? [id] : [];
}

/** resource_link URIs in a result's content. */
function resourceLinks(result: CallToolResult): string[] {
  return result.content.flatMap((part) => (part.type === 'resource_link' ? [part.uri] : []));
}

/**
 * Whatever else a client can read back: operations still running (followed to their end with operation_status),
 * and every resource the server lists or links to (the full output of long calls).
 */
async function auditFollowUps(
  client: Client,
  results: CallToolResult[],
  audit: Audit,
  toolNames: Set<string>,
): Promise<void> {
  const ids = new Set(results.flatMap(operationIds));
  const links = new Set(results.flatMap(resourceLinks));
  if (toolNames.has('operation_status')) {
    for (const id of ids) {
      for (let round = 0; round < 10; round++) {
        const status = (await client.callTool({
          name: 'operation_status',
          arguments: { operation_id: id, wait_seconds: 5 },
        })) as CallToolResult;
        audit.check(`operation_status ${id}`, JSON.stringify(status));
        for (const uri of resourceLinks(status)) links.add(uri);
        if ((status.structuredContent as { status?: string } | undefined)?.status !== 'running') break;
      }
    }
  }
  if (toolNames.has('operation_list')) {
    audit.check('operation_list', JSON.stringify(await client.callTool({ name: 'operation_list', arguments: {} })));
  }
  if (client.getServerCapabilities()?.resources) {
    const listed = await client.listResources();
    audit.check('resources/list', JSON.stringify(listed));
    audit.check('resources/templates/list', JSON.stringify(await client.listResourceTemplates()));
    for (const resource of listed.resources) links.add(resource.uri);
  }
  for (const uri of links) {
    try {
      audit.check(`resource ${uri}`, JSON.stringify(await client.readResource({ uri })));
    } catch (error) {
      audit.check(`resource ${uri}: error`, error instanceof Error ? error.message : String(error));
    }
  }
}

/** Checks every file under tensorpool-mcp-* entries of the temp directory that were not there `before`. */
function auditTempFiles(audit: Audit, before: Set<string>, when: string): void {
  const fresh = [...serverTempEntries()].filter((name) => !before.has(name));
  for (const name of fresh)
    for (const [path, content] of filesUnder(join(tmpdir(), name))) audit.check(`temp file ${path} (${when})`, content);
}

/**
 * flag: confirm=true passes; elicit: the client approves each irreversible or billable call when asked (--confirm
 * elicit; billable calls are approved by default).
 */
type Consent = 'flag' | 'elicit';

async function auditRun(kind: TransportKind, keyVar: KeyVar, mode: Mode, consent: Consent): Promise<void> {
  const audit = new Audit();
  const dirs = prepareDirs(ws);
  const before = serverTempEntries();
  const inbox: Inbox = { notifications: [], progress: [], requests: [] };
  const env = serverEnv(ws, keyVar, mode);
  const args = [...SERVER_ARGS, '--allow-dir', dirs.allowed, ...(consent === 'elicit' ? ['--confirm', 'elicit'] : [])];
  // roots only over stdio: over HTTP, a client that declares roots currently stalls every tool call (the server's
  // roots/list request, sent when the session initializes, is not delivered); that is not what this audit is about
  const human = consent === 'elicit' ? { allowedDir: dirs.allowed, roots: kind === 'stdio' } : undefined;
  const running =
    kind === 'stdio' ? await startStdio(env, args, inbox, human) : await startHttp(env, args, inbox, human);

  const { tools } = await running.client.listTools();
  audit.check('tools/list', JSON.stringify(tools));
  // --toolsets all --allow-secrets registers every tool there is: the audit covers all of them
  expect(tools.map((tool) => tool.name).sort()).toEqual(everyToolName().sort());

  const results = await Promise.all(
    tools.map(async (tool) => {
      const args = argumentsFor(tool, dirs);
      try {
        // asking for progress lets the server stream tp's output to us while it runs: that stream is audited too
        const result = (await running.client.callTool({ name: tool.name, arguments: args }, undefined, {
          onprogress: (progress) => inbox.progress.push({ tool: tool.name, progress }),
        })) as CallToolResult;
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
      audit.check(
        `${tool}: thrown error`,
        error instanceof Error ? `${error.message}\n${JSON.stringify(error)}` : String(error),
      );
      continue;
    }
    const texts = result!.content.map((part) => (part.type === 'text' ? part.text : JSON.stringify(part)));
    audit.check(`${tool}: ${result!.isError ? 'isError ' : ''}text content`, texts.join('\n'));
    audit.check(
      `${tool}: structuredContent`,
      result!.structuredContent === undefined ? undefined : JSON.stringify(result!.structuredContent),
    );
    audit.check(`${tool}: whole result`, JSON.stringify(result));
    if (texts.join('\n').includes('[REDACTED]')) redactedOutputs++;
    // the audit only means something if the calls got as far as tp: refusals and validation errors would prove nothing
    if (mode === 'echo' && !ERROR_EXPECTED.has(tool))
      expect(result!.isError ?? false, `${tool} failed: ${texts.join('\n')}`).toBe(false);
    if (mode === 'fail' && !NO_TP_COMMAND.has(tool) && tool !== 'server_status') {
      expect(result!.isError, `${tool} should fail with FAKE_TP_FAIL=1: ${texts.join('\n')}`).toBe(true);
    }
  }

  // the fake really had the key, and really printed it (masked on the way out) for every tp command
  const commandCalls = ws.commandCalls().filter((call) => !call.help);
  const tpTools = tools.filter((tool) => !NO_TP_COMMAND.has(tool.name)).length;
  expect(commandCalls.length).toBeGreaterThanOrEqual(tpTools);
  for (const call of commandCalls) expect(call.env.TENSORPOOL_KEY).toBe(AUDIT_KEY);
  // (all but server_status, which shows tp's words only when the key was refused)
  expect(redactedOutputs).toBeGreaterThanOrEqual(tpTools - 1);
  // the key files handed to tp hold the public key and nothing else
  const keyFiles = commandCalls.flatMap((call) => (call.keyFile ? [call.keyFile] : []));
  expect(keyFiles.length).toBe(2);
  for (const keyFile of keyFiles) expect(keyFile.content).toBe(`${PUBLIC_KEY}\n`);

  await auditFollowUps(
    running.client,
    results.flatMap(({ result }) => (result ? [result] : [])),
    audit,
    new Set(tools.map((tool) => tool.name)),
  );
  // files the server keeps while it runs (spools of tp output, key files) count as much as those it leaves
  auditTempFiles(audit, before, 'during the run');

  for (const [i, notification] of inbox.notifications.entries())
    audit.check(`notification ${i} (${notification.method})`, JSON.stringify(notification));
  for (const [i, progress] of inbox.progress.entries())
    audit.check(`progress notification ${i}`, JSON.stringify(progress));
  for (const [i, request] of inbox.requests.entries())
    audit.check(`server-to-client request ${i}`, JSON.stringify(request));
  // with --confirm elicit, every irreversible or billable call asked the client (and the client said yes)
  if (consent === 'elicit')
    expect(inbox.requests.some((request) => (request as { method: string }).method === 'elicitation/create')).toBe(
      true,
    );

  const stderr = await running.stop();
  audit.check('server stderr', stderr);
  // the run must have produced a log to audit (start-up or shutdown lines at least)
  expect(stderr).toMatch(/\[tensorpool-mcp\]/);

  auditTempFiles(audit, before, 'after the run');

  expect(audit.findings, `the API key left the server:\n${audit.report()}`).toEqual([]);
}

describe('secret audit: the API key, plain or encoded, never leaves the server', () => {
  // pairwise cover of transport x key variable x tp behaviour: every pair of values meets once
  const runs: [TransportKind, KeyVar, Mode, Consent][] = [
    ['stdio', 'TENSORPOOL_API_KEY', 'echo', 'flag'],
    ['stdio', 'TENSORPOOL_KEY', 'fail', 'elicit'],
    ['http', 'TENSORPOOL_KEY', 'echo', 'elicit'],
    ['http', 'TENSORPOOL_API_KEY', 'fail', 'flag'],
  ];
  for (const [kind, keyVar, mode, consent] of runs) {
    const tp = mode === 'echo' ? 'echoing it on stdout and stderr' : 'echoing it, then failing';
    it(`${kind}, key in ${keyVar}, every tool, tp ${tp}, consent by ` +
      `${consent === 'flag' ? 'confirm=true' : 'elicitation'}`, async () => {
      await auditRun(kind, keyVar, mode, consent);
    }, 120_000);
  }

  it('stdio, a call that times out with the key already printed', async () => {
    const audit = new Audit();
    const dirs = prepareDirs(ws);
    const inbox: Inbox = { notifications: [], progress: [], requests: [] };
    const env = {
      ...serverEnv(ws, 'TENSORPOOL_API_KEY', 'echo'),
      FAKE_TP_DELAY_MS: '30000',
      FAKE_TP_LINES_EVERY_MS: '100',
    };
    const running = await startStdio(env, [...SERVER_ARGS, '--allow-dir', dirs.allowed, '--timeout', '1'], inbox);
    const calls = [
      { name: 'account_me', arguments: {} },
      { name: 'cluster_create', arguments: { instance_type: '1xH100', ssh_public_key: PUBLIC_KEY, confirm: true } },
      { name: 'job_listen', arguments: { job_id: 'job-audit1' } },
    ];
    const results = (await Promise.all(
      calls.map((call) =>
        running.client.callTool(call, undefined, {
          onprogress: (progress) => inbox.progress.push({ tool: call.name, progress }),
        }),
      ),
    )) as CallToolResult[];
    const tools = new Set((await running.client.listTools()).tools.map((tool) => tool.name));
    await auditFollowUps(running.client, results, audit, tools);
    for (const [i, result] of results.entries()) {
      audit.check(`${calls[i]!.name}: timed-out result`, JSON.stringify(result));
      // either the call itself timed out, or it became an operation that did
      if (calls[i]!.name === 'job_listen') {
        // a listen that the limit ends is the job going on, not a failure
        expect(result.structuredContent).toMatchObject({ job_status: 'RUNNING' });
      } else if (operationIds(result).length === 0) {
        expect(result.isError).toBe(true);
        expect(result.structuredContent).toMatchObject({ timed_out: true });
      }
    }
    for (const [i, notification] of inbox.notifications.entries())
      audit.check(`notification ${i}`, JSON.stringify(notification));
    for (const [i, progress] of inbox.progress.entries())
      audit.check(`progress notification ${i}`, JSON.stringify(progress));
    audit.check('server stderr', await running.stop());
    expect(audit.findings, `the API key left the server:\n${audit.report()}`).toEqual([]);
  }, 120_000);

  it('http, calls that outlive the sync budget: operation handles, status, output resources, spool files', async () => {
    const audit = new Audit();
    const dirs = prepareDirs(ws);
    const before = serverTempEntries();
    const inbox: Inbox = { notifications: [], progress: [], requests: [] };
    // tp prints the key and three lines, then is held until every call has come back as a handle
    const env = { ...serverEnv(ws, 'TENSORPOOL_KEY', 'echo'), ...ws.hold(3) };
    const running = await startHttp(env, [...SERVER_ARGS, '--allow-dir', dirs.allowed, '--sync-budget', '1'], inbox);
    // job_listen never becomes a handle: it stops watching within its window, and is audited with the rest
    const listened = (await running.client.callTool({
      name: 'job_listen',
      arguments: { job_id: 'job-audit1', max_seconds: 1 },
    })) as CallToolResult;
    audit.check('job_listen: first answer', JSON.stringify(listened));
    expect(listened.structuredContent).toMatchObject({ job_status: 'RUNNING' });
    const calls = [
      { name: 'account_me', arguments: {} },
      { name: 'cluster_create', arguments: { instance_type: '1xH100', ssh_public_key: PUBLIC_KEY, confirm: true } },
    ];
    const results = (await Promise.all(
      calls.map((call) =>
        running.client.callTool(call, undefined, {
          onprogress: (progress) => inbox.progress.push({ tool: call.name, progress }),
        }),
      ),
    )) as CallToolResult[];
    for (const [i, result] of results.entries()) audit.check(`${calls[i]!.name}: first answer`, JSON.stringify(result));
    // the path under audit was taken: every call came back as a handle while tp still ran
    expect(results.flatMap(operationIds)).toHaveLength(calls.length);
    auditTempFiles(audit, before, 'while the operations run');
    ws.release();
    const tools = new Set((await running.client.listTools()).tools.map((tool) => tool.name));
    await auditFollowUps(running.client, results, audit, tools);
    auditTempFiles(audit, before, 'after the operations ended');
    for (const [i, notification] of inbox.notifications.entries())
      audit.check(`notification ${i}`, JSON.stringify(notification));
    for (const [i, progress] of inbox.progress.entries())
      audit.check(`progress notification ${i}`, JSON.stringify(progress));
    audit.check('server stderr', await running.stop());
    auditTempFiles(audit, before, 'after the run');
    expect(audit.findings, `the API key left the server:\n${audit.report()}`).toEqual([]);
  }, 120_000);
});
