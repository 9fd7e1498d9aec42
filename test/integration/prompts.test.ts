import { afterEach, describe, expect, it } from 'vitest';
import { selectTools } from '../../src/registry/selection.js';
import { allTools } from '../../src/tools/index.js';
import type { Generation } from '../../src/tp/generation.js';
import { FakeTpWorkspace } from '../helpers/fake-tp.js';
import { connectInMemory, textOf, type Connected } from '../helpers/in-memory.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';

let ws: FakeTpWorkspace | undefined;
let mcp: Connected | undefined;
afterEach(async () => {
  await mcp?.close();
  ws?.cleanup();
  mcp = undefined;
  ws = undefined;
});

async function connect(
  options: {
    generation?: Generation;
    config?: Parameters<typeof connectInMemory>[0]['config'];
    readOnly?: boolean;
  } = {},
) {
  ws = new FakeTpWorkspace();
  const tools = options.readOnly ? selectTools(allTools, { readOnly: true }).tools : undefined;
  mcp = await connectInMemory({
    env: ws.env({ FAKE_TP_GENERATION: options.generation }),
    tools,
    config: options.config,
  });
  return mcp;
}

const promptText = async (m: Connected, name: string, args: Record<string, string> = {}) => {
  const prompt = await m.client.getPrompt({ name, arguments: args });
  return prompt.messages.map((message) => (message.content.type === 'text' ? message.content.text : '')).join('\n');
};

const complete = async (m: Connected, prompt: string, argument: string, value: string) =>
  (await m.client.complete({ ref: { type: 'ref/prompt', name: prompt }, argument: { name: argument, value } }))
    .completion.values;

describe('prompts', () => {
  it('lists the five workflows with their arguments', async () => {
    const m = await connect();
    const { prompts } = await m.client.listPrompts();
    expect(prompts.map((prompt) => prompt.name)).toEqual([
      'run_training_job',
      'debug_failed_job',
      'clean_up_idle_resources',
      'manage_storage',
      'cluster_session',
    ]);
    const run = prompts.find((prompt) => prompt.name === 'run_training_job')!;
    expect(run.arguments).toEqual([
      expect.objectContaining({ name: 'path', required: true }),
      expect.objectContaining({ name: 'instance_type', required: false }),
      expect.objectContaining({ name: 'cluster_id', required: false }),
    ]);
  });

  it(
    'run_training_job walks through config, cluster, push, listen, pull and teardown, asking before ' + 'spending',
    async () => {
      const m = await connect({ generation: '0.0.9', config: { tpGeneration: '0.0.9' } });
      const text = await promptText(m, 'run_training_job', { path: '/work/proj/train.py', cluster_id: 'c-fake123' });
      expect(text).toContain('Run /work/proj/train.py on TensorPool');
      for (const step of [
        'job_write_config',
        'Run on cluster c-fake123',
        'job_push with config_path and cluster_id',
        'job_listen',
        'job_pull',
        'cluster_destroy',
      ]) {
        expect(text).toContain(step);
      }
      expect(text).toMatch(/wait for their yes, then cluster_destroy with confirm=true/);
      expect(text).toMatch(/untrusted/);
    },
  );

  it('on tp 0.0.6 it says the job takes no cluster and the config names the hardware', async () => {
    const m = await connect({ generation: '0.0.6', config: { tpGeneration: '0.0.6' } });
    const text = await promptText(m, 'run_training_job', { path: 'proj' });
    expect(text).toContain('job_push takes only config_path');
    expect(text).not.toContain('cluster_destroy');
  });

  it("names the operator's allowed instance types when the user gave none", async () => {
    const m = await connect({ config: { guardrails: { allowInstanceTypes: ['1xH100', '1xL40S'] } } });
    expect(await promptText(m, 'cluster_session', { purpose: 'notebook work' })).toContain(
      'among those this server allows (1xH100, 1xL40S)',
    );
  });

  it(
    'debug_failed_job and clean_up_idle_resources render, and clean-up destroys only what the user ' + 'names',
    async () => {
      const m = await connect();
      expect(await promptText(m, 'debug_failed_job', { job_id: 'j-fake1' })).toMatch(
        /Job j-fake1 failed[\s\S]*job_info[\s\S]*job_push again/,
      );
      const cleanUp = await promptText(m, 'clean_up_idle_resources', { organization: 'yes' });
      expect(cleanUp).toContain('cluster_list, storage_list and job_list with org=true');
      expect(cleanUp).toContain('For each one the user names');
    },
  );

  it('a read-only server offers no prompt that creates or destroys', async () => {
    const m = await connect({ readOnly: true });
    const { prompts } = await m.client.listPrompts();
    expect(prompts.map((prompt) => prompt.name)).toEqual(['debug_failed_job']);
  });
});

describe('completions', () => {
  it('cluster ids and job ids come from the live lists', async () => {
    const m = await connect();
    expect(await complete(m, 'run_training_job', 'cluster_id', 'c-')).toEqual(['c-fake123', 'c-fake456', 'c-fake789']);
    expect(await complete(m, 'debug_failed_job', 'job_id', 'j-fake1')).toEqual(['j-fake1']);
    expect(ws!.commandCalls().map((call) => call.argv)).toEqual([
      ['--no-input', 'cluster', 'list'],
      ['--no-input', 'job', 'list'],
    ]);
  });

  it("instance types come from the operator's allow-list", async () => {
    const m = await connect({ config: { guardrails: { allowInstanceTypes: ['1xH100', '8xH100'] } } });
    expect(await complete(m, 'cluster_session', 'instance_type', '8')).toEqual(['8xH100']);
    expect(ws!.commandCalls()).toEqual([]);
  });

  it('complete nothing, without an error, when tp cannot answer (here: no API key)', async () => {
    ws = new FakeTpWorkspace();
    mcp = await connectInMemory({ env: { ...ws.env(), TENSORPOOL_KEY: undefined } });
    expect(await complete(mcp, 'debug_failed_job', 'job_id', '')).toEqual([]);
  });
});

describe('instructions', () => {
  it('explain the two workflows, approval, handles and the limits this operator set', async () => {
    const m = await connect({ config: { guardrails: { maxNodes: 2 }, confirmMode: 'elicit' } });
    const instructions = m.client.getInstructions()!;
    expect(Buffer.byteLength(instructions)).toBeLessThanOrEqual(1500);
    expect(instructions).toMatch(/Job: job_write_config[\s\S]*Interactive/);
    expect(instructions).toContain('wait=true');
    expect(instructions).toContain('are put to the person where the client can ask');
    expect(instructions).toContain('where the server asks, do not ask in chat too');
    expect(instructions).toContain('operation_status');
    expect(instructions).toContain('Operator limits: at most 2 node(s) per cluster.');
  });
});

/**
 * Each prompt followed literally by a scripted agent: every call the text names, in its order, with
 * the arguments it names and ids taken from structuredContent. The workflow must complete.
 */
describe('prompts followed literally', () => {
  const data = (result: { structuredContent?: unknown }) => result.structuredContent as Record<string, unknown>;
  const ok = async (m: Connected, name: string, args: Record<string, unknown>) => {
    const result = await m.call(name, args);
    expect(result.isError ?? false, `${name}: ${textOf(result)}`).toBe(false);
    return data(result);
  };

  it('run_training_job: a RUNNING cluster made with wait=true, push, listen until final, pull, destroy', async () => {
    ws = new FakeTpWorkspace();
    mcp = await connectInMemory({ env: ws.env(), allowedDirs: [ws.dir] });
    const text = await promptText(mcp, 'run_training_job', { path: ws.dir });
    expect(text).toContain('cluster_create with wait=true');
    await ok(mcp, 'job_write_config', { workdir: ws.dir, commands: ['python train.py'], outputs: ['checkpoints/'] });
    const cluster = await ok(mcp, 'cluster_create', { instance_type: '1xH100', wait: true });
    expect(ws.lastCall().argv).toContain('--wait');
    const job = await ok(mcp, 'job_push', { config_path: 'job.tp.toml', cluster_id: cluster.cluster_id });
    let listened = await ok(mcp, 'job_listen', { job_id: job.job_id });
    while (listened.job_status === 'RUNNING') listened = await ok(mcp, 'job_listen', { job_id: job.job_id });
    expect(listened.job_status).toBe('COMPLETED');
    await ok(mcp, 'job_pull', { job_id: job.job_id, workdir: ws.dir });
    await ok(mcp, 'cluster_destroy', { cluster_id: cluster.cluster_id, confirm: true });
  });

  it('debug_failed_job without an id: job_list status=FAILED, then job_info and job_listen say why', async () => {
    ws = new FakeTpWorkspace();
    mcp = await connectInMemory({ env: ws.env() });
    const text = await promptText(mcp, 'debug_failed_job');
    expect(text).toContain('job_list with status="FAILED"');
    const failed = (await ok(mcp, 'job_list', { status: 'FAILED' })).jobs as { job_id: string; created: string }[];
    const newest = failed.sort((a, b) => b.created.localeCompare(a.created))[0]!;
    const info = await ok(mcp, 'job_info', { job_id: newest.job_id });
    expect(info).toMatchObject({ status: 'FAILED', exit_code: 1 });
    const log = await mcp.call('job_listen', { job_id: newest.job_id, from_line: 0, tail_lines: 200 });
    expect(log.isError ?? false).toBe(false);
    expect(data(log)).toMatchObject({ job_status: 'FAILED', exit_code: 1 });
    expect(textOf(log)).toContain('CUDA out of memory');
  });

  it('manage_storage: create with wait=true, attach, grow', async () => {
    ws = new FakeTpWorkspace();
    mcp = await connectInMemory({ env: ws.env() });
    const text = await promptText(mcp, 'manage_storage', { cluster_id: 'c-fake123', size_gb: '100' });
    for (const step of ['storage_create with size_gb and wait=true', 'cluster_attach_storage', 'storage_edit'])
      expect(text).toContain(step);
    const volume = await ok(mcp, 'storage_create', { size_gb: 100, wait: true, confirm: true });
    await ok(mcp, 'cluster_attach_storage', { cluster_id: 'c-fake123', storage_id: volume.storage_id });
    await ok(mcp, 'storage_edit', { storage_id: volume.storage_id, size_gb: 200, confirm: true });
    expect(ws.lastCall().argv).toContain('--size=200');
  });

  it('clean_up_idle_resources: the idle clusters are those with no RUNNING job, destroyed one by one', async () => {
    ws = new FakeTpWorkspace();
    mcp = await connectInMemory({ env: ws.env() });
    expect(await promptText(mcp, 'clean_up_idle_resources')).toContain('cluster_list, storage_list and job_list');
    const clusters = (await ok(mcp, 'cluster_list', {})).clusters as { cluster_id: string }[];
    await ok(mcp, 'storage_list', {});
    const busy = new Set(
      ((await ok(mcp, 'job_list', { status: 'RUNNING' })).jobs as { cluster_id: string }[]).map(
        (job) => job.cluster_id,
      ),
    );
    const idle = clusters.map((cluster) => cluster.cluster_id).filter((id) => !busy.has(id));
    expect(idle).toEqual(['c-fake456', 'c-fake789']);
    for (const id of idle) await ok(mcp, 'cluster_destroy', { cluster_id: id, confirm: true });
  });

  it('cluster_session: a key by its .pub path, wait=true, then cluster_info for the SSH details', async () => {
    ws = new FakeTpWorkspace();
    mcp = await connectInMemory({ env: ws.env(), allowedDirs: [ws.dir] });
    expect(await promptText(mcp, 'cluster_session')).toContain('~/.ssh/id_ed25519.pub');
    const { writeFileSync } = await import('node:fs');
    const { publicKeyLine } = await import('../helpers/ssh-keys.js');
    const key = publicKeyLine('ssh-ed25519');
    writeFileSync(`${ws.dir}/id_ed25519.pub`, `${key}\n`);
    const cluster = await ok(mcp, 'cluster_create', {
      instance_type: '1xH100',
      ssh_public_key: 'id_ed25519.pub',
      wait: true,
    });
    expect(ws.lastCall().keyFile?.content).toBe(`${key}\n`);
    const info = await ok(mcp, 'cluster_info', { cluster_id: cluster.cluster_id });
    expect(info).toMatchObject({ status: 'RUNNING', instance_ids: ['i-fake123a'] });
  });

  it('where the server asks the user itself, a prompt does not also ask in chat', async () => {
    ws = new FakeTpWorkspace();
    const server = await connectInMemory({ env: ws.env(), config: { confirmMode: 'elicit' }, elicitation: true });
    mcp = server;
    server.client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: {} }));
    const text = await promptText(server, 'run_training_job', { path: 'proj' });
    expect(text).toContain('the server asks the user to approve it, so do not ask in chat as well');
    expect(text).not.toContain('wait for their yes');
  });
});
