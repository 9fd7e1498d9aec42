import { readFileSync } from 'node:fs';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ListToolsRequestSchema, type ListToolsResult } from '@modelcontextprotocol/sdk/types.js';
import { deepFreeze } from '../deep-freeze.js';

/**
 * The SDK's McpServer converts every tool's zod schemas to JSON Schema on every `tools/list`
 * (about 27 ms for our tools), and HTTP builds a new McpServer for every session. The list depends
 * only on which tools are registered, so it is computed once per process for each tool selection
 * and shared by every server built from that selection.
 */
const listsBySelection = new WeakMap<object, Promise<ListToolsResult>>();

type RequestHandler = (request: unknown, extra: unknown) => Promise<ListToolsResult>;

/**
 * Answers `tools/list` on `server` from the list computed once for `selection` (any object that
 * stands for the registered tools, e.g. the selected ToolDefinition array: the same object promises
 * the same tools). Call it after the tools are registered. The first server to be asked computes
 * the list with the SDK's own handler, so the output is the SDK's, byte for byte.
 *
 * A server whose tools change afterwards (registerTool, enable, disable, update, remove) still sends
 * `notifications/tools/list_changed`, and from then on answers from the SDK's handler, live.
 */
export function serveToolsListOnce(server: McpServer, selection: object, toolNames?: readonly string[]): void {
  const sdkHandler = registeredHandler(server, 'tools/list');
  // no tools registered (no handler, no tools capability) or an SDK whose internals moved: leave the SDK be
  if (!sdkHandler) return;

  let changed = false;
  const notifyChanged = server.sendToolListChanged.bind(server);
  // every change to the McpServer's tools goes through sendToolListChanged, connected or not
  server.sendToolListChanged = () => {
    changed = true;
    notifyChanged();
  };

  server.server.setRequestHandler(ListToolsRequestSchema, (request, extra) => {
    if (changed) return sdkHandler(request, extra);
    let list = listsBySelection.get(selection);
    const built = list ? undefined : builtList(toolNames);
    if (built) {
      list = Promise.resolve(built);
      listsBySelection.set(selection, list);
    } else if (!list) {
      // a copy: the SDK's answer shares objects with the registered tools, which are not ours to freeze
      list = sdkHandler(request, extra).then((computed) => deepFreeze(structuredClone(computed)));
      listsBySelection.set(selection, list);
      // a failed computation is not remembered: the next session tries again
      list.catch(() => listsBySelection.delete(selection));
    }
    return list;
  });
}

/** Written by the build (scripts/build-tools-list.mjs) beside the bundle, for the default selection. */
const BUILT_LIST_URL = new URL('./tools-list.json', import.meta.url);
let builtFile: { tools: string[]; result: ListToolsResult } | null | undefined;

/**
 * The list the build computed, when it is for exactly these tools: a cold start then converts no schema at
 * all. Run from the sources (tests) there is no such file, and the list is computed as always.
 */
function builtList(toolNames: readonly string[] | undefined): ListToolsResult | undefined {
  if (!toolNames) return undefined;
  if (builtFile === undefined) {
    try {
      builtFile = JSON.parse(readFileSync(BUILT_LIST_URL, 'utf8')) as { tools: string[]; result: ListToolsResult };
    } catch {
      builtFile = null;
    }
  }
  if (!builtFile || builtFile.tools.length !== toolNames.length || builtFile.tools.some((name, i) => name !== toolNames[i])) return undefined;
  return deepFreeze(builtFile.result);
}

/**
 * The handler the SDK registered for `method`. Protocol keeps them in a private map, and
 * McpServer offers no other way to reach its list; checked against SDK 1.32 (pinned to that minor).
 */
function registeredHandler(server: McpServer, method: string): RequestHandler | undefined {
  const handlers = (server.server as unknown as { _requestHandlers?: unknown })._requestHandlers;
  if (!(handlers instanceof Map)) return undefined;
  const handler: unknown = handlers.get(method);
  return typeof handler === 'function' ? (handler as RequestHandler) : undefined;
}
