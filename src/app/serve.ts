import { readFile } from 'node:fs/promises';
import { getUiCapability, RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';
import type { ClientCapabilities, ListToolsResult, ReadResourceResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Clock } from '../operations/clock.js';
import { strictInput } from '../registry/strict-args.js';
import type { ToolDefinition } from '../registry/tool.js';
import type { ApprovalQuestion } from '../server/approval.js';
import { appTools, type ConsoleState } from './app-tools.js';
import { linksToView, VIEW_URI } from './links.js';
import { PendingApprovals } from './pending.js';

/**
 * What a client that renders MCP Apps gets on top of what every client gets, loaded only when such a client
 * connects: the view, the links to it, the app-only tools, and the approval card in place of confirm=true.
 */

/** No network but the host bridge: the view is one file with its script and styles inline. */
const VIEW_CSP = { connectDomains: [], resourceDomains: [], frameDomains: [], baseUriDomains: [] };

const APP_ONLY = { ui: { resourceUri: VIEW_URI, visibility: ['app'] } };

export function supportsView(capabilities: ClientCapabilities | undefined): boolean {
  return getUiCapability(capabilities)?.mimeTypes?.includes(RESOURCE_MIME_TYPE) === true;
}

export class ConsoleSession {
  private readonly state: ConsoleState;
  readonly tools: readonly ToolDefinition[];
  private readonly byName: ReadonlyMap<string, ToolDefinition>;

  constructor(clock: Clock, approvalTimeoutMs: number) {
    this.state = { pending: new PendingApprovals(clock, approvalTimeoutMs), followers: new Map() };
    this.tools = appTools(this.state);
    this.byName = new Map(this.tools.map((tool) => [tool.name, tool]));
  }

  appTool(name: string): ToolDefinition | undefined {
    return this.byName.get(name);
  }

  /** Waits for the person's Approve or Decline on the view's approval card. */
  ask(question: ApprovalQuestion, signal: AbortSignal): Promise<boolean> {
    return this.state.pending.wait(question, signal).answer;
  }

  dispose(): void {
    this.state.pending.dispose();
  }
}

const listsFor = new WeakMap<ListToolsResult, ListToolsResult>();

/**
 * The tools/list of every client, with the view linked from the tools it shows and the app-only tools added.
 * Computed once per process for each list (the lists are shared and frozen: tools-list.ts).
 * @public loaded by app-view.ts through a dynamic import, which knip does not follow to its members
 */
export function listWithView(
  base: ListToolsResult,
  registered: readonly ToolDefinition[],
  session: ConsoleSession,
): ListToolsResult {
  let list = listsFor.get(base);
  if (list) return list;
  const linked = new Set(registered.filter(linksToView).map((tool) => tool.name));
  const tools: Tool[] = base.tools.map((tool) =>
    linked.has(tool.name) ? { ...tool, _meta: { ...tool._meta, ui: { resourceUri: VIEW_URI } } } : tool,
  );
  for (const tool of session.tools) {
    tools.push({
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema: z.toJSONSchema(strictInput(tool.name, tool.inputSchema), { io: 'input' }) as Tool['inputSchema'],
      annotations: tool.annotations,
      _meta: APP_ONLY,
    });
  }
  list = { ...base, tools };
  listsFor.set(base, list);
  return list;
}

let html: Promise<string> | undefined;

/** The built view: dist/console.html beside the bundle, or, run from the sources, the last build's. */
function viewHtml(): Promise<string> {
  html ??= readFile(new URL('./console.html', import.meta.url), 'utf8')
    .catch(() => readFile(new URL('../../dist/console.html', import.meta.url), 'utf8'))
    .catch((error: unknown) => {
      html = undefined;
      throw new Error(
        `the TensorPool view is not built (npm run build writes dist/console.html): ` +
          `${error instanceof Error ? error.message : String(error)}`,
      );
    });
  return html;
}

/** @public loaded by app-view.ts through a dynamic import */
export async function readView(): Promise<ReadResourceResult> {
  return {
    contents: [
      {
        uri: VIEW_URI,
        mimeType: RESOURCE_MIME_TYPE,
        text: await viewHtml(),
        _meta: { ui: { csp: VIEW_CSP, prefersBorder: true } },
      },
    ],
  };
}
