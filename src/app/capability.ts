import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';

/**
 * The MCP Apps extension as a client declares it in `initialize` (ext-apps spec 2026-01-26, "Client (Host)
 * Capabilities"): `capabilities.extensions["io.modelcontextprotocol/ui"].mimeTypes`. Spelled out here rather
 * than imported, so that a client without Apps never loads ext-apps; test/unit/app/capability.test.ts checks
 * both against the installed @modelcontextprotocol/ext-apps.
 */
export const UI_EXTENSION_ID = 'io.modelcontextprotocol/ui';
export const VIEW_MIME_TYPE = 'text/html;profile=mcp-app';

/** Whether the client renders MCP Apps views of our kind (HTML). */
export function rendersApps(capabilities: ClientCapabilities | undefined): boolean {
  const extension = capabilities?.extensions?.[UI_EXTENSION_ID] as { mimeTypes?: unknown } | undefined;
  return Array.isArray(extension?.mimeTypes) && extension.mimeTypes.includes(VIEW_MIME_TYPE);
}
