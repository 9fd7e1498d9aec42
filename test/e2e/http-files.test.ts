// Files over HTTP, through the built CLI and the real transport: a client's roots describe the client's
// machine, so they count only with --trust-client-roots, and even then only narrow; a server on a
// network address offers no file tool without --allow-dir, and says so once at start-up.
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ListRootsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_TP, FakeTpWorkspace } from '../helpers/fake-tp.js';
import { textOf } from '../helpers/in-memory.js';
import { startHttpProcess, type HttpServerProcess } from '../helpers/server-process.js';

const TOKEN = 'e2e-files-token-0123456789abcdef';

let ws: FakeTpWorkspace;
let launch: string;
let outside: string;
let server: HttpServerProcess | undefined;
const clients: Client[] = [];

beforeEach(() => {
  ws = new FakeTpWorkspace();
  launch = join(realpathSync(ws.dir), 'launch');
  mkdirSync(join(launch, 'sub'), { recursive: true });
  outside = realpathSync(mkdtempSync(join(tmpdir(), 'tpmcp-e2e-outside-')));
});
afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((client) => client.close()));
  await server?.stop();
  server = undefined;
  ws.cleanup();
  rmSync(outside, { recursive: true, force: true });
});

/** A client that declares roots and lists `roots` (URIs); counts how often the server asked. */
async function connectWithRoots(url: string, roots: string[], token?: string) {
  const transport = new StreamableHTTPClientTransport(
    new URL(url),
    token ? { requestInit: { headers: { Authorization: `Bearer ${token}` } } } : undefined,
  );
  const client = new Client({ name: 'e2e-roots', version: '1' }, { capabilities: { roots: { listChanged: true } } });
  const asked = { count: 0 };
  client.setRequestHandler(ListRootsRequestSchema, async () => {
    asked.count += 1;
    return { roots: roots.map((uri) => ({ uri })) };
  });
  await client.connect(transport);
  clients.push(client);
  const call = async (name: string, args: Record<string, unknown> = {}) =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;
  const allowedDirs = async () =>
    ((await call('server_status')).structuredContent as { allowed_dirs: string[] }).allowed_dirs;
  return { client, asked, call, allowedDirs };
}

describe('client roots over HTTP', () => {
  it('are neither asked for nor used without --trust-client-roots', async () => {
    server = await startHttpProcess(['--tp-path', FAKE_TP, '--toolsets', 'all'], ws.env(), launch);
    const session = await connectWithRoots(server.url, ['file:///', pathToFileURL(join(launch, 'sub')).href]);
    expect(await session.allowedDirs()).toEqual([launch]);
    // not narrowed to sub: the launch directory itself is still allowed
    const written = await session.call('job_write_config', { workdir: launch, commands: ['x'] });
    expect(written.isError ?? false, textOf(written)).toBe(false);
    // and not widened by file:///
    expect(textOf(await session.call('job_init', { workdir: outside }))).toMatch(/outside the allowed directories/);
    expect(readdirSync(outside)).toEqual([]);
    expect(session.asked.count).toBe(0);
  });

  it(
    'with --trust-client-roots narrow the allowed directories, and a file:/// root still does not widen ' + 'them',
    async () => {
      server = await startHttpProcess(
        ['--tp-path', FAKE_TP, '--toolsets', 'all', '--trust-client-roots'],
        ws.env(),
        launch,
      );
      const narrowing = await connectWithRoots(server.url, [pathToFileURL(join(launch, 'sub')).href]);
      expect(await narrowing.allowedDirs()).toEqual([join(launch, 'sub')]);
      expect(narrowing.asked.count).toBe(1);

      const widening = await connectWithRoots(server.url, ['file:///']);
      expect(await widening.allowedDirs()).toEqual([launch]);
      const init = await widening.call('job_init', { workdir: outside });
      expect(textOf(init)).toMatch(/workdir: .* is outside the allowed directories/);
      expect(readdirSync(outside)).toEqual([]);
      expect(ws.commandCalls().filter((call) => call.argv.includes('init'))).toHaveLength(0);
    },
  );
});

describe('file tools on a network address', () => {
  const dropped = (stderr: string) => stderr.split('\n').filter((line) => /file tools not offered/.test(line));

  it('are dropped without --allow-dir, with one start-up line that says how to get them back', async () => {
    server = await startHttpProcess(
      ['--tp-path', FAKE_TP, '--toolsets', 'all', '--auth-token', TOKEN],
      ws.env(),
      launch,
      '0.0.0.0',
    );
    const lines = dropped(server.stderr());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\[tensorpool-mcp\] info: file tools not offered \(.*job_pull.*\): on --host 0\.0\.0\.0 .*restart with --allow-dir DIR/,
    );
    // 0.0.0.0 is only ever reached through 127.0.0.1 here
    const session = await connectWithRoots(server.url.replace('//0.0.0.0:', '//127.0.0.1:'), [], TOKEN);
    const { tools } = await session.client.listTools();
    expect(tools.map((tool) => tool.name)).not.toContain('job_pull');
    expect(tools.map((tool) => tool.name)).toContain('job_list');
  });

  it('are offered with --allow-dir, and nothing is said about dropping them', async () => {
    server = await startHttpProcess(
      ['--tp-path', FAKE_TP, '--toolsets', 'all', '--auth-token', TOKEN, '--allow-dir', launch],
      ws.env(),
      launch,
      '0.0.0.0',
    );
    expect(dropped(server.stderr())).toEqual([]);
    const session = await connectWithRoots(server.url.replace('//0.0.0.0:', '//127.0.0.1:'), [], TOKEN);
    const { tools } = await session.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(['job_init', 'job_write_config', 'job_push', 'job_pull']),
    );
  });
});
