import { describe, expect, it } from 'vitest';
import { selectTools, type SelectionOptions } from '../../../src/registry/selection.js';
import { allTools } from '../../../src/tools/index.js';

const names = (options: SelectionOptions) => selectTools(allTools, options).tools.map((tool) => tool.name);

describe('selectTools', () => {
  it('default: every toolset but object storage', () => {
    const selected = names({});
    expect(selected.some((name) => name.startsWith('object_storage'))).toBe(false);
    expect(selected).toEqual(allTools.filter((tool) => tool.toolset !== 'object_storage').map((tool) => tool.name));
    expect(selectTools(allTools, {}).toolsets).toEqual(['clusters', 'jobs', 'storage', 'account', 'status']);
  });

  it('all: object storage too, but tools that reveal secrets only with allowSecrets', () => {
    expect(names({ toolsets: ['all'] })).toContain('object_storage_bucket_list');
    expect(names({ toolsets: ['all'] })).not.toContain('object_storage_credentials');
    expect(names({ toolsets: ['all'], allowSecrets: true })).toEqual(allTools.map((tool) => tool.name));
  });

  it('read-only keeps exactly the tools whose readOnlyHint is true', () => {
    const selected = selectTools(allTools, { toolsets: ['all'], readOnly: true, allowSecrets: true }).tools;
    expect(selected.map((t) => t.name)).toEqual(
      allTools.filter((t) => t.annotations.readOnlyHint || t.alwaysOn).map((t) => t.name),
    );
    expect(selected.every((tool) => !tool.annotations.destructiveHint)).toBe(true);
  });

  it('toolsets, tools and exclusions combine', () => {
    expect(names({ toolsets: ['clusters'] })).toEqual(
      allTools.filter((t) => t.toolset === 'clusters' || t.alwaysOn).map((t) => t.name),
    );
    const ops = ['operation_status', 'operation_cancel', 'operation_list'];
    expect(names({ tools: ['cluster_list', 'server_status'] })).toEqual(['cluster_list', 'server_status', ...ops]);
    expect(names({ toolsets: ['status'], tools: ['job_list'] })).toEqual([
      'job_list',
      'tp_help',
      'server_status',
      ...ops,
    ]);
    expect(names({ tools: ['cluster_list'], excludeTools: ['operation_cancel'] })).toEqual([
      'cluster_list',
      'operation_status',
      'operation_list',
    ]);
    expect(names({ toolsets: ['jobs'], excludeTools: ['job_delete', 'job_cancel'] })).not.toContain('job_delete');
    expect(names({ toolsets: ['jobs'], readOnly: true })).toEqual([
      'job_list',
      'job_info',
      'job_listen',
      'operation_status',
      'operation_cancel',
      'operation_list',
    ]);
  });

  it('unknown names stop start-up and list the valid ones', () => {
    expect(() => names({ toolsets: ['gpus'] })).toThrow(
      /unknown toolset "gpus"; valid toolsets: clusters, jobs, storage, account, object_storage, status, or default, all/,
    );
    expect(() => names({ tools: ['cluster_nuke'] })).toThrow(
      /unknown tool "cluster_nuke"; valid tools: cluster_create,/,
    );
    expect(() => names({ excludeTools: ['nope'] })).toThrow(/unknown tool "nope"/);
  });

  it('naming a secret tool without allowSecrets is an error, not a silent omission', () => {
    expect(() => names({ tools: ['object_storage_credentials'] })).toThrow(/need --allow-secrets/);
  });
});

describe('registry consistency', () => {
  it('tool names are unique snake_case <noun>_<verb>', () => {
    const all = allTools.map((tool) => tool.name);
    expect(new Set(all).size).toBe(all.length);
    for (const name of all) expect(name).toMatch(/^[a-z]+(_[a-z]+)+$/);
  });

  it('a tool takes confirm exactly when the server may require it', () => {
    for (const tool of allTools) expect('confirm' in tool.inputSchema, tool.name).toBe(tool.approval !== undefined);
  });

  it('every tool that can be irreversible is marked destructive', () => {
    for (const tool of allTools.filter((t) => t.approval?.irreversible))
      expect(tool.annotations.destructiveHint, tool.name).toBe(true);
  });

  it('the tools that start billing are the creates and the push', () => {
    expect(
      allTools
        .filter((t) => t.approval?.billing)
        .map((t) => t.name)
        .sort(),
    ).toEqual(['cluster_create', 'job_push', 'storage_create', 'storage_edit']);
  });

  it('the sensitive tools are the SSH key upload and the edits that can turn deletion protection off', () => {
    expect(
      allTools
        .filter((t) => t.approval?.sensitive)
        .map((t) => t.name)
        .sort(),
    ).toEqual(['cluster_edit', 'ssh_key_add', 'storage_edit']);
  });

  it('a remote HTTP server without --allow-dir offers no tool that touches its files', () => {
    const remote = names({ toolsets: ['all'], noServerFiles: true });
    expect(remote).not.toEqual(expect.arrayContaining(['job_write_config']));
    for (const name of ['job_init', 'job_write_config', 'job_push', 'job_pull']) expect(remote).not.toContain(name);
    expect(remote).toContain('cluster_create');
  });
});
