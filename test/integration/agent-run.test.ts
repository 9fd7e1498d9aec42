import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Generation } from '../../src/tp/generation.js';
import { FakeTpWorkspace } from '../helpers/fake-tp.js';
import { connectInMemory, textOf, type Connected } from '../helpers/in-memory.js';
import { publicKeyLine } from '../helpers/ssh-keys.js';

/**
 * A scripted agent through a real MCP client: create → connect details → config → push → listen →
 * pull → destroy, on each tp generation whose tool shape differs. Every id the next step needs is
 * read from structuredContent; the script never looks for an id in text.
 */

const GENERATIONS = ['0.0.6', '0.0.8', '0.0.9'] as const satisfies readonly Generation[];

let ws: FakeTpWorkspace;
let project: string;
let mcp: Connected;

beforeEach(() => {
  ws = new FakeTpWorkspace();
  project = join(realpathSync(ws.dir), 'proj');
  mkdirSync(project);
});
afterEach(async () => {
  await mcp?.close();
  ws.cleanup();
});

/** A call that must succeed; its structuredContent, as the agent reads it. */
async function step(
  name: string,
  args: Record<string, unknown>,
): Promise<{ result: CallToolResult; data: Record<string, unknown> }> {
  const result = await mcp.call(name, args);
  expect(result.isError ?? false, `${name}: ${textOf(result)}`).toBe(false);
  return { result, data: result.structuredContent as Record<string, unknown> };
}

const field = (data: Record<string, unknown>, name: string): string => {
  const value = data[name];
  expect(typeof value, `structuredContent.${name}`).toBe('string');
  return value as string;
};

describe.each(GENERATIONS)('a whole job on tp %s, with ids from structuredContent only', (generation) => {
  it('create → cluster_info → job_write_config → job_push → job_listen → job_pull → cluster_destroy', async () => {
    // the server finds the generation itself, from the fake's help output
    mcp = await connectInMemory({ env: ws.env({ FAKE_TP_GENERATION: generation }), allowedDirs: [project] });
    // listing the tools makes the client check every structuredContent against the listed output schema
    await mcp.client.listTools();

    const created = await step('cluster_create', {
      instance_type: '1xH100',
      ssh_public_key: publicKeyLine('ssh-ed25519'),
    });
    const clusterId = field(created.data, 'cluster_id');

    const info = await step('cluster_info', { cluster_id: clusterId });
    expect(info.data.status).toBe('RUNNING');
    const [instance] = info.data.instance_ids as string[];
    expect(instance).toBeTruthy();

    const config = await step('job_write_config', {
      workdir: project,
      commands: ['pip install -r requirements.txt', 'python train.py'],
      outputs: ['outputs/'],
      // 0.0.6 has no cluster argument: the config names the hardware
      ...(generation === '0.0.6' ? { instance_type: '1xH100' } : {}),
    });

    const pushed = await step('job_push', {
      config_path: field(config.data, 'path'),
      ...(generation === '0.0.6' ? {} : { cluster_id: clusterId }),
    });
    const jobId = field(pushed.data, 'job_id');

    const listened = await step('job_listen', { job_id: jobId });
    expect(listened.data).toMatchObject({ job_status: 'COMPLETED', exit_code: 0, new_lines: 3 });
    // the model reads the job's log fenced as data, and tp's closing line outside the fence
    expect(textOf(listened.result)).toMatch(
      /^Job j-fake1: COMPLETED\.\nLog lines 1-3 [^\n]*\n<<<untrusted [\w-]+>>>\n[\s\S]*epoch 2\/2 loss=0.26\n<<<end [\w-]+>>>$/,
    );
    // a second look returns no line twice, in a few bytes
    const again = await step('job_listen', { job_id: jobId });
    expect(again.data).toMatchObject({ job_status: 'COMPLETED', new_lines: 0, next_line: 3 });
    expect(textOf(again.result)).not.toContain('epoch');
    expect(Buffer.byteLength(textOf(again.result) + JSON.stringify(again.data))).toBeLessThanOrEqual(600);

    await step('job_pull', { job_id: jobId, workdir: project });
    expect(existsSync(join(project, 'outputs', `${jobId}-result.txt`))).toBe(true);

    await step('cluster_destroy', { cluster_id: clusterId, confirm: true });

    // the ids the agent read are the ones tp was handed next
    const argvs = ws.commandCalls().map((call) => call.argv);
    const push = argvs.find((argv) => argv.includes('push'))!;
    if (generation === '0.0.6') expect(push).not.toContain(clusterId);
    else expect(push.at(-1)).toBe(clusterId);
    expect(argvs.find((argv) => argv.includes('listen'))!.at(-1)).toBe(jobId);
    expect(argvs.find((argv) => argv.includes('pull'))!.at(-1)).toBe(jobId);
    expect(argvs.find((argv) => argv.includes('destroy'))!.at(-1)).toBe(clusterId);
    expect(argvs.find((argv) => argv.includes('info') && argv.includes('cluster'))!.at(-1)).toBe(clusterId);
  });
});

describe('the next step, when a resource is not usable yet', () => {
  it(
    'a push onto a cluster that is not RUNNING says to wait with cluster_info, and a job that keeps running costs ' +
      'little to watch',
    async () => {
      mcp = await connectInMemory({ env: ws.env({ FAKE_TP_CLUSTER_STATE: 'PROVISIONING' }), allowedDirs: [project] });
      await mcp.call('job_write_config', { commands: ['python train.py'] });
      const pushed = await mcp.call('job_push', { cluster_id: 'c-fake123', confirm: true });
      expect(pushed.isError).toBe(true);
      expect(textOf(pushed)).toContain(
        'the cluster is not RUNNING yet: call cluster_info(cluster_id="c-fake123") until its status is RUNNING',
      );
    },
  );

  it('an attach to a volume that is not READY says to check storage_list', async () => {
    mcp = await connectInMemory({ env: ws.env({ FAKE_TP_VOLUME_STATE: 'CREATING' }) });
    const attached = await mcp.call('cluster_attach_storage', { cluster_id: 'c-fake123', storage_id: 's-fake123' });
    expect(attached.isError).toBe(true);
    expect(textOf(attached)).toMatch(/the volume is not READY yet: check storage_list until its status is READY/);
  });

  it('a running job: each look returns only new lines, and one with nothing new is at most 600 bytes', async () => {
    mcp = await connectInMemory({ env: ws.env({ FAKE_TP_JOB_STATE: 'running', FAKE_TP_JOB_LINES: '4' }) });
    const first = await mcp.call('job_listen', { job_id: 'j-9', max_seconds: 1 });
    expect(first.structuredContent).toMatchObject({ job_status: 'RUNNING', new_lines: 5, next_line: 5 });
    const again = await mcp.call('job_listen', { job_id: 'j-9', max_seconds: 1 });
    expect(again.structuredContent).toMatchObject({ job_status: 'RUNNING', new_lines: 0, next_line: 5 });
    expect(textOf(again)).not.toContain('epoch');
    expect(Buffer.byteLength(textOf(again) + JSON.stringify(again.structuredContent))).toBeLessThanOrEqual(600);
  });
});
