import { z } from 'zod';
import { ToolError } from '../errors.js';
import { defineTool } from '../registry/tool.js';
import { TOOLSETS } from '../registry/selection.js';

/**
 * The default selection lists only the tools everyday work needs; this one lists the rest of a
 * toolset, a call away, as github-mcp-server's dynamic toolsets do. createServer adds it when tools are
 * deferred, so a server started with named toolsets or `all` lists every tool and has no need of it.
 */
export const toolsetEnable = defineTool({
  name: 'toolset_enable',
  toolset: 'status',
  runs: 'local',
  title: 'List more tools',
  description:
    'More tools: clusters (cluster_edit, cluster_detach_storage), jobs (job_init, job_delete), storage ' +
    '(storage_info, ' +
    'storage_destroy), account (account_me, ssh_key_*), status (tp_help, operation_*).',
  inputSchema: { toolset: z.enum(TOOLSETS, { error: `toolset must be one of: ${TOOLSETS.join(', ')}` }) },
  annotations: 'local-edit',
  handler: async (args, { runtime }) => {
    const names = runtime.enableToolset(args.toolset);
    if (names.length === 0)
      throw new ToolError(
        `Nothing more to list in ${args.toolset}: its tools are listed already, or this server does not offer them.`,
      );
    return {
      content: [{ type: 'text', text: `Listed: ${names.join(', ')}.` }],
      structuredContent: { ok: true, tools: names },
    };
  },
});
