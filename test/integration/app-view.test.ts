import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ElicitRequestSchema, type CallToolResult, type ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/config.js';
import { createServer } from '../../src/server/create-server.js';
import { TpRunner } from '../../src/tp/runner.js';
import { FAKE_TP, FAKE_TP_PASS_ENV, FakeTpWorkspace, waitFor, RUNNER_LIMITS } from '../helpers/fake-tp.js';
import { textOf } from '../helpers/in-memory.js';

/** What a host that renders MCP Apps declares in initialize (ext-apps spec 2026-01-26). */
const APPS: ClientCapabilities = {
  extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: ['text/html;profile=mcp-app'] } },
};
const VIEW = 'ui://tensorpool/console';

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

async function connect(capabilities: ClientCapabilities, config: ConfigInput = {}) {
  const runner = new TpRunner({
    ...RUNNER_LIMITS,
    tpPath: FAKE_TP,
    passEnv: FAKE_TP_PASS_ENV,
    env: ws.env(),
    timeoutMs: 10_000,
    killGraceMs: 300,
  });
  const server = createServer({
    runner,
    config: { allowedDirs: [], allowedDirsProblem: 'none allowed (test)', ...config },
  });
  const client = new Client({ name: 'app-view-test', version: '1' }, { capabilities });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(b), client.connect(a)]);
  cleanups.push(async () => {
    await client.close();
    await server.close();
    await runner.shutdown();
  });
  const call = async (name: string, args: Record<string, unknown> = {}) =>
    (await client.callTool({ name, arguments: args })) as CallToolResult;
  return { client, call };
}

const creates = () => ws.commandCalls().filter((call) => call.argv.includes('create'));

describe('a client without MCP Apps', () => {
  it('sees the same tools/list as before: no view links, no app-only tools', async () => {
    const { client } = await connect({});
    const { tools } = await client.listTools();
    expect(tools.some((tool) => tool._meta !== undefined)).toBe(false);
    expect(tools.map((tool) => tool.name)).not.toContain('console_refresh');
    expect(tools.map((tool) => tool.name)).not.toContain('approval_decide');
  });

  it('cannot call the app-only tools nor read the view, and confirm=true still approves', async () => {
    const { client, call } = await connect({}, { confirmCreates: true });
    const refused = await call('console_refresh');
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/console_refresh not found/);
    await expect(client.readResource({ uri: VIEW })).rejects.toThrow(/not found/i);
    const created = await call('cluster_create', { instance_type: '1xH100', confirm: true });
    expect(created.isError).toBeFalsy();
    expect(creates()).toHaveLength(1);
  });
});

describe('a client that renders MCP Apps', () => {
  it('lists the view on the tools it shows, and the app-only tools for the view alone', async () => {
    const { client } = await connect(APPS);
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    for (const name of [
      'cluster_list',
      'job_list',
      'job_info',
      'job_listen',
      'cluster_create',
      'cluster_destroy',
      'job_cancel',
    ]) {
      expect(byName.get(name)?._meta, name).toEqual({ ui: { resourceUri: VIEW } });
    }
    expect(byName.get('account_me')?._meta).toBeUndefined();
    for (const name of ['console_refresh', 'console_log_read', 'approval_decide']) {
      expect(byName.get(name)?._meta, name).toEqual({ ui: { resourceUri: VIEW, visibility: ['app'] } });
    }
    // what the view costs an Apps client on the wire (docs/tools.md: 2,951 bytes with every tool)
    const plain = JSON.stringify((await (await connect({})).client.listTools()).tools);
    expect(JSON.stringify(tools).length - plain.length).toBeLessThan(3_200);
  });

  it('reads the view: one HTML file with its CSP, allowing no network', async () => {
    const { client } = await connect(APPS);
    const { contents } = await client.readResource({ uri: VIEW });
    expect(contents).toHaveLength(1);
    const [view] = contents as [
      { uri: string; mimeType: string; text: string; _meta: { ui: { csp: Record<string, string[]> } } },
    ];
    expect(view.mimeType).toBe('text/html;profile=mcp-app');
    expect(view.text).toMatch(/^<!doctype html>/i);
    expect(Buffer.byteLength(view.text)).toBeLessThanOrEqual(400 * 1024);
    expect(view.text).not.toMatch(/<script[^>]+src=|<link[^>]+href=/i);
    expect(view._meta.ui.csp).toEqual({
      connectDomains: [],
      resourceDomains: [],
      frameDomains: [],
      baseUriDomains: [],
    });
  });

  it("refreshes the view's data from tp: cluster, volume and job ids with their columns", async () => {
    const { call } = await connect(APPS);
    const result = await call('console_refresh', { job_id: 'j-fake1' });
    expect(result.isError).toBeFalsy();
    const data = result.structuredContent as {
      clusters: Record<string, string>[];
      volumes: Record<string, string>[];
      jobs: Record<string, string>[];
      job: { fields: Record<string, string> };
    };
    expect(data.clusters.map((c) => [c.cluster_id, c.instance_type, c.nodes, c.status])).toEqual([
      ['c-fake123', '1xH100', '1', 'RUNNING'],
      ['c-fake456', '8xH100', '2', 'RUNNING'],
      ['c-fake789', '1xL40S', '1', 'RUNNING'],
    ]);
    expect(data.volumes.map((v) => v.storage_id)).toEqual(['s-fake123', 's-fake456']);
    expect(data.jobs.map((j) => [j.job_id, j.cluster_id])).toEqual([
      ['j-fake1', 'c-fake123'],
      ['j-fake2', 'c-fake456'],
      ['j-fake0', 'c-fake123'],
    ]);
    expect(data.job.fields.status).toBe('RUNNING');
  });

  it("reads a job's log in pages, to its end", async () => {
    const { call } = await connect(APPS);
    let offset = 0;
    let text = '';
    let finished = false;
    await waitFor(
      async () => {
        const page = (await call('console_log_read', { job_id: 'job-fake1', offset })).structuredContent as {
          text: string;
          next_offset: number;
          finished: boolean;
        };
        text += page.text;
        offset = page.next_offset;
        finished = page.finished;
        return finished;
      },
      20_000,
      'the log to end',
    );
    expect(text).toContain('[job-fake1] epoch 2/2 loss=0.26');
    expect(ws.commandCalls().filter((c) => c.argv.includes('listen'))).toHaveLength(1);
  });

  it('refuses a bad argument to an app-only tool, naming the field, and runs nothing', async () => {
    const { call } = await connect(APPS);
    const result = await call('console_log_read', { job_id: '--help' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/job_id/);
    expect(ws.commandCalls()).toHaveLength(0);
  });

  describe('without elicitation: the approval card, not confirm=true', () => {
    async function waitingCreate() {
      const session = await connect(APPS, { confirmCreates: true });
      // the model passes confirm=true: it must not be what approves the call here
      const heard: string[] = [];
      const result = session.client.callTool(
        { name: 'cluster_create', arguments: { instance_type: '1xH100', num_nodes: 1, confirm: true } },
        undefined,
        {
          onprogress: (progress) => heard.push(progress.message ?? ''),
        },
      ) as Promise<CallToolResult>;
      let pending: { id: string; tool: string; action: string; args: Record<string, unknown> }[] = [];
      await waitFor(
        async () => {
          pending = (
            (await session.call('console_refresh', { approvals_only: true })).structuredContent as {
              pending: typeof pending;
            }
          ).pending;
          return pending.length > 0;
        },
        20_000,
        'the call to wait for approval',
      );
      expect(creates()).toHaveLength(0);
      // what the view polls while it waits for a card runs no tp
      expect(ws.commandCalls().filter((call) => call.argv.includes('list'))).toHaveLength(0);
      return { ...session, result, pending, heard };
    }

    it('Approve runs the call exactly once', async () => {
      const { call, result, pending, heard } = await waitingCreate();
      expect(pending).toHaveLength(1);
      // a host that times out a silent call hears that the call waits for a person
      await waitFor(() => heard.length > 0, 20_000, 'a progress notification');
      expect(heard[0]).toBe('waiting for the person to press Approve or Decline in the TensorPool view');
      expect(pending[0]).toMatchObject({ tool: 'cluster_create', args: { instance_type: '1xH100', num_nodes: 1 } });
      expect(pending[0]!.action).toMatch(/1xH100.*starts billing/);
      const approved = await call('approval_decide', { approval_id: pending[0]!.id, decision: 'approve' });
      expect(textOf(approved)).toMatch(/^Approved: cluster_create runs now/);
      expect((await result).isError).toBeFalsy();
      const again = await call('approval_decide', { approval_id: pending[0]!.id, decision: 'approve' });
      expect(again.isError).toBe(true);
      expect(textOf(again)).toMatch(/approval_id: no call waits/);
      expect(creates()).toHaveLength(1);
    });

    it('Decline runs nothing', async () => {
      const { call, result, pending } = await waitingCreate();
      await call('approval_decide', { approval_id: pending[0]!.id, decision: 'decline' });
      const refused = await result;
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toMatch(/did not approve/);
      expect(creates()).toHaveLength(0);
    });

    it('server_status says the view approves here', async () => {
      const { call } = await connect(APPS);
      const status = (await call('server_status')).structuredContent as { approval: string };
      expect(status.approval).toMatch(/press Approve on the TensorPool view.*confirm=true does not approve/);
    });
  });

  it('asks through elicitation where the client has it, and shows no card', async () => {
    const runner = new TpRunner({
      ...RUNNER_LIMITS,
      tpPath: FAKE_TP,
      passEnv: FAKE_TP_PASS_ENV,
      env: ws.env(),
      timeoutMs: 10_000,
      killGraceMs: 300,
    });
    const server = createServer({
      runner,
      config: { allowedDirs: [], allowedDirsProblem: 'none', confirmCreates: true },
    });
    const client = new Client({ name: 'both', version: '1' }, { capabilities: { ...APPS, elicitation: {} } });
    const asked: string[] = [];
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params.message);
      return { action: 'accept', content: { confirm: true } };
    });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await Promise.all([server.connect(b), client.connect(a)]);
    cleanups.push(async () => {
      await client.close();
      await server.close();
      await runner.shutdown();
    });
    const result = (await client.callTool({
      name: 'cluster_create',
      arguments: { instance_type: '1xH100' },
    })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(asked).toHaveLength(1);
    expect(creates()).toHaveLength(1);
  });
});
