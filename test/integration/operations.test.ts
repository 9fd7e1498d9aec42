import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult, Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/config.js';
import { tmpdir } from 'node:os';
import { createServer, type CreateServerOptions } from '../../src/server/create-server.js';
import { OUTPUT_PAGE_BYTES } from '../../src/server/output-resource.js';
import { TpInstallation } from '../../src/tp/generation.js';
import { TpRunner, type TpRunnerOptions } from '../../src/tp/runner.js';
import { Slots } from '../../src/tp/slots.js';
import {
  FAKE_TP,
  FAKE_TP_PASS_ENV,
  FakeTpWorkspace,
  TEST_KEY,
  isAlive,
  waitFor,
  RUNNER_LIMITS,
} from '../helpers/fake-tp.js';
import { FakeClock } from '../helpers/fake-clock.js';
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

const FAST: ConfigInput = { syncBudgetMs: 1000, heartbeatMs: 300 };
/** For calls that must finish within the budget however slow the machine is. */
const NO_BUDGET: ConfigInput = { ...FAST, syncBudgetMs: 60_000 };
/** For calls that wait in the queue behind held ones: they must not turn into handles however slow the machine is. */
const LONG_BUDGET: ConfigInput = { ...FAST, syncBudgetMs: 600_000 };

async function session(
  env: Record<string, string | undefined>,
  settings: ConfigInput = FAST,
  runnerOptions: Partial<TpRunnerOptions> = {},
  shared?: TpRunner,
  serverOptions: Partial<CreateServerOptions> = {},
) {
  const runner =
    shared ??
    new TpRunner({
      ...RUNNER_LIMITS,
      tpPath: FAKE_TP,
      passEnv: FAKE_TP_PASS_ENV,
      env: ws.env(env),
      timeoutMs: 300_000,
      killGraceMs: 300,
      ...runnerOptions,
    });
  // not about approval (--no-confirm-creates), nor about detecting the generation (test/tools/generations.test.ts):
  // the fake's default generation is given, so the server spawns no probes
  const server = createServer({
    runner,
    config: { allowedDirs: [], confirmCreates: false, ...settings },
    installation: new TpInstallation(runner, '0.0.9'),
    ...serverOptions,
  });
  const client = new Client({ name: 'ops-test', version: '1' });
  const notifications: { method: string; params?: unknown }[] = [];
  client.fallbackNotificationHandler = async (notification) => {
    notifications.push(notification);
  };
  const [a, b] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(b), client.connect(a)]);
  cleanups.push(async () => {
    await client.close();
    await server.close();
    if (!shared) await runner.shutdown();
  });
  const call = async (
    name: string,
    args: Record<string, unknown> = {},
    options: { onprogress?: (p: Progress) => void; signal?: AbortSignal } = {},
  ) =>
    (await client.callTool({ name, arguments: args }, undefined, { ...options, timeout: 120_000 })) as CallToolResult;
  return { client, runner, call, notifications };
}

const pids = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { tp: number; grandchild: number };
const outputOf = async (client: Client, id: string) =>
  ((await client.readResource({ uri: `tensorpool-mcp://operations/${id}/output` })).contents[0] as { text: string })
    .text;
const operationOf = (result: CallToolResult) =>
  (result.structuredContent as { operation?: { id: string; status: string } }).operation;

describe('operation handles', () => {
  it(
    'a call past the sync budget returns a handle at once; status, list and cancel follow it; cancel leaves no ' +
      'process',
    async () => {
      const pidFile = join(ws.dir, 'pids.json');
      // tp prints three lines and is then held until the test ends it: only the budget can end the call
      const clock = new FakeClock();
      const s = await session(
        { ...ws.hold(3), FAKE_TP_GRANDCHILD: '1', FAKE_TP_PIDFILE: pidFile },
        FAST,
        {},
        undefined,
        {
          clock,
        },
      );
      const call = s.call('cluster_create', { instance_type: '1xH100', wait: true });
      const tpPid = await ws.untilReady();
      clock.advance(FAST.syncBudgetMs!);
      const handle = await call;
      const operation = operationOf(handle)!;
      expect(operation).toMatchObject({ id: expect.stringMatching(/^op_[0-9a-f]+$/), status: 'running' });
      expect(handle.isError ?? false).toBe(false);
      expect(textOf(handle)).toMatch(/still running .* operation op_[0-9a-f]+\. Call operation_status/);
      expect(handle.content.some((part) => part.type === 'resource_link')).toBe(true);

      expect(isAlive(tpPid)).toBe(true);
      await waitFor(
        async () => (await outputOf(s.client, operation.id)).includes('progress line 3'),
        undefined,
        "tp's lines to reach the server",
      );
      const status = await s.call('operation_status', { operation_id: operation.id });
      expect(status.structuredContent).toMatchObject({ status: 'running', tool: 'cluster_create', result: null });
      // each line is shown once: in the handle's output so far, or as new output in the first status after it
      const newOutput = (result: CallToolResult) => (result.structuredContent as { new_output: string }).new_output;
      const shown = `${textOf(handle)}\n${newOutput(status)}`;
      for (const k of [1, 2, 3])
        expect(shown.match(new RegExp(`progress line ${k}\\n`, 'g')), `progress line ${k}`).toHaveLength(1);
      expect(newOutput(await s.call('operation_status', { operation_id: operation.id }))).toBe('');

      const list = await s.call('operation_list');
      expect(textOf(list)).toMatch(new RegExp(`${operation.id}\\s+running\\s+cluster_create\\s+instance_type=1xH100`));

      const { tp, grandchild } = pids(pidFile);
      const cancelled = await s.call('operation_cancel', { operation_id: operation.id });
      expect(cancelled.structuredContent).toMatchObject({ status: 'cancelled' });
      expect(isAlive(tp)).toBe(false);
      expect(isAlive(grandchild)).toBe(false);
      const final = await s.call('operation_status', { operation_id: operation.id });
      expect(final.isError).toBe(true);
      expect(textOf(final)).toMatch(/cancelled/);
    },
  );

  it('operation_status returns the final result in the shape of the original tool', async () => {
    const clock = new FakeClock();
    const s = await session(ws.hold(), FAST, {}, undefined, { clock });
    const call = s.call('cluster_list', { org: true });
    await ws.untilReady();
    clock.advance(FAST.syncBudgetMs!);
    const operation = operationOf(await call)!;
    ws.release();
    const status = await s.call('operation_status', { operation_id: operation.id, wait_seconds: 50 });
    // the finished call's fields at the top level, where an agent reads them without unwrapping
    expect(status.structuredContent).toMatchObject({ status: 'succeeded', ok: true });
    expect(
      (status.structuredContent as { clusters: { cluster_id: string }[] }).clusters.map((row) => row.cluster_id),
    ).toEqual(['c-fake123', 'c-fake456', 'c-fake789']);
    expect(textOf(status)).toMatch(/Result:\nOrganization: fake-org\ncluster_id  name/);
  });

  it('calls inside the budget return their result directly', async () => {
    const s = await session({}, NO_BUDGET);
    const result = await s.call('cluster_list');
    expect(operationOf(result)).toBeUndefined();
    expect(result.structuredContent).toMatchObject({ ok: true });
  });

  it('operations belong to their session', async () => {
    const runner = new TpRunner({
      ...RUNNER_LIMITS,
      tpPath: FAKE_TP,
      passEnv: FAKE_TP_PASS_ENV,
      env: ws.env(ws.hold()),
      timeoutMs: 60_000,
      killGraceMs: 300,
    });
    cleanups.push(() => runner.shutdown());
    const clock = new FakeClock();
    const a = await session({}, FAST, {}, runner, { clock });
    const b = await session({}, FAST, {}, runner, { clock });
    const call = a.call('job_list');
    await ws.untilReady();
    clock.advance(FAST.syncBudgetMs!);
    const operation = operationOf(await call)!;
    const foreign = await b.call('operation_status', { operation_id: operation.id });
    expect(foreign.isError).toBe(true);
    expect(textOf(foreign)).toMatch(/No operation op_.* in this session/);
    expect(textOf(await b.call('operation_list'))).toBe('No operations in this session.');
  });

  it('a finished operation is forgotten after the TTL, with its output file', async () => {
    const clock = new FakeClock();
    const s = await session(ws.hold(), { ...FAST, operationTtlMs: 500 }, {}, undefined, { clock });
    const call = s.call('job_list');
    await ws.untilReady();
    clock.advance(FAST.syncBudgetMs!);
    const operation = operationOf(await call)!;
    ws.release();
    const finished = await s.call('operation_status', { operation_id: operation.id, wait_seconds: 50 });
    expect(finished.structuredContent).toMatchObject({ status: 'succeeded' });
    const outputUri = (finished.structuredContent as { output_uri: string }).output_uri;
    // still there just before the TTL has passed since it finished, gone after
    clock.advance(499);
    expect(textOf(await s.call('operation_status', { operation_id: operation.id }))).not.toMatch(/No operation/);
    clock.advance(60_000);
    expect(textOf(await s.call('operation_status', { operation_id: operation.id }))).toMatch(/No operation/);
    await expect(s.client.readResource({ uri: outputUri })).rejects.toMatchObject({ code: -32002 });
  });
});

describe('progress notifications', () => {
  it('with a progress token: one per output line, strictly increasing', async () => {
    const s = await session(ws.hold(1), NO_BUDGET);
    const progress: Progress[] = [];
    const result = await s.call(
      'job_listen',
      { job_id: 'j-1' },
      {
        onprogress: (p) => {
          progress.push(p);
          // tp's line came through while it ran; now it may finish
          if (/progress line/.test(p.message ?? '')) ws.release();
        },
      },
    );
    expect(result.isError ?? false).toBe(false);
    // lines that arrive within one interval are folded into one message that names the latest
    expect(progress.map((p) => p.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^progress line 1( \(\+\d+ more lines?\))?$/)]),
    );
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.progress).toBeGreaterThan(progress[i - 1]!.progress);
  });

  it('with a progress token: a line that carries the key goes out masked', async () => {
    const s = await session({ ...ws.hold(), FAKE_TP_ECHO_KEY: '1' }, NO_BUDGET);
    const progress: Progress[] = [];
    const result = await s.call(
      'job_listen',
      { job_id: 'j-1' },
      {
        onprogress: (p) => {
          progress.push(p);
          // the fake prints the key on its last line on stdout and on stderr, so some message is about it
          if (/TENSORPOOL_KEY=|key is/.test(p.message ?? '')) ws.release();
        },
      },
    );
    expect(result.isError ?? false).toBe(false);
    expect(progress.some((p) => /TENSORPOOL_KEY=|key is/.test(p.message ?? ''))).toBe(true);
    expect(JSON.stringify(progress)).not.toContain(TEST_KEY);
  });

  it('heartbeats while tp is silent', async () => {
    const clock = new FakeClock();
    const s = await session(ws.hold(), NO_BUDGET, {}, undefined, { clock });
    const progress: Progress[] = [];
    const heartbeats = () => progress.filter((p) => /still running/.test(p.message ?? '')).length;
    const call = s.call('cluster_list', {}, { onprogress: (p) => progress.push(p) });
    await ws.untilReady();
    // tp stays silent through two heartbeat intervals
    for (const expected of [1, 2]) {
      clock.advance(FAST.heartbeatMs!);
      await waitFor(() => heartbeats() === expected, undefined, `heartbeat ${expected}`);
    }
    ws.release();
    const result = await call;
    expect(result.isError ?? false).toBe(false);
    expect(heartbeats()).toBe(2);
  });

  it('never without a token', async () => {
    const clock = new FakeClock();
    const s = await session(ws.hold(3), NO_BUDGET, {}, undefined, { clock });
    const call = s.call('job_listen', { job_id: 'j-1' });
    await ws.untilReady();
    // lines were printed and three heartbeat intervals pass while tp runs
    clock.advance(3 * FAST.heartbeatMs!);
    ws.release();
    expect((await call).isError ?? false).toBe(false);
    expect(s.notifications.filter((n) => n.method === 'notifications/progress')).toEqual([]);
  });
});

describe('cancellation and the process limit', () => {
  it("a client's cancel notification kills tp and its grandchild", async () => {
    const pidFile = join(ws.dir, 'pids.json');
    const s = await session(
      { FAKE_TP_DELAY_MS: '60000', FAKE_TP_GRANDCHILD: '1', FAKE_TP_PIDFILE: pidFile },
      { ...FAST, syncBudgetMs: 60_000 },
    );
    const controller = new AbortController();
    const pending = s.call('cluster_list', {}, { signal: controller.signal }).catch((error: unknown) => error);
    await waitFor(() => existsSync(pidFile), 10_000, 'tp to start');
    const { tp, grandchild } = pids(pidFile);
    controller.abort();
    await pending;
    await waitFor(() => !isAlive(tp) && !isAlive(grandchild), 10_000, 'tp and grandchild to die');
  });

  it(
    'runs at most max-processes tp at once; the rest queue in order, hear their place, and can leave the ' + 'queue',
    async () => {
      // the first tp is held until both others have queued behind it
      const s = await session(ws.hold(), NO_BUDGET, { maxProcesses: 1 });
      const queued: string[] = [];
      const heardByThird: string[] = [];
      const first = s.call('job_info', { job_id: 'j-1' });
      await waitFor(() => ws.commandCalls().length === 1, undefined, 'the first call');
      const second = s.call('job_info', { job_id: 'j-2' }, { onprogress: (p) => queued.push(p.message ?? '') });
      const controller = new AbortController();
      const third = s
        .call(
          'job_info',
          { job_id: 'j-3' },
          { signal: controller.signal, onprogress: (p) => heardByThird.push(p.message ?? '') },
        )
        .catch((error: unknown) => error);
      await waitFor(
        () => queued.length > 0 && heardByThird.some((m) => /position 2/.test(m)),
        undefined,
        'both calls to queue',
      );
      controller.abort();
      ws.release();
      await Promise.all([first, second, third]);
      expect(queued[0]).toMatch(/waiting for a free tp slot: position 1/);
      expect(ws.commandCalls().map((call) => call.argv.at(-1))).toEqual(['j-1', 'j-2']);
    },
  );

  it(
    "takes turns across sessions: one session's many waiting calls do not put another session's one call behind all " +
      'of them',
    async () => {
      const runner = new TpRunner({
        ...RUNNER_LIMITS,
        tpPath: FAKE_TP,
        passEnv: FAKE_TP_PASS_ENV,
        env: ws.env(ws.hold()),
        timeoutMs: 300_000,
        killGraceMs: 300,
        maxProcesses: 1,
      });
      cleanups.push(() => runner.shutdown());
      const a = await session({}, LONG_BUDGET, {}, runner);
      const b = await session({}, LONG_BUDGET, {}, runner);
      const ids = ['a-1', 'a-2', 'a-3', 'a-4', 'a-5'];
      const batch = ids.map((job_id) => a.call('job_info', { job_id }));
      await waitFor(
        () => ws.commandCalls().length === 1 && runner.queuedCount === 4,
        undefined,
        "one of session A's calls to run and the others to queue",
      );
      const single = b.call('job_info', { job_id: 'b-1' });
      await waitFor(() => runner.queuedCount === 5, undefined, "session B's call to queue");
      ws.release();
      for (const result of await Promise.all([...batch, single]))
        expect(result.isError ?? false, textOf(result)).toBe(false);
      const started = ws.commandCalls().map((call) => call.argv.at(-1));
      // B's call goes next after the one of A's that was running, before the four A had waiting
      expect(started[1]).toBe('b-1');
      expect([started[0], ...started.slice(2)].sort()).toEqual(ids);
    },
  );

  it('refuses a call past the per-session cap of waiting calls at once, and starts no tp for it', async () => {
    const s = await session(ws.hold(), LONG_BUDGET, { maxProcesses: 1, maxWaitingPerSession: 2 });
    const first = s.call('job_info', { job_id: 'j-1' });
    await waitFor(() => ws.commandCalls().length === 1, undefined, 'the first call');
    const waiting = [s.call('job_info', { job_id: 'j-2' }), s.call('job_info', { job_id: 'j-3' })];
    await waitFor(() => s.runner.queuedCount === 2, undefined, 'two calls to queue');
    // answered while the first tp is still held: the refusal does not wait for a slot
    const refused = await s.call('job_info', { job_id: 'j-4' });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(
      /This session \(with its caller.s other sessions\) has too many calls waiting: 2 already wait for a free tp process.*tp was not started/,
    );
    expect(ws.commandCalls()).toHaveLength(1);
    ws.release();
    await Promise.all([first, ...waiting]);
    expect(ws.commandCalls().map((call) => call.argv.at(-1))).toEqual(['j-1', 'j-2', 'j-3']);
  });
});

/** Every page of an operation's output, from the URI a result links to, following each page's link to the next. */
async function readPages(client: Client, uri: string): Promise<Array<{ uri: string; text: string; next?: string }>> {
  const pages: Array<{ uri: string; text: string; next?: string }> = [];
  for (let next: string | undefined = uri; next; ) {
    const content = (await client.readResource({ uri: next })).contents[0] as {
      uri: string;
      text: string;
      _meta?: Record<string, unknown>;
    };
    const following = content._meta?.['tensorpool-mcp/next'] as string | undefined;
    pages.push({ uri: content.uri, text: content.text, next: following });
    if (pages.length > 100) throw new Error('pages never end');
    next = following;
  }
  return pages;
}

/** A page's text without the line that says where the next page is. */
const pageBody = (text: string) =>
  text.replace(/\n\[tensorpool-mcp: bytes \d+ to \d+ of \d+; the next page is \S+\]\n$/, '');

/** The spool file of an operation, wherever its session's private directory is. */
const spoolFileOf = (id: string) =>
  readdirSync(tmpdir())
    .filter((name) => name.startsWith('tensorpool-mcp-ops-'))
    .map((dir) => join(tmpdir(), dir, `${id}.log`))
    .find((path) => existsSync(path));

const linkOf = (result: CallToolResult) =>
  (result.content.find((part) => part.type === 'resource_link') as { uri: string } | undefined)?.uri;

describe('bounded output', () => {
  it(
    'keeps head and tail in the result and the whole text in the resource, a page at a time, without ' + 'the key',
    async () => {
      const size = Math.round(2.5 * 1024 * 1024);
      const s = await session({ FAKE_TP_OUTPUT_BYTES: String(size), FAKE_TP_ECHO_KEY: '1' }, NO_BUDGET, {
        outputHeadBytes: 4096,
        outputTailBytes: 4096,
      });
      const result = await s.call('cluster_list');
      expect(result.structuredContent).toMatchObject({ truncated: true });
      expect(textOf(result)).toMatch(/bytes of output cut by tensorpool-mcp/);
      const link = linkOf(result);
      expect(link).toMatch(/^tensorpool-mcp:\/\/operations\/op_[0-9a-f]+\/output$/);

      const pages = await readPages(s.client, link!);
      expect(pages).toHaveLength(3);
      expect(pages.map((page) => page.uri)).toEqual([
        link,
        `${link}?offset=${OUTPUT_PAGE_BYTES}`,
        `${link}?offset=${2 * OUTPUT_PAGE_BYTES}`,
      ]);
      expect(pages[0]!.text).toMatch(
        new RegExp(
          `\\[tensorpool-mcp: bytes 0 to ${OUTPUT_PAGE_BYTES} of \\d+; the next page is ` +
            `${pages[1]!.uri.replace(/[?]/g, '\\?')}\\]\n$`,
        ),
      );
      for (const page of pages) expect(Buffer.byteLength(pageBody(page.text))).toBeLessThanOrEqual(OUTPUT_PAGE_BYTES);
      const text = pages.map((page) => pageBody(page.text)).join('');
      // stdout and stderr share one output: tp's stderr line may land inside a stdout line, wherever the pipes were
      // read
      const stdoutOnly = text.replace(/key is \[REDACTED\]\n/, '');
      expect(stdoutOnly).not.toBe(text);
      expect((stdoutOnly.match(/x{99}\n/g) ?? []).length).toBe(Math.floor(size / 100));
      expect(text).toContain('* Authenticating...');
      expect(text).not.toContain(TEST_KEY);
      expect(text).toContain('[REDACTED]');
      await expect(s.client.readResource({ uri: `${link}?offset=ten` })).rejects.toMatchObject({
        code: -32602,
        message: expect.stringMatching(/offset must be a whole number of bytes/),
      });
    },
  );

  it(
    'cuts the middle of a spool file past --max-output-mb: the file stays under the cap, and the resource says how ' +
      'much was cut',
    async () => {
      const cap = 1024 * 1024;
      const size = 5 * 1024 * 1024;
      const s = await session({ FAKE_TP_OUTPUT_BYTES: String(size) }, { ...NO_BUDGET, maxOutputBytes: cap });
      const result = await s.call('cluster_list');
      const link = linkOf(result)!;
      const id = /operations\/(op_[0-9a-f]+)\//.exec(link)![1]!;
      expect(statSync(spoolFileOf(id)!).size).toBeLessThanOrEqual(cap);

      const pages = await readPages(s.client, link);
      expect(pages).toHaveLength(2);
      expect(pages[0]!.text).toMatch(/^\* Authenticating\.\.\.\n/);
      const cut = /^\[\.\.\. (\d+) bytes of output cut by tensorpool-mcp \.\.\.\]\n/.exec(pages[1]!.text);
      expect(cut, pages[1]!.text.slice(0, 200)).not.toBeNull();
      const kept =
        pages.reduce((sum, page) => sum + Buffer.byteLength(pageBody(page.text)), 0) - Buffer.byteLength(cut![0]);
      // what was cut and what was kept make up all of it
      expect(Number(cut![1]) + kept).toBeGreaterThan(size);
      expect(kept).toBeLessThanOrEqual(cap);
      expect(pages[1]!.text).toContain(`${'x'.repeat(99)}\n`);
    },
  );

  it("serves at most the process's limit of reads at once; a further read waits its turn", async () => {
    const reads = new Slots(2);
    const s = await session({}, NO_BUDGET, {}, undefined, { outputReads: reads });
    await s.call('cluster_list');
    const list = await s.client.listResources();
    const uri = list.resources.find((resource) => /cluster_list output/.test(resource.name))!.uri;
    // two reads of other sessions hold both slots
    const held = await Promise.all([reads.acquire({}), reads.acquire({})]);
    let answered = false;
    const read = s.client.readResource({ uri }).then((answer) => {
      answered = true;
      return answer;
    });
    await waitFor(() => reads.waiting === 1, undefined, 'the read to wait for a slot');
    expect(answered).toBe(false);
    held[0]!();
    expect(((await read).contents[0] as { text: string }).text).toContain('* Authenticating...');
    held[1]!();
  });

  it("lists each operation's output once, and completes operation ids in both templates", async () => {
    const s = await session({}, NO_BUDGET);
    await s.call('cluster_list');
    const { resources: all } = await s.client.listResources();
    // besides the operations' output, the workflow skill
    expect(all.map((resource) => resource.uri)).toContain('tensorpool-mcp://skill');
    const resources = all.filter((resource) => resource.uri.includes('/operations/'));
    expect(resources).toHaveLength(1);
    const id = /operations\/(op_[0-9a-f]+)\/output$/.exec(resources[0]!.uri)![1]!;
    const { resourceTemplates } = await s.client.listResourceTemplates();
    expect(resourceTemplates.map((template) => template.uriTemplate)).toEqual([
      'tensorpool-mcp://operations/{id}/output',
      'tensorpool-mcp://operations/{id}/output{?offset}',
    ]);
    for (const template of resourceTemplates) {
      const completion = await s.client.complete({
        ref: { type: 'ref/resource', uri: template.uriTemplate },
        argument: { name: 'id', value: 'op_' },
      });
      expect(completion.completion.values).toEqual([id]);
    }
  });
});

describe('secrets in streamed output', () => {
  it(
    'object_storage_enable streams and spools nothing without --allow-secrets: the secret stays out of progress, ' +
      'status and resources',
    async () => {
      const s = await session(ws.hold());
      const progress: Progress[] = [];
      const handle = await s.call('object_storage_enable', {}, { onprogress: (p) => progress.push(p) });
      const operation = operationOf(handle)!;
      ws.release(); // the secret is printed after this
      const status = await s.call('operation_status', { operation_id: operation.id, wait_seconds: 50 });
      expect(status.structuredContent).toMatchObject({ status: 'succeeded' });
      const resource = await s.client.readResource({
        uri: (status.structuredContent as { output_uri: string }).output_uri,
      });
      const everything = JSON.stringify([handle, status, resource, progress]);
      expect(everything).toContain('MASKED');
      expect(everything).not.toMatch(/fake-secret/);
    },
  );
});

describe('job_listen', () => {
  it('returns the last tail_lines lines of the log', async () => {
    const s = await session({ FAKE_TP_PROGRESS_LINES: '5' }, NO_BUDGET);
    const result = await s.call('job_listen', { job_id: 'j-1', tail_lines: 3 });
    expect(result.isError ?? false, textOf(result)).toBe(false);
    // the log is the job talking: fenced as data, the last three of its lines inside the fence; tp's closing line is
    // not the job's
    const fenced = /<<<untrusted ([\w-]+)>>>\n([\s\S]*?)\n?<<<end \1>>>/.exec(textOf(result));
    expect(fenced?.[2]?.trim().split('\n')).toEqual([
      '[j-1] Starting job...',
      '[j-1] epoch 1/2 loss=0.52',
      '[j-1] epoch 2/2 loss=0.26',
    ]);
    expect(textOf(result)).toMatch(
      /^Job j-1: COMPLETED\.\n5 earlier new lines left out \(from_line=0 reads them\)\.\nLog lines 6-8 /,
    );
  });

  it('max_seconds ends listening without an error and still returns the last tail_lines lines', async () => {
    // tp prints five lines, then is held: only max_seconds can end the call
    const s = await session(ws.hold(5), NO_BUDGET);
    const result = await s.call('job_listen', { job_id: 'j-1', max_seconds: 1, tail_lines: 3 });
    expect(result.isError ?? false, textOf(result)).toBe(false);
    expect(textOf(result)).toMatch(
      /^Job j-1: RUNNING after 1 s of watching; call job_listen again to keep following\./,
    );
    expect(result.structuredContent).toMatchObject({ job_status: 'RUNNING' });
    const lines = textOf(result)
      .split('\n')
      .filter((line) => /^progress line/.test(line));
    // The one second runs from the spawn, so a very slow machine may stop tp before it printed
    // all five lines; the ready file says whether it did. Either way, at most the last three show.
    if (existsSync(ws.readyFile)) expect(lines).toEqual(['progress line 3', 'progress line 4', 'progress line 5']);
    else expect(lines.length).toBeLessThanOrEqual(3);
  });
});
