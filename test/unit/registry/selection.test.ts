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
