import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema, type CallToolResult, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { FAKE_TP, FakeTpWorkspace, TEST_KEY, isAlive, waitFor } from '../helpers/fake-tp.js';
import { textOf } from '../helpers/in-memory.js';
import { BIN, assertBuilt, listedToolNames, stopProcess } from '../helpers/server-process.js';

let ws: FakeTpWorkspace;
let client: Client | undefined;
let transport: StdioClientTransport | undefined;

beforeEach(() => {
  assertBuilt();
  ws = new FakeTpWorkspace();
});
afterEach(async () => {
  await client?.close();
  client = undefined;
  ws.cleanup();
});

async function connect(
  env: Record<string, string | undefined>,
  args: string[] = [],
  cwd = ws.dir,
  elicit?: (message: string) => ElicitResult,
) {
  transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, '--stdio', '--tp-path', FAKE_TP, ...args],
    env: env as Record<string, string>,
    cwd,
    stderr: 'pipe',
  });
  client = new Client({ name: 'e2e', version: '1.0.0' }, { capabilities: elicit ? { elicitation: {} } : {} });
  if (elicit) client.setRequestHandler(ElicitRequestSchema, async (request) => elicit(request.params.message));
  await client.connect(transport);
  return client;
}

describe('stdio transport, built bin as a child process', () => {
  it('lists the default toolsets and runs a tool against tp', async () => {
    const c = await connect(ws.env());
    const { tools } = await c.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(['cluster_create', 'job_push', 'toolset_enable', 'server_status']),
    );
    expect(tools.some((tool) => tool.name.startsWith('object_storage'))).toBe(false);
    expect(c.getServerVersion()).toMatchObject({ name: 'tensorpool-mcp', version: packageJson.version });
    const result = (await c.callTool({ name: 'cluster_list', arguments: {} })) as CallToolResult;
    expect(result.isError ?? false).toBe(false);
    // rows, not tp's table or spinner
    expect(textOf(result)).toMatch(
      /^cluster_id  name  instance_type  nodes  status  created\nc-fake123  fake-cluster  1xH100  1  RUNNING/,
    );
    expect(ws.lastCall()).toMatchObject({ argv: ['--no-input', 'cluster', 'list'], stdin: 'devnull' });
  });

  it('--read-only registers only read-only tools; the others cannot be called', async () => {
    const c = await connect(ws.env(), ['--read-only', '--toolsets', 'all']);
    const { tools } = await c.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(listedToolNames({ toolsets: ['all'], readOnly: true }));
    // the operation tools are always there, so that a long call can be followed and stopped
    expect(tools.filter((tool) => tool.annotations?.readOnlyHint !== true).map((tool) => tool.name)).toEqual([
      'operation_cancel',
    ]);
    const result = (await c.callTool({
      name: 'cluster_destroy',
      arguments: { cluster_id: 'c-1', confirm: true },
    })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Tool cluster_destroy not found/);
    expect(ws.calls()).toHaveLength(0);
  });

  it('--dry-run with limits: changing tools only report their command, limits refuse', async () => {
    const c = await connect(ws.env(), ['--dry-run', '--allow-instance-types', '1xH100,*L40S', '--max-nodes', '1']);
    const ok = (await c.callTool({
      name: 'cluster_create',
      arguments: { instance_type: '1xL40S', confirm: true },
    })) as CallToolResult;
    expect(textOf(ok)).toContain(`would run:\n${FAKE_TP} --no-input cluster create 1xL40S`);
    const refused = (await c.callTool({
      name: 'cluster_create',
      arguments: { instance_type: '1xH100', num_nodes: 2, confirm: true },
    })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/limit of 1/);
    expect(ws.commandCalls()).toHaveLength(0);
  });

  it('--confirm always-elicit asks the person over stdio, and refuses a client that cannot ask', async () => {
    const asked: string[] = [];
    const c = await connect(ws.env(), ['--confirm', 'always-elicit'], ws.dir, (message) => {
      asked.push(message);
      return { action: asked.length === 1 ? 'accept' : 'decline', content: { confirm: true } };
    });
    expect(
      ((await c.callTool({ name: 'cluster_destroy', arguments: { cluster_id: 'c-1' } })) as CallToolResult).isError ??
        false,
    ).toBe(false);
    expect(
      (
        (await c.callTool({
          name: 'cluster_destroy',
          arguments: { cluster_id: 'c-2', confirm: true },
        })) as CallToolResult
      ).isError,
    ).toBe(true);
    expect(asked).toHaveLength(2);
    expect(ws.commandCalls().map((call) => call.argv.at(-1))).toEqual(['c-1']);
    await client!.close();

    const plain = await connect(ws.env(), ['--confirm', 'always-elicit']);
    const refused = (await plain.callTool({
      name: 'cluster_destroy',
      arguments: { cluster_id: 'c-3', confirm: true },
    })) as CallToolResult;
    expect(textOf(refused)).toMatch(/this client does not support it/);
    expect(ws.commandCalls()).toHaveLength(1);
  });

  it(
    'a cluster_create --wait that tp holds returns a handle at the budget; status shows progress; cancel kills ' +
      'it all',
    async () => {
      const pidFile = join(ws.dir, 'pids.json');
      // tp prints two lines, then is held for good: only the budget can end the call
      const env = ws.env({ ...ws.hold(2), FAKE_TP_GRANDCHILD: '1', FAKE_TP_PIDFILE: pidFile });
      const c = await connect(env, ['--sync-budget', '1']);
      const handle = (await c.callTool({
        name: 'cluster_create',
        arguments: { instance_type: '1xH100', wait: true, confirm: true },
      })) as CallToolResult;
      const id = (handle.structuredContent as { operation: { id: string } }).operation.id;
      await ws.untilReady();
      // the lines are printed; the handle shows those that had reached the server, each status what is new after them
      let newOutput = textOf(handle);
      await waitFor(
        async () => {
          const status = (await c.callTool({
            name: 'operation_status',
            arguments: { operation_id: id },
          })) as CallToolResult;
          expect(status.structuredContent).toMatchObject({ status: 'running' });
          newOutput += (status.structuredContent as { new_output: string }).new_output;
          return /progress line 2/.test(newOutput);
        },
        undefined,
        'the progress lines in operation_status',
      );
      // each line shown once, never again
      for (const k of [1, 2])
        expect(newOutput.match(new RegExp(`progress line ${k}\\n`, 'g')), `progress line ${k}`).toHaveLength(1);
      const { tp, grandchild } = JSON.parse(readFileSync(pidFile, 'utf8')) as { tp: number; grandchild: number };
      const cancelled = (await c.callTool({
        name: 'operation_cancel',
        arguments: { operation_id: id },
      })) as CallToolResult;
      expect(cancelled.structuredContent).toMatchObject({ status: 'cancelled' });
      expect(isAlive(tp)).toBe(false);
      expect(isAlive(grandchild)).toBe(false);
    },
  );

  it('TENSORPOOL_MCP_TOOLS alone offers just those tools', async () => {
    const c = await connect({ ...ws.env(), TENSORPOOL_MCP_TOOLS: 'cluster_list,server_status' });
    expect((await c.listTools()).tools.map((tool) => tool.name)).toEqual([
      'cluster_list',
      'server_status',
      'operation_status',
      'operation_cancel',
      'operation_list',
    ]);
  });

  it('loads the key from ./.env (bridging TENSORPOOL_API_KEY) without overriding the environment', async () => {
    const dir = join(ws.dir, 'launch');
    mkdirSync(dir);
    writeFileSync(join(dir, '.env'), 'TENSORPOOL_API_KEY=from-dotenv-file-123\nPORT=1\n');
    const c = await connect({ ...ws.env(), TENSORPOOL_KEY: undefined }, [], dir);
    await c.callTool({ name: 'account_me', arguments: {} });
    expect(ws.lastCall().env.TENSORPOOL_KEY).toBe('from-dotenv-file-123');
    await client!.close();

    const c2 = await connect(ws.env(), [], dir);
    await c2.callTool({ name: 'account_me', arguments: {} });
    expect(ws.lastCall().env.TENSORPOOL_KEY).toBe(TEST_KEY);
  });

  it('an implicit ./.env supplies only the key: it cannot pick the tp binary or the engine URL', async () => {
    const dir = join(ws.dir, 'launch');
    mkdirSync(dir);
    writeFileSync(
      join(dir, '.env'),
      'TENSORPOOL_API_KEY=from-dotenv-file-123\nTP_PATH=/tmp/evil-tp\nTENSORPOOL_ENGINE=http://127.0.0.1:1\nTENSORPOOL_MCP_ALLOWED_DIRS=/\n',
    );
    const c = await connect({ ...ws.env(), TENSORPOOL_KEY: undefined }, [], dir);
    const result = (await c.callTool({ name: 'account_me', arguments: {} })) as CallToolResult;
    expect(result.isError ?? false, textOf(result)).toBe(false);
    expect(ws.lastCall().env.TENSORPOOL_KEY).toBe('from-dotenv-file-123');
    expect(ws.lastCall().env.TENSORPOOL_ENGINE).toBeUndefined();
    const status = (await c.callTool({ name: 'server_status', arguments: {} })) as CallToolResult;
    expect((status.structuredContent as { allowed_dirs: string[] }).allowed_dirs).toEqual([realpathSync(dir)]);
  });

  it('does not let tp pick a key out of a stray .env by prefix (TENSORPOOL_KEY_OLD)', async () => {
    const dir = join(ws.dir, 'launch');
    mkdirSync(dir);
    writeFileSync(join(dir, '.env'), 'TENSORPOOL_KEY_OLD=stale-key-value\n');
    const c = await connect({ ...ws.env(), TENSORPOOL_KEY: undefined }, [], dir);
    const result = (await c.callTool({ name: 'account_me', arguments: {} })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/No TensorPool API key is set/);
    expect(ws.commandCalls()).toHaveLength(0);
  });

  it('a timed-out call leaves neither tp nor its grandchild alive', async () => {
    const pidFile = join(ws.dir, 'pids.json');
    // The one-second timeout runs from the spawn, so this tp must have its grandchild well within it
    // even on a loaded machine: a shell script (milliseconds to start, where the node fake needs far
    // more) that starts one at once, like a `job push` shell step, and then runs until killed.
    const tp = join(ws.dir, 'tp-with-grandchild.sh');
    writeFileSync(
      tp,
      `#!/bin/sh\nsleep 600 &\nprintf '{"tp": %s, "grandchild": %s}' $$ $! > '${pidFile}.tmp'\nmv '${pidFile}.tmp' ` +
        `'${pidFile}'\nwait\n`,
      { mode: 0o755 },
    );
    const c = await connect(ws.env(), ['--tp-path', tp, '--tp-generation', '0.0.9', '--timeout', '1']);
    const result = (await c.callTool({ name: 'cluster_list', arguments: {} })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/did not finish within the call timeout/);
    expect(existsSync(pidFile), 'tp started its grandchild before the timeout').toBe(true);
    const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { tp: number; grandchild: number };
    expect(isAlive(pids.tp)).toBe(false);
    expect(isAlive(pids.grandchild)).toBe(false);
  });

  it('logs to stderr only and never shows the key there', async () => {
    const c = await connect(ws.env({ FAKE_TP_ECHO_KEY: '1' }));
    let stderr = '';
    transport!.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
    const result = (await c.callTool({ name: 'account_me', arguments: {} })) as CallToolResult;
    expect(JSON.stringify(result)).not.toContain(TEST_KEY);
    await client!.close();
    client = undefined;
    expect(stderr).not.toContain(TEST_KEY);
  });
});

describe('stdio process lifetime', () => {
  function startRaw(env: Record<string, string | undefined>) {
    return spawn(process.execPath, [BIN, '--tp-path', FAKE_TP], { env, cwd: ws.dir, stdio: ['pipe', 'pipe', 'pipe'] });
  }

  const initialize = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  });

  it('exits cleanly when stdin closes, killing a running tp and its grandchild first', async () => {
    const pidFile = join(ws.dir, 'pids.json');
    const child = startRaw(ws.env({ FAKE_TP_GRANDCHILD: '1', FAKE_TP_PIDFILE: pidFile, FAKE_TP_DELAY_MS: '60000' }));
    try {
      child.stdin.write(`${initialize}\n`);
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
      child.stdin.write(
        `${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'job_list', arguments: {} } })}\n`,
      );
      await waitFor(() => existsSync(pidFile), 10_000, 'tp to start');
      const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { tp: number; grandchild: number };
      const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
      child.stdin.end();
      expect(await exited).toBe(0);
      expect(isAlive(pids.tp)).toBe(false);
      expect(isAlive(pids.grandchild)).toBe(false);
    } finally {
      await stopProcess(child, 'SIGKILL');
    }
  });

  /** Starts a long tp call (with a grandchild) in a raw server; resolves with the pids once tp is up. */
  async function serverWithRunningTp(extraEnv: Record<string, string> = {}) {
    const pidFile = join(ws.dir, 'pids.json');
    const child = startRaw(ws.env({ FAKE_TP_GRANDCHILD: '1', FAKE_TP_PIDFILE: pidFile, ...ws.hold(1), ...extraEnv }));
    child.stdin.write(`${initialize}\n`);
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'job_list', arguments: {} } })}\n`,
    );
    await ws.untilReady();
    const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { tp: number; grandchild: number };
    return { child, pids };
  }

  /**
   * Kills the server with SIGKILL and waits (bounded) until tp and its grandchild are gone; resolves with how long they
   * outlived it.
   */
  async function killServerAndWaitForTp(
    child: ReturnType<typeof startRaw>,
    pids: { tp: number; grandchild: number },
  ): Promise<number> {
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    process.kill(child.pid!, 'SIGKILL');
    await exited;
    const serverGone = Date.now();
    try {
      await waitFor(
        () => !isAlive(pids.tp) && !isAlive(pids.grandchild),
        10_000,
        'tp and its grandchild to end after the server was killed',
      );
    } finally {
      for (const pid of [pids.tp, pids.grandchild]) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    return Date.now() - serverGone;
  }

  it('kill -9 of the server: its watchdog ends tp and its grandchild within seconds', async () => {
    const { child, pids } = await serverWithRunningTp();
    try {
      const outlived = await killServerAndWaitForTp(child, pids);
      expect(outlived).toBeLessThan(5_000);
    } finally {
      await stopProcess(child, 'SIGKILL');
    }
  });

  it('kill -9 of the server: the watchdog reads the running groups from its own file, then removes it', async () => {
    // a temporary directory of its own, so that only this server's watchdog is looked at
    const tmp = join(ws.dir, 'tmp');
    mkdirSync(tmp);
    const { child, pids } = await serverWithRunningTp({ TMPDIR: tmp });
    const watchdogDirs = () =>
      readdirSync(tmp).filter((name) => name.startsWith(`tensorpool-mcp-watchdog-${child.pid}-`));
    try {
      const [dir] = watchdogDirs();
      expect(dir).toBeDefined();
      // tp leads its own process group: its pid is the group's id
      const listed = readFileSync(join(tmp, dir!, 'groups'), 'utf8')
        .split('\n')
        .filter(Boolean);
      expect(listed).toEqual([String(pids.tp)]);
      expect(await killServerAndWaitForTp(child, pids)).toBeLessThan(5_000);
      await waitFor(() => watchdogDirs().length === 0, 10_000, "the watchdog's directory to be removed");
    } finally {
      await stopProcess(child, 'SIGKILL');
    }
  });

  it("kill -9 of the server: a tp that ignores SIGTERM is killed after the watchdog's grace", async () => {
    const { child, pids } = await serverWithRunningTp({ FAKE_TP_IGNORE_SIGTERM: '1' });
    try {
      const outlived = await killServerAndWaitForTp(child, pids);
      expect(outlived).toBeLessThan(8_000);
    } finally {
      await stopProcess(child, 'SIGKILL');
    }
  });

  it("sweeps temporary directories left by a killed server at start, and keeps a live one's", async () => {
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((done) => dead.once('exit', done));
    // a temporary directory of its own: a server of another test sweeps the shared one too, and would log it there
    const tmp = join(ws.dir, 'tmp');
    mkdirSync(tmp);
    const stale = join(tmp, `tensorpool-mcp-key-${dead.pid}-Ab12Cd`);
    const live = join(tmp, `tensorpool-mcp-key-${process.pid}-Ef34Gh`);
    for (const dir of [stale, live]) {
      mkdirSync(dir, { mode: 0o700 });
      writeFileSync(join(dir, 'id_ed25519.pub'), 'ssh-ed25519 AAAA test\n');
    }
    const child = startRaw(ws.env({ TMPDIR: tmp }));
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    try {
      await waitFor(() => !existsSync(stale), 10_000, 'the stale directory to be swept');
      await waitFor(() => /left by servers that were killed/.test(stderr), 10_000, 'the sweep to be logged');
      expect(existsSync(live)).toBe(true);
    } finally {
      await stopProcess(child, 'SIGKILL');
      rmSync(stale, { recursive: true, force: true });
      rmSync(live, { recursive: true, force: true });
    }
  });

  it('exits on SIGTERM', async () => {
    const child = startRaw(ws.env());
    try {
      child.stdin.write(`${initialize}\n`);
      await new Promise((done) => child.stdout.once('data', done));
      expect(await stopProcess(child, 'SIGTERM')).toBe(0);
    } finally {
      await stopProcess(child, 'SIGKILL');
    }
  });

  it('exits quietly when the reader of its stdout goes away (EPIPE)', async () => {
    const child = startRaw(ws.env());
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    try {
      child.stdout.destroy();
      const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
      child.stdin.write(`${initialize}\n`);
      expect(await exited).toBe(0);
      expect(stderr).not.toMatch(/\n\s+at /);
    } finally {
      await stopProcess(child, 'SIGKILL');
    }
  });

  it('writes nothing but protocol messages to stdout', async () => {
    const child = startRaw(ws.env());
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    try {
      child.stdin.write(`${initialize}\n`);
      child.stdin.write(
        `${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'account_me', arguments: {} } })}\n`,
      );
      await waitFor(() => stdout.split('\n').filter(Boolean).length >= 2, 10_000, 'two responses');
      for (const line of stdout.split('\n').filter(Boolean)) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    } finally {
      await stopProcess(child, 'SIGKILL');
    }
  });
});
