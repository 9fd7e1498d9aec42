import { SelectionError } from '../errors.js';
import type { ToolDefinition } from './tool.js';

/** Tools come in toolsets, one per `tp` noun (and status); --toolsets picks among them. */
export const TOOLSETS = ['clusters', 'jobs', 'storage', 'account', 'object_storage', 'status'] as const;
export type Toolset = (typeof TOOLSETS)[number];

/** Toolsets a plain start-up gets: object storage is opt-in (it is new, and one of its commands prints secrets). */
const DEFAULT_TOOLSETS: readonly Toolset[] = ['clusters', 'jobs', 'storage', 'account', 'status'];

export interface SelectionOptions {
  /** Toolset names, or the keywords `default` and `all`; undefined: `default`. */
  toolsets?: readonly string[];
  /** Single tools added on top of the toolsets; given without toolsets, only these tools. */
  tools?: readonly string[];
  excludeTools?: readonly string[];
  /** Keep only tools whose readOnlyHint is true. */
  readOnly?: boolean;
  /** Without it, tools that reveal secrets are never registered. */
  allowSecrets?: boolean;
  /** Leave out tools that touch the server's own files (a remote HTTP server has no user files to offer). */
  noServerFiles?: boolean;
}

export interface Selection {
  tools: ToolDefinition[];
  toolsets: Toolset[];
  /**
   * Selected tools listed only once the model enables their toolset (toolset_enable): with the plain
   * default selection, every tool that is not `core`, so that what each conversation pays for stays small.
   */
  deferred: string[];
}

/**
 * Which tools a server registers. Pure: start-up calls it before registering anything, so an
 * unknown name stops the server, and a tool left out is never registered and cannot be called.
 */
export function selectTools(all: readonly ToolDefinition[], options: SelectionOptions = {}): Selection {
  const toolNames = new Set(all.map((tool) => tool.name));
  const unknownTools = [...(options.tools ?? []), ...(options.excludeTools ?? [])].filter(
    (name) => !toolNames.has(name),
  );
  if (unknownTools.length > 0) {
    throw new SelectionError(
      `unknown tool ${unknownTools.map((n) => `"${n}"`).join(', ')}; valid tools: ${[...toolNames].join(', ')}`,
    );
  }
  const toolsets = resolveToolsets(options.toolsets ?? (options.tools?.length ? [] : ['default']));
  const secretTools = (options.tools ?? []).filter(
    (name) => all.find((tool) => tool.name === name)?.secrets === 'shown',
  );
  if (secretTools.length > 0 && !options.allowSecrets) {
    throw new SelectionError(`${secretTools.join(', ')} print or write secrets and need --allow-secrets`);
  }

  const fileTools = (options.tools ?? []).filter((name) => all.find((tool) => tool.name === name)?.touchesFiles);
  if (fileTools.length > 0 && options.noServerFiles) {
    throw new SelectionError(
      `${fileTools.join(', ')} touch the server's own files, which an HTTP server on a non-loopback address offers ` +
        `only with an explicit --allow-dir`,
    );
  }

  const wanted = new Set(options.tools ?? []);
  const excluded = new Set(options.excludeTools ?? []);
  const offered = (tool: ToolDefinition) =>
    (toolsets.includes(tool.toolset) || wanted.has(tool.name)) &&
    (!options.readOnly || tool.annotations.readOnlyHint) &&
    (tool.secrets !== 'shown' || options.allowSecrets) &&
    (!tool.touchesFiles || !options.noServerFiles);
  const tools = all.filter((tool) => !excluded.has(tool.name) && (tool.alwaysOn || offered(tool)));
  const plainDefault =
    (options.toolsets === undefined || options.toolsets.join() === 'default') && !options.tools?.length;
  const deferred = plainDefault ? tools.filter((tool) => !tool.core).map((tool) => tool.name) : [];
  return { tools, toolsets, deferred };
}

function resolveToolsets(names: readonly string[]): Toolset[] {
  const chosen = new Set<Toolset>();
  for (const name of names) {
    if (name === 'all') TOOLSETS.forEach((set) => chosen.add(set));
    else if (name === 'default') DEFAULT_TOOLSETS.forEach((set) => chosen.add(set));
    else if ((TOOLSETS as readonly string[]).includes(name)) chosen.add(name as Toolset);
    else throw new SelectionError(`unknown toolset "${name}"; valid toolsets: ${TOOLSETS.join(', ')}, or default, all`);
  }
  return TOOLSETS.filter((set) => chosen.has(set));
}
