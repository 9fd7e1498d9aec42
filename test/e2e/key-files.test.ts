// The temporary public-key files the server writes for `tp cluster create --public-key=PATH` and
// `tp me sshkey add PATH`: private while they exist (0600 in a 0700 directory), and gone after the
// call however it ends (normally, cancelled by the client, server SIGTERM, HTTP session deleted).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_TP, FakeTpWorkspace, isAlive, waitFor, type FakeTpCall } from '../helpers/fake-tp.js';
import { textOf } from '../helpers/in-memory.js';
import { BIN, assertBuilt, startHttpProcess, stopProcess, type HttpServerProcess } from '../helpers/server-process.js';
import { publicKeyLine } from '../helpers/ssh-keys.js';

type KeyTool = 'cluster_create' | 'ssh_key_add';
const KEY_TOOLS: KeyTool[] = ['cluster_create', 'ssh_key_add'];

function callFor(tool: KeyTool, key: string) {
  return tool === 'cluster_create'
    ? { name: tool, arguments: { instance_type: '1xH100', ssh_public_key: key, confirm: true } }
    : { name: tool, arguments: { public_key: key, name: 'laptop', confirm: true } };
}

let ws: FakeTpWorkspace;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(() => assertBuilt());
beforeEach(() => {
  ws = new FakeTpWorkspace();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  // a fake tp the server failed to stop must not outlive the test either
  for (const call of ws.calls()) if (isFakeTp(call.pid)) process.kill(call.pid, 'SIGKILL');
  ws.cleanup();
});

function isFakeTp(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(FAKE_TP);
  } catch {
    return false;
  }
}

/** The fake's log entry for the call that read a key file, once there is one. */
async function keyFileCall(): Promise<FakeTpCall & { keyFile: NonNullable<FakeTpCall['keyFile']> }> {
  await waitFor(() => ws.calls().some((call) => call.keyFile), 15_000, 'tp to read the key file');
  return ws.calls().find((call) => call.keyFile) as FakeTpCall & { keyFile: NonNullable<FakeTpCall['keyFile']> };
}

/** What tp saw, and what is on disk while tp runs: the key alone, 0600, in a private 0700 directory of its own. */
function expectPrivateKeyFile(call: FakeTpCall, tool: KeyTool, key: string, stillRunning: boolean): void {
  const keyFile = call.keyFile!;
  expect(keyFile).toMatchObject({ mode: '600', dirMode: '700', content: `${key}\n` });
  expect(dirname(dirname(keyFile.path))).toBe(tmpdir());
  expect(basename(dirname(keyFile.path))).toMatch(/^tensorpool-mcp-key-/);
  if (tool === 'cluster_create') expect(call.argv).toContain(`--public-key=${keyFile.path}`);
  else expect(call.argv).toContain(keyFile.path);
  if (stillRunning) {
    expect(statSync(keyFile.path).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(keyFile.path)).mode & 0o777).toBe(0o700);
  }
}

async function waitGone(path: string, what: string): Promise<void> {
  await waitFor(
    () => !existsSync(dirname(path)),
    15_000,
    `${what}: the key file's directory ${dirname(path)} to be removed`,
  );
}

async function connectStdio(env: Record<string, string | undefined>) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, '--stdio', '--tp-path', FAKE_TP, '--toolsets', 'all'],
    env: env as Record<string, string>,
    cwd: ws.dir,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr!.on('data', (chunk: Buffer) => (stderr += chunk));
  const client = new Client({ name: 'key-files', version: '1.0.0' });
  await client.connect(transport);
  const pid = transport.pid;
  cleanups.push(async () => {
    await client.close();
    // close() ends stdin, then SIGTERM, then SIGKILL; make sure of it
    if (pid !== null && isAlive(pid)) process.kill(pid, 'SIGKILL');
  });
  return { client, stderr: () => stderr };
}

/** A stdio server driven by raw JSON-RPC lines, so the test holds the ChildProcess (signals, exit code). */
function startRawStdio(env: Record<string, string | undefined>): {
  child: ChildProcessWithoutNullStreams;
  stderr: () => string;
} {
  const child = spawn(process.execPath, [BIN, '--stdio', '--tp-path', FAKE_TP, '--toolsets', 'all'], {
    env,
    cwd: ws.dir,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  child.stdout.on('data', () => {});
  cleanups.push(() => stopProcess(child, 'SIGKILL'));
  const send = (message: object) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
  send({
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  });
  send({ method: 'notifications/initialized' });
  return { child, stderr: () => stderr };
}

function rawToolCall(child: ChildProcessWithoutNullStreams, tool: KeyTool, key: string): void {
  child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: callFor(tool, key) })}\n`);
}

const SLOW = { FAKE_TP_DELAY_MS: '60000' };

describe('temporary public-key files', () => {
  describe.each(KEY_TOOLS)('%s', (tool) => {
    it('(a) are private while tp reads them and gone after a normal call', async () => {
      const key = publicKeyLine('ssh-ed25519', 'normal@laptop');
      const { client } = await connectStdio(ws.env());
      const result = (await client.callTool(callFor(tool, key))) as CallToolResult;
      expect(result.isError ?? false, textOf(result)).toBe(false);
      const call = await keyFileCall();
      expectPrivateKeyFile(call, tool, key, false);
      // removed before the result came back, not some time later
      expect(existsSync(dirname(call.keyFile.path))).toBe(false);
      // and a second call gets a fresh directory, also removed
      const again = (await client.callTool(callFor(tool, publicKeyLine('ssh-rsa', 'second')))) as CallToolResult;
      expect(again.isError ?? false, textOf(again)).toBe(false);
      const second = ws
        .calls()
        .filter((c) => c.keyFile)
        .at(-1)!;
      expect(second.keyFile!.path).not.toBe(call.keyFile.path);
      expect(existsSync(dirname(second.keyFile!.path))).toBe(false);
    });

    it('(b) are gone after the client cancels the call mid-way', async () => {
      const key = publicKeyLine('ecdsa-sha2-nistp256', 'cancel@laptop');
      const { client } = await connectStdio(ws.env(SLOW));
      const controller = new AbortController();
      const pending = client.callTool(callFor(tool, key), undefined, { signal: controller.signal }).then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
      const call = await keyFileCall();
      expectPrivateKeyFile(call, tool, key, true);
      controller.abort('test cancels');
      const outcome = await pending;
      expect('error' in outcome, 'the cancelled call should reject on the client').toBe(true);
      await waitGone(call.keyFile.path, 'after cancellation');
      await waitFor(() => !isAlive(call.pid), 10_000, 'tp to be stopped after cancellation');
      // the server is still fine for the next call (tp_help answers at once: the fake delays only commands)
      const next = (await client.callTool({ name: 'tp_help', arguments: {} })) as CallToolResult;
      expect(next.isError ?? false).toBe(false);
    });

    it('(c) are gone when the stdio server gets SIGTERM mid-call, and it exits 0', async () => {
      const key = publicKeyLine('ssh-ed25519', 'sigterm@laptop');
      const { child, stderr } = startRawStdio(ws.env(SLOW));
      rawToolCall(child, tool, key);
      const call = await keyFileCall();
      expectPrivateKeyFile(call, tool, key, true);
      const code = await stopProcess(child, 'SIGTERM');
      expect(code, stderr()).toBe(0);
      expect(
        existsSync(dirname(call.keyFile.path)),
        `key directory left behind after SIGTERM; server stderr:\n${stderr()}`,
      ).toBe(false);
      await waitFor(() => !isAlive(call.pid), 10_000, 'tp to be stopped with the server');
    });

    it('(c2) are gone when the stdio client closes stdin mid-call', async () => {
      const key = publicKeyLine('ssh-ed25519', 'eof@laptop');
      const { child, stderr } = startRawStdio(ws.env(SLOW));
      rawToolCall(child, tool, key);
      const call = await keyFileCall();
      expectPrivateKeyFile(call, tool, key, true);
      const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
      child.stdin.end();
      expect(await exited, stderr()).toBe(0);
      expect(
        existsSync(dirname(call.keyFile.path)),
        `key directory left behind after stdin closed; server stderr:\n${stderr()}`,
      ).toBe(false);
    });

    it('(d) are gone after the HTTP session is deleted mid-call', async () => {
      const key = publicKeyLine('ssh-rsa', 'session@laptop');
      const server: HttpServerProcess = await startHttpProcess(
        ['--tp-path', FAKE_TP, '--toolsets', 'all'],
        ws.env(SLOW),
        ws.dir,
      );
      cleanups.push(() => stopProcess(server.child));
      const transport = new StreamableHTTPClientTransport(new URL(server.url));
      const client = new Client({ name: 'key-files-http', version: '1.0.0' });
      await client.connect(transport);
      cleanups.push(() => client.close());
      const pending = client.callTool(callFor(tool, key)).then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
      const call = await keyFileCall();
      expectPrivateKeyFile(call, tool, key, true);
      await transport.terminateSession();
      await waitGone(call.keyFile.path, 'after the session was deleted');
      await waitFor(() => !isAlive(call.pid), 10_000, 'tp to be stopped with the session');
      await client.close();
      await pending;
      // the server itself keeps running, and still exits cleanly
      expect(server.child.exitCode).toBeNull();
      expect(await stopProcess(server.child)).toBe(0);
    });

    it('(e) are gone when the HTTP server gets SIGTERM mid-call, and it exits 0', async () => {
      const key = publicKeyLine('ecdsa-sha2-nistp384', 'http-sigterm@laptop');
      const server: HttpServerProcess = await startHttpProcess(
        ['--tp-path', FAKE_TP, '--toolsets', 'all'],
        ws.env(SLOW),
        ws.dir,
      );
      cleanups.push(() => stopProcess(server.child));
      const client = new Client({ name: 'key-files-http', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
      cleanups.push(() => client.close());
      const pending = client.callTool(callFor(tool, key)).catch((error: unknown) => error);
      const call = await keyFileCall();
      expectPrivateKeyFile(call, tool, key, true);
      expect(await server.stop(), server.stderr()).toBe(0);
      expect(
        existsSync(dirname(call.keyFile.path)),
        `key directory left behind after SIGTERM; server stderr:\n${server.stderr()}`,
      ).toBe(false);
      await client.close();
      await pending;
    });
  });
});
