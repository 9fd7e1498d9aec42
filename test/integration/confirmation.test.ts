import { mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import {
  ElicitRequestSchema,
  ListRootsRequestSchema,
  type CallToolResult,
  type ElicitResult,
} from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/config.js';
import { createServer } from '../../src/server/create-server.js';
import { TpRunner } from '../../src/tp/runner.js';
import { FAKE_TP, FAKE_TP_PASS_ENV, FakeTpWorkspace, RUNNER_LIMITS } from '../helpers/fake-tp.js';
import { textOf } from '../helpers/in-memory.js';

let ws: FakeTpWorkspace;
let cleanups: (() => Promise<void>)[] = [];

beforeEach(() => {
  ws = new FakeTpWorkspace();
});
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
  ws.cleanup();
});

interface ClientSetup {
  /** Declare elicitation and answer every request like this. */
  answer?: (message: string) => ElicitResult;
  /** Declare roots and list these directories. */
  roots?: string[];
}

async function connect(settings: ConfigInput, setup: ClientSetup = {}) {
  const runner = new TpRunner({
    ...RUNNER_LIMITS,
    tpPath: FAKE_TP,
    passEnv: FAKE_TP_PASS_ENV,
    env: ws.env(),
    timeoutMs: 10_000,
    killGraceMs: 300,
  });
  const logs: string[] = [];
  const logger = { info: (line: string) => logs.push(line), error: (line: string) => logs.push(line) };
  const server = createServer({
    runner,
    config: { allowedDirs: [], allowedDirsProblem: 'none allowed (test)', ...settings },
    logger,
  });
  const capabilities = {
    ...(setup.answer ? { elicitation: {} } : {}),
    ...(setup.roots ? { roots: { listChanged: true } } : {}),
  };
  const client = new Client({ name: 'confirm-test', version: '1' }, { capabilities });
  const asked: string[] = [];
  if (setup.answer) {
    const answer = setup.answer;
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params.message);
      return answer(request.params.message);
    });
  }
  let roots = setup.roots ?? [];
  let rootsAsked = 0;
  if (setup.roots) {
    client.setRequestHandler(ListRootsRequestSchema, async () => {
      rootsAsked++;
      return { roots: roots.map((dir) => ({ uri: pathToFileURL(dir).href })) };
    });
  }
  const [a, b] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(b), client.connect(a)]);
  cleanups.push(async () => {
    await client.close();
    await server.close();
    await runner.shutdown();
  });
  return {
    asked,
    logs,
    call: async (name: string, args: Record<string, unknown> = {}) =>
      (await client.callTool({ name, arguments: args })) as CallToolResult,
    rootsAsked: () => rootsAsked,
    // no wait after the notification: one transport delivers messages in order, so the server has
    // seen roots/list_changed before it sees the next call
    setRoots: async (dirs: string[]) => {
      roots = dirs;
      await client.sendRootsListChanged();
    },
  };
}

const accept = (): ElicitResult => ({ action: 'accept', content: { confirm: true } });

describe('--confirm elicit', () => {
  it('asks the person with a plain summary, even when the model passed confirm=true, and runs on accept', async () => {
    const mcp = await connect({ confirmMode: 'elicit' }, { answer: accept });
    const result = await mcp.call('cluster_destroy', { cluster_id: 'c-42', confirm: true, wait: true });
    expect(result.isError ?? false, textOf(result)).toBe(false);
    expect(mcp.asked).toHaveLength(1);
    expect(mcp.asked[0]).toMatch(/Allow cluster_destroy\? It means destroying cluster c-42 .*cannot be undone/s);
    expect(mcp.asked[0]).toMatch(/cluster_id: c-42\nwait: true/);
    expect(ws.lastCall().argv).toEqual(['cluster', 'destroy', '--no-input', '--wait', 'c-42']);
  });

  it.each([
    ['decline', { action: 'decline' } as ElicitResult],
    ['cancel', { action: 'cancel' } as ElicitResult],
    ['accept without the box ticked', { action: 'accept', content: { confirm: false } } as ElicitResult],
  ])('refuses on %s, and tp never runs', async (_label, answer) => {
    const mcp = await connect({ confirmMode: 'elicit' }, { answer: () => answer });
    const result = await mcp.call('job_cancel', { job_id: 'j-1', confirm: true });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/the user did not approve cancelling job j-1/);
    expect(ws.calls()).toHaveLength(0);
  });

  it('falls back to confirm=true for a client without elicitation', async () => {
    const mcp = await connect({ confirmMode: 'elicit' });
    expect(textOf(await mcp.call('cluster_destroy', { cluster_id: 'c-1' }))).toMatch(/confirm=true/);
    expect(ws.calls()).toHaveLength(0);
    expect((await mcp.call('cluster_destroy', { cluster_id: 'c-1', confirm: true })).isError ?? false).toBe(false);
  });

  it('does not ask about tools that change nothing irreversible (creates with --no-confirm-creates)', async () => {
    const mcp = await connect({ confirmMode: 'elicit', confirmCreates: false }, { answer: accept });
    await mcp.call('cluster_list');
    await mcp.call('cluster_create', { instance_type: '1xH100' });
    expect(mcp.asked).toEqual([]);
  });
});

describe('--confirm always-elicit', () => {
  it('refuses, and says why, when the client cannot ask a person', async () => {
    const mcp = await connect({ confirmMode: 'always-elicit' });
    const result = await mcp.call('storage_destroy', { storage_id: 's-1', confirm: true });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      /requires a person to approve destroying volume s-1 .*through MCP elicitation, and this client does not support it/s,
    );
    expect(ws.calls()).toHaveLength(0);
  });

  it('runs once the person accepts', async () => {
    const mcp = await connect({ confirmMode: 'always-elicit' }, { answer: accept });
    expect((await mcp.call('storage_destroy', { storage_id: 's-1' })).isError ?? false).toBe(false);
  });
});

describe('approval of calls that start billing (on by default; --no-confirm-creates)', () => {
  it('asks before anything that starts billing, with what it will cost, by default', async () => {
    const mcp = await connect({ confirmMode: 'elicit' }, { answer: accept });
    await mcp.call('cluster_create', { instance_type: '8xH100', num_nodes: 2, name: 'big' });
    expect(mcp.asked[0]).toMatch(/creating a 8xH100 cluster of 2 node\(s\) named big, which starts billing/);
  });

  it('asks before growing a volume, which bills by size', async () => {
    const mcp = await connect({ confirmCreates: true }, { answer: () => ({ action: 'decline' }) });
    const refused = await mcp.call('storage_edit', { storage_id: 's-7', size_gb: 2000 });
    expect(mcp.asked[0]).toMatch(/Allow storage_edit\? It means growing volume s-7 to 2000 GB, which starts billing/);
    expect(textOf(refused)).toMatch(/the user did not approve growing volume s-7/);
    expect(ws.commandCalls()).toHaveLength(0);
    // a rename alone changes no bill
    expect((await mcp.call('storage_edit', { storage_id: 's-7', name: 'data2' })).isError ?? false).toBe(false);
    expect(mcp.asked).toHaveLength(1);
  });

  it('--no-confirm-creates: creates run without asking, irreversible calls still ask', async () => {
    const mcp = await connect(
      { confirmMode: 'elicit', confirmCreates: false },
      { answer: () => ({ action: 'decline' }) },
    );
    expect((await mcp.call('cluster_create', { instance_type: '1xH100' })).isError ?? false).toBe(false);
    expect((await mcp.call('storage_create', { size_gb: 100 })).isError ?? false).toBe(false);
    expect(mcp.asked).toHaveLength(0);
    expect((await mcp.call('storage_destroy', { storage_id: 's-1' })).isError).toBe(true);
    expect(mcp.asked).toHaveLength(1);
  });

  it('server_status says billing calls need approval, by default and not with --no-confirm-creates', async () => {
    const on = await connect({ confirmMode: 'flag' });
    const status = await on.call('server_status');
    expect(status.structuredContent).toMatchObject({
      confirm_creates: true,
      approval: expect.stringMatching(/irreversible, sensitive and billing calls run with confirm=true/),
    });
    expect(textOf(status)).toMatch(/approval: flag: irreversible, sensitive and billing calls/);
    const off = await connect({ confirmMode: 'flag', confirmCreates: false });
    expect((await off.call('server_status')).structuredContent).toMatchObject({
      confirm_creates: false,
      approval: expect.stringMatching(/billing calls run unasked: --no-confirm-creates/),
    });
  });

  it('in flag mode needs confirm=true on creates, by default', async () => {
    const mcp = await connect({ confirmMode: 'flag' });
    const refused = await mcp.call('storage_create', { size_gb: 100 });
    expect(textOf(refused)).toMatch(
      /Not done: creating a storage volume of 100 GB, which starts billing.*confirm=true/s,
    );
    expect(ws.commandCalls()).toHaveLength(0);
    expect((await mcp.call('storage_create', { size_gb: 100, confirm: true })).isError ?? false).toBe(false);
  });
});

describe('MCP roots', () => {
  it("the client's roots narrow the allowed directories, and follow roots/list_changed", async () => {
    const a = realpathSync(ws.dir);
    mkdirSync(join(a, 'one'));
    mkdirSync(join(a, 'two'));
    const mcp = await connect({ allowedDirs: [a], allowDirsExplicit: true }, { roots: [join(a, 'one')] });
    expect((await mcp.call('job_write_config', { workdir: join(a, 'one'), commands: ['x'] })).isError ?? false).toBe(
      false,
    );
    const outside = await mcp.call('job_write_config', { workdir: join(a, 'two'), commands: ['x'] });
    expect(textOf(outside)).toMatch(/outside the allowed directories \(.*one\)/);

    expect(mcp.rootsAsked()).toBe(1);
    await mcp.setRoots([join(a, 'two')]);
    expect((await mcp.call('job_write_config', { workdir: join(a, 'two'), commands: ['x'] })).isError ?? false).toBe(
      false,
    );
    expect(mcp.rootsAsked()).toBe(2);
    const status = await mcp.call('server_status');
    expect((status.structuredContent as { allowed_dirs: string[] }).allowed_dirs).toEqual([join(a, 'two')]);
  });

  it(
    'narrow an explicit --allow-dir list: a root beside it adds nothing, and symlinks out are still ' + 'refused',
    async () => {
      const base = realpathSync(ws.dir);
      mkdirSync(join(base, 'operator', 'root'), { recursive: true });
      mkdirSync(join(base, 'beside'));
      symlinkSync('/etc', join(base, 'operator', 'root', 'etc'));
      const mcp = await connect(
        { allowedDirs: [join(base, 'operator')], allowDirsExplicit: true },
        { roots: [join(base, 'beside'), join(base, 'operator', 'root')] },
      );
      const status = await mcp.call('server_status');
      expect((status.structuredContent as { allowed_dirs: string[] }).allowed_dirs).toEqual([
        join(base, 'operator', 'root'),
      ]);
      expect(textOf(await mcp.call('job_write_config', { workdir: join(base, 'beside'), commands: ['x'] }))).toMatch(
        /outside the allowed/,
      );
      expect(
        textOf(await mcp.call('job_write_config', { workdir: join(base, 'operator', 'root', 'etc'), commands: ['x'] })),
      ).toMatch(/outside the allowed/);
    },
  );
});

describe('MCP roots over stdio without --allow-dir', () => {
  const allowedDirs = (status: CallToolResult) => (status.structuredContent as { allowed_dirs: string[] }).allowed_dirs;
  let home: string | undefined;
  afterEach(() => {
    if (home !== undefined) process.env.HOME = home;
    home = undefined;
  });
  /** A home directory of the test's own, so a root of "home" is one the test made. */
  function fakeHome(): string {
    home = process.env.HOME;
    const dir = join(realpathSync(ws.dir), 'home');
    mkdirSync(join(dir, 'project'), { recursive: true });
    process.env.HOME = dir;
    return dir;
  }

  it("the client's roots become the allowed directories instead of the launch directory", async () => {
    const base = realpathSync(ws.dir);
    mkdirSync(join(base, 'launch'));
    mkdirSync(join(base, 'opened'));
    const mcp = await connect(
      { transport: 'stdio', allowedDirs: [join(base, 'launch')], allowDirsExplicit: false },
      { roots: [join(base, 'opened')] },
    );
    expect(allowedDirs(await mcp.call('server_status'))).toEqual([join(base, 'opened')]);
    expect(
      (await mcp.call('job_write_config', { workdir: join(base, 'opened'), commands: ['x'] })).isError ?? false,
    ).toBe(false);
    expect(textOf(await mcp.call('job_write_config', { workdir: join(base, 'launch'), commands: ['x'] }))).toMatch(
      /outside the allowed directories/,
    );
  });

  it('give file tools a folder when the launch directory was home (none allowed by default)', async () => {
    const dir = fakeHome();
    const mcp = await connect(
      { transport: 'stdio', allowedDirs: [], allowDirsExplicit: false },
      { roots: [join(dir, 'project')] },
    );
    expect(allowedDirs(await mcp.call('server_status'))).toEqual([join(dir, 'project')]);
  });

  it.each([
    ['/', () => '/'],
    ['the home directory', () => process.env.HOME!],
  ])('refuse a root of %s as too wide, with one log line, keeping the launch-directory rule', async (_name, root) => {
    fakeHome();
    const mcp = await connect(
      { transport: 'stdio', allowedDirs: [], allowedDirsProblem: 'none allowed (test)', allowDirsExplicit: false },
      { roots: [root()] },
    );
    expect(allowedDirs(await mcp.call('server_status'))).toEqual([]);
    expect(allowedDirs(await mcp.call('server_status'))).toEqual([]);
    expect(mcp.logs.filter((line) => /too wide/.test(line))).toEqual([
      `client root ${root()} refused for file tools: too wide (/ or the home directory); open a project folder, or ` +
        `start with --allow-dir DIR`,
    ]);
  });

  it('over HTTP roots still only narrow (with --trust-client-roots)', async () => {
    const base = realpathSync(ws.dir);
    mkdirSync(join(base, 'launch'));
    mkdirSync(join(base, 'opened'));
    const mcp = await connect(
      { transport: 'http', trustClientRoots: true, allowedDirs: [join(base, 'launch')], allowDirsExplicit: false },
      { roots: [join(base, 'opened')] },
    );
    expect(allowedDirs(await mcp.call('server_status'))).toEqual([]);
  });
});

describe('sensitive calls and the default mode', () => {
  it('by default (elicit) asks the person before saving an SSH key, and a decline runs nothing', async () => {
    const mcp = await connect({}, { answer: () => ({ action: 'decline' }) });
    const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICSNdgk4SAaJkvjHd/WgsmSeOQAlRf5NBbqEMRI6ibwV me@laptop';
    const refused = await mcp.call('ssh_key_add', { public_key: key, name: 'laptop', confirm: true });
    expect(mcp.asked[0]).toMatch(
      /Allow ssh_key_add\? It means saving an SSH key named laptop on the account, which lets its holder log in to every new cluster/,
    );
    expect(refused.isError).toBe(true);
    expect(ws.commandCalls()).toHaveLength(0);
  });

  it.each(['cluster_edit', 'storage_edit'])(
    '%s asks before turning deletion protection off, not before turning it on',
    async (tool) => {
      const mcp = await connect({}, { answer: accept });
      const id = tool === 'cluster_edit' ? { cluster_id: 'c-42' } : { storage_id: 's-7' };
      await mcp.call(tool, { ...id, deletion_protection: true });
      expect(mcp.asked).toEqual([]);
      const result = await mcp.call(tool, { ...id, deletion_protection: false });
      expect(result.isError ?? false, textOf(result)).toBe(false);
      expect(mcp.asked).toEqual([
        expect.stringMatching(
          /turning off deletion protection of (cluster c-42|volume s-7), which lets it be destroyed/,
        ),
      ]);
    },
  );

  it('server_status says which approval rule is in force for the connected client', async () => {
    const asking = await connect({}, { answer: accept });
    const withElicitation = (await asking.call('server_status')).structuredContent as {
      approval: string;
      confirm_mode: string;
    };
    expect(withElicitation.confirm_mode).toBe('elicit');
    expect(withElicitation.approval).toMatch(/^elicit: this client supports elicitation, so the person is asked/);
    const plain = await connect({});
    const status = await plain.call('server_status');
    expect((status.structuredContent as { approval: string }).approval).toMatch(
      /^elicit, but this client does not support elicitation: .* need confirm=true/,
    );
    expect(textOf(status)).toMatch(/approval: elicit, but this client does not support elicitation/);
  });
});
