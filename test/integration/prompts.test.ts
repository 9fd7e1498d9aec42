import { afterEach, describe, expect, it } from 'vitest';
import { selectTools } from '../../src/registry/selection.js';
import { allTools } from '../../src/tools/index.js';
import type { Generation } from '../../src/tp/generation.js';
import { FakeTpWorkspace } from '../helpers/fake-tp.js';
import { connectInMemory, type Connected } from '../helpers/in-memory.js';

let ws: FakeTpWorkspace | undefined;
let mcp: Connected | undefined;
afterEach(async () => {
  await mcp?.close();
  ws?.cleanup();
  mcp = undefined;
  ws = undefined;
});

async function connect(options: { generation?: Generation; config?: Parameters<typeof connectInMemory>[0]['config']; readOnly?: boolean } = {}) {
  ws = new FakeTpWorkspace();
  const tools = options.readOnly ? selectTools(allTools, { readOnly: true }).tools : undefined;
  mcp = await connectInMemory({ env: ws.env({ FAKE_TP_GENERATION: options.generation }), tools, config: options.config });
  return mcp;
}

const promptText = async (m: Connected, name: string, args: Record<string, string> = {}) => {
  const prompt = await m.client.getPrompt({ name, arguments: args });
  return prompt.messages.map((message) => (message.content.type === 'text' ? message.content.text : '')).join('\n');
};

const complete = async (m: Connected, prompt: string, argument: string, value: string) =>
  (await m.client.complete({ ref: { type: 'ref/prompt', name: prompt }, argument: { name: argument, value } })).completion.values;

describe('prompts', () => {
  it('lists the four workflows with their arguments', async () => {
    const m = await connect();
    const { prompts } = await m.client.listPrompts();
    expect(prompts.map((prompt) => prompt.name)).toEqual(['run_training_job', 'debug_failed_job', 'clean_up_idle_resources', 'cluster_session']);
    const run = prompts.find((prompt) => prompt.name === 'run_training_job')!;
    expect(run.arguments).toEqual([
      expect.objectContaining({ name: 'path', required: true }),
      expect.objectContaining({ name: 'instance_type', required: false }),
      expect.objectContaining({ name: 'cluster_id', required: false }),
    ]);
  });

  it('run_training_job walks through config, cluster, push, listen, pull and teardown, asking before spending', async () => {
    const m = await connect({ generation: '0.0.9', config: { tpGeneration: '0.0.9' } });
    const text = await promptText(m, 'run_training_job', { path: '/work/proj/train.py', cluster_id: 'c-fake123' });
    expect(text).toContain('Run /work/proj/train.py on TensorPool');
    for (const step of ['job_write_config', 'Run on cluster c-fake123', 'job_push with config_path and cluster_id', 'job_listen', 'job_pull', 'cluster_destroy']) {
      expect(text).toContain(step);
    }
    expect(text).toMatch(/wait for their yes before creating anything/);
    expect(text).toMatch(/untrusted/);
  });

  it('on tp 0.0.6 it says the job takes no cluster and the config names the hardware', async () => {
    const m = await connect({ generation: '0.0.6', config: { tpGeneration: '0.0.6' } });
    const text = await promptText(m, 'run_training_job', { path: 'proj' });
    expect(text).toContain('job_push takes only config_path');
    expect(text).not.toContain('cluster_destroy');
  });

  it("names the operator's allowed instance types when the user gave none", async () => {
    const m = await connect({ config: { guardrails: { allowInstanceTypes: ['1xH100', '1xL40S'] } } });
    expect(await promptText(m, 'cluster_session', { purpose: 'notebook work' })).toContain('among those this server allows (1xH100, 1xL40S)');
  });

  it('debug_failed_job and clean_up_idle_resources render, and clean-up destroys only what the user names', async () => {
    const m = await connect();
    expect(await promptText(m, 'debug_failed_job', { job_id: 'j-fake1' })).toMatch(/Job j-fake1 failed[\s\S]*job_info[\s\S]*job_push again/);
    const cleanUp = await promptText(m, 'clean_up_idle_resources', { organization: 'yes' });
    expect(cleanUp).toContain('cluster_list, storage_list and job_list with org=true');
    expect(cleanUp).toContain('For each one the user names');
  });

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
    expect(instructions).toContain('the server asks the user itself where the client can');
    expect(instructions).toContain('operation_status');
    expect(instructions).toContain('Operator limits: at most 2 node(s) per cluster.');
  });
});
