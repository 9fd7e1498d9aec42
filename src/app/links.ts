import type { ToolDefinition } from '../registry/tool.js';

/** The one view this server offers to hosts that render MCP Apps. */
export const VIEW_URI = 'ui://tensorpool/console';

/**
 * Tools whose calls the host shows in the view (`_meta.ui.resourceUri`), besides every tool that needs an approval:
 * the view shows their approval card. Applied only for a client that renders MCP Apps (serve.ts); tool files stay as
 * they are.
 */
const SHOWN_IN_VIEW: ReadonlySet<string> = new Set([
  'cluster_list',
  'storage_list',
  'job_list',
  'job_info',
  'job_listen',
]);

export function linksToView(tool: ToolDefinition): boolean {
  return SHOWN_IN_VIEW.has(tool.name) || tool.approval !== undefined;
}
