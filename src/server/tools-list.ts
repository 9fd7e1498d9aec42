import { readFileSync } from 'node:fs';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ListToolsRequestSchema, type ListToolsResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { deepFreeze } from '../deep-freeze.js';
import type { ToolDefinition } from '../registry/tool.js';

/**
 * tools/list is read by the model in every conversation, so the server writes it itself instead of
 * letting the SDK convert every zod schema in full. What the model needs to call a tool well is its
 * fields, their types and a few words each; the limits a field enforces (lengths, patterns, ranges)
 * stay on the server, which checks every call against the full schema and names the field and the
 * rule when one is broken. So the listed schema keeps type, enum, items, required and description,
 * a default only where it is not the obvious false, and drops the rest. Unknown arguments are still
 * refused (registry/strict-args.ts).
 */

type JsonSchema = Record<string, unknown>;

const KEPT = new Set(['type', 'enum', 'items', 'properties', 'required', 'description', 'default', 'anyOf']);

function compact(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!KEPT.has(key) || value === undefined) continue;
    if (key === 'default' && (value === false || value === 0 || (Array.isArray(value) && value.length === 0))) continue;
    if (key === 'properties')
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, JsonSchema>).map(([name, field]) => [name, compact(field)]),
      );
    else if (key === 'items') out[key] = compact(value as JsonSchema);
    else if (key === 'anyOf') out[key] = (value as JsonSchema[]).map(compact);
    else if (key === 'required' && Array.isArray(value) && value.length === 0) continue;
    else out[key] = value;
  }
  return out;
}

/** A tool as tools/list shows it. */
function listedTool(tool: ToolDefinition): Tool {
  const json = z.toJSONSchema(z.object(tool.inputSchema), { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: { type: 'object', ...compact(json) } as Tool['inputSchema'],
    annotations: tool.annotations,
  };
}

const listsByTools = new WeakMap<object, ListToolsResult>();

/** tools/list as computed once per process for each set of listed tools (the array object stands for it). */
function listFor(listed: readonly ToolDefinition[]): ListToolsResult {
  let list = listsByTools.get(listed);
  if (!list) {
    list = builtList(listed) ?? deepFreeze({ tools: listed.map(listedTool) });
    listsByTools.set(listed, list);
  }
  return list;
}

/** The view's part of tools/list, where the client renders MCP Apps: its links and app-only tools. */
export type ViewList = (base: ListToolsResult) => Promise<ListToolsResult>;

/**
 * Answers tools/list on the SDK's low-level Server with the session's tools as listed now: the server, not
 * the SDK, writes the list (compact schemas, computed once per process; the default selection's once per build).
 */
export function serveToolsList(server: Server, listed: () => readonly ToolDefinition[], view: ViewList): void {
  server.registerCapabilities({ tools: { listChanged: true } });
  server.setRequestHandler(ListToolsRequestSchema, () => view(listFor(listed())));
}

/** Written by the build (scripts/build-tools-list.mjs) beside the bundle, for the default selection. */
const BUILT_LIST_URL = new URL('./tools-list.json', import.meta.url);
let builtFile: { tools: string[]; result: ListToolsResult } | null | undefined;

/** The list the build computed, when it is for exactly these tools; run from the sources there is none. */
function builtList(selection: readonly ToolDefinition[]): ListToolsResult | undefined {
  if (builtFile === undefined) {
    try {
      builtFile = JSON.parse(readFileSync(BUILT_LIST_URL, 'utf8')) as { tools: string[]; result: ListToolsResult };
    } catch {
      builtFile = null;
    }
  }
  if (
    !builtFile ||
    builtFile.tools.length !== selection.length ||
    builtFile.tools.some((name, i) => name !== selection[i]!.name)
  )
    return undefined;
  return deepFreeze(builtFile.result);
}

/**
 * The tools one session lists: all of its selection but the deferred ones, until their toolset is
 * enabled. A deferred tool is registered and answers a call by its name (a handle's text may name
 * operation_cancel); it is only left out of the list the model pays to read.
 */
export class ListedTools {
  current: readonly ToolDefinition[];

  constructor(
    private readonly all: readonly ToolDefinition[],
    private readonly deferred: ReadonlySet<string>,
    private readonly listChanged: () => void,
  ) {
    // the same array object for every session with the same selection, so its list is computed once
    this.current = deferred.size === 0 ? all : listedArrays(all, deferred);
  }

  enable(toolset: string): string[] {
    const names = this.all
      .filter((tool) => tool.toolset === toolset && this.deferred.has(tool.name) && !this.current.includes(tool))
      .map((tool) => tool.name);
    if (names.length === 0) return [];
    const hidden = new Set(
      [...this.deferred].filter((name) => !names.includes(name) && !this.current.some((tool) => tool.name === name)),
    );
    this.current = listedArrays(this.all, hidden);
    this.listChanged();
    return names;
  }
}

const arrays = new Map<string, readonly ToolDefinition[]>();

/** One array per set of listed tools in a process: the key of its cached tools/list. */
function listedArrays(all: readonly ToolDefinition[], hidden: ReadonlySet<string>): readonly ToolDefinition[] {
  const listed = all.filter((tool) => !hidden.has(tool.name));
  const key = listed.map((tool) => tool.name).join(',');
  let array = arrays.get(key);
  if (!array) arrays.set(key, (array = listed));
  return array;
}
