import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ANNOTATION_PRESETS } from '../../src/registry/annotations.js';
import { selectTools } from '../../src/registry/selection.js';
import { defineTool, needsGeneration } from '../../src/registry/tool.js';
import { allTools } from '../../src/tools/index.js';

/**
 * Rules every tool declaration keeps, computed from the declarations themselves: a new or changed tool is
 * checked without editing a list here. What each tool declares is pinned once, in its toolsnap.
 */

const changes = allTools.filter((tool) => !tool.annotations.readOnlyHint);

describe('declarations', () => {
  it('tool names are unique snake_case <noun>_<verb>', () => {
    const all = allTools.map((tool) => tool.name);
    expect(new Set(all).size).toBe(all.length);
    for (const name of all) expect(name).toMatch(/^[a-z]+(_[a-z]+)+$/);
  });

  it('a tool takes confirm exactly when the server may require approval', () => {
    for (const tool of allTools) expect('confirm' in tool.inputSchema, tool.name).toBe(tool.approval !== undefined);
  });

  it('a read-only tool asks no approval, spends nothing and destroys nothing', () => {
    for (const tool of allTools.filter((t) => t.annotations.readOnlyHint)) {
      expect(tool.approval, tool.name).toBeUndefined();
      expect(tool.spends, tool.name).toBeUndefined();
      expect(tool.annotations.destructiveHint, tool.name).toBe(false);
    }
  });

  it('every tool that can be irreversible is marked destructive, so clients warn too', () => {
    for (const tool of allTools.filter((t) => t.approval?.irreversible))
      expect(tool.annotations.destructiveHint, tool.name).toBe(true);
  });

  it('every destructive tool asks approval first, unless it is offered only with --allow-secrets', () => {
    const destructive = changes.filter((tool) => tool.annotations.destructiveHint);
    expect(destructive.length).toBeGreaterThan(0);
    for (const tool of destructive.filter((t) => t.secrets !== 'shown')) {
      expect(tool.approval?.irreversible ?? tool.approval?.sensitive, tool.name).toBeDefined();
    }
  });

  it('every tool whose name says it destroys, deletes, cancels, detaches, removes or disables is destructive', () => {
    // operation_cancel only stops a local process: what tp already asked TensorPool to do stands
    const named = allTools.filter(
      (tool) => /destroy|delete|cancel|detach|remove|disable/.test(tool.name) && tool.runs === 'tp',
    );
    expect(named.length).toBeGreaterThan(0);
    for (const tool of named) expect(tool.annotations.destructiveHint, tool.name).toBe(true);
  });

  it('an edit that can turn deletion protection off asks approval as sensitive', () => {
    const edits = allTools.filter((tool) => 'deletion_protection' in tool.inputSchema && tool.name.endsWith('_edit'));
    expect(edits.length).toBeGreaterThan(0);
    for (const tool of edits) expect(tool.approval?.sensitive, tool.name).toBeDefined();
  });

  it('a tp tool that starts hardware or sizes volumes is both limited and approved as billing', () => {
    for (const tool of allTools.filter((t) => t.spends && t.runs === 'tp'))
      expect(tool.approval?.billing, tool.name).toBeDefined();
    for (const tool of allTools.filter((t) => t.approval?.billing))
      expect(tool.annotations.readOnlyHint, tool.name).toBe(false);
  });

  it('a closed-world tool reaches nothing remote: it is local or reads only the installed tp', () => {
    for (const tool of allTools.filter((t) => !t.annotations.openWorldHint))
      expect(tool.runs === 'local' || tool.since === 'any', tool.name).toBe(true);
  });

  it('local tools never wait for the tp generation; the always-on tools are local', () => {
    for (const tool of allTools.filter((t) => t.runs === 'local')) expect(needsGeneration(tool), tool.name).toBe(false);
    for (const tool of allTools.filter((t) => t.alwaysOn)) expect(tool.runs, tool.name).toBe('local');
  });

  it('a tool that shows secrets is offered only with --allow-secrets, whatever the selection', () => {
    const shown = allTools.filter((tool) => tool.secrets === 'shown').map((tool) => tool.name);
    expect(shown.length).toBeGreaterThan(0);
    const offered = selectTools(allTools, { toolsets: ['all'] }).tools.map((tool) => tool.name);
    for (const name of shown) expect(offered).not.toContain(name);
  });

  it('a remote HTTP server without --allow-dir offers no tool that touches its files, and every other tool', () => {
    const remote = selectTools(allTools, { toolsets: ['all'], allowSecrets: true, noServerFiles: true }).tools;
    expect(remote.map((tool) => tool.name)).toEqual(allTools.filter((t) => !t.touchesFiles).map((t) => t.name));
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
    expect(tool.annotations).toEqual({
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: false,
    });
    expect(Object.keys(tool.annotations)).toEqual([
      'readOnlyHint',
      'destructiveHint',
      'idempotentHint',
      'openWorldHint',
    ]);
    for (const preset of Object.values(ANNOTATION_PRESETS))
      expect(Object.keys(preset)).toEqual(Object.keys(tool.annotations));
  });
});
