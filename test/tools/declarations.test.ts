import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ANNOTATION_PRESETS } from '../../../src/registry/annotations.js';
import { defineTool, needsGeneration } from '../../../src/registry/tool.js';
import { allTools } from '../../../src/tools/index.js';

const names = (filter: (tool: (typeof allTools)[number]) => boolean) =>
  allTools.filter(filter).map((tool) => tool.name);

describe('tool kinds', () => {
  it('the local tools are the ones that run no tp command of their own', () => {
    expect(names((tool) => tool.runs === 'local')).toEqual([
      'job_write_config',
      'server_status',
      'operation_status',
      'operation_cancel',
      'operation_list',
    ]);
  });

  it('the default selection lists the everyday tools from the start; the rest are a toolset_enable away', () => {
    expect(names((tool) => tool.core === true)).toEqual([
      'cluster_create',
      'cluster_list',
      'cluster_info',
      'cluster_destroy',
      'cluster_attach_storage',
      'storage_create',
      'storage_list',
      'storage_edit',
      'job_write_config',
      'job_push',
      'job_list',
      'job_info',
      'job_listen',
      'job_pull',
      'job_cancel',
      'server_status',
      'operation_status',
    ]);
  });

  it('only tp_help works with any tp, without the generation being detected', () => {
    expect(names((tool) => tool.runs === 'tp' && !needsGeneration(tool))).toEqual(['tp_help']);
    expect(names((tool) => tool.runs === 'local' && needsGeneration(tool))).toEqual([]);
  });

  it('secrets: enable masks what it prints; credentials and rclone show it', () => {
    expect(names((tool) => tool.secrets === 'masked')).toEqual(['object_storage_enable']);
    expect(names((tool) => tool.secrets === 'shown')).toEqual([
      'object_storage_credentials',
      'object_storage_configure_rclone',
    ]);
  });

  it('the spending limits apply to the tools that start hardware or size volumes', () => {
    expect(names((tool) => tool.spends !== undefined)).toEqual([
      'cluster_create',
      'storage_create',
      'storage_edit',
      'job_write_config',
    ]);
  });

  it('an annotation preset spells out all four hints, in the order clients are shown them', () => {
    const tool = defineTool({
      name: 'example_tool',
      toolset: 'status',
      runs: 'local',
      title: 'Example',
      description: 'An example tool for this test.',
      inputSchema: { n: z.number() },
      annotations: 'local-poll',
      handler: async () => ({ content: [] }),
    });
    expect(Object.keys(tool.annotations)).toEqual([
      'readOnlyHint',
      'destructiveHint',
      'idempotentHint',
      'openWorldHint',
    ]);
    expect(tool.annotations).toEqual({
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: false,
    });
    for (const preset of Object.values(ANNOTATION_PRESETS))
      expect(Object.keys(preset)).toEqual(Object.keys(tool.annotations));
  });
});
