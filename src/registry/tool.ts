import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { tpToolResult } from './results.js';
import type { z } from 'zod';
import type { ServerSettings } from '../settings.js';
import type { OperationStore } from '../operations/store.js';
import type { Generation, TpInstallation } from '../tp/generation.js';
import type { TpClient } from '../tp/runner.js';

/** All four hints, always explicit: clients decide on confirmation prompts from them. */
export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** What a handler may use; handed over at call time so tools stay plain data. */
export interface ToolContext {
  /** Runs tp; under --dry-run, for tools that change something, it only reports what it would run. */
  tp: TpClient;
  /** The installed tp's generation, for argv that differs between CLI releases. */
  generation: Generation;
  installation: TpInstallation;
  /** This session's operations, for the operation_* tools. */
  operations: OperationStore;
  settings: ServerSettings;
  /** Aborted when the client cancels the call or its session ends. */
  signal: AbortSignal;
}

export const TOOLSETS = ['clusters', 'jobs', 'storage', 'account', 'object_storage', 'status'] as const;
export type Toolset = (typeof TOOLSETS)[number];

export interface ToolDefinition<Shape extends z.ZodRawShape = z.ZodRawShape> {
  /** snake_case `<noun>_<verb>`, mirroring `tp <noun> <verb>`. */
  name: string;
  toolset: Toolset;
  /**
   * The oldest tp generation that has the command; older ones get a clear error and nothing runs.
   * Omitted: every generation, or no tp at all ('none', for local-only tools that never detect it).
   */
  since?: Generation | 'none';
  /**
   * Irreversible tools: what the call would do, in words for the user (e.g. "destroying cluster c-1"),
   * or undefined when these arguments do nothing irreversible. The server refuses such a call unless
   * `confirm` is true, before anything runs.
   */
  confirmation?: (args: z.infer<z.ZodObject<Shape>>) => string | undefined;
  /** Tools that start billing: what this call would create (e.g. "creating a 1xH100 cluster"); asked about with --confirm-creates. */
  billing?: (args: z.infer<z.ZodObject<Shape>>) => string | undefined;
  /** Reads or writes files on the server's machine: off on a non-loopback HTTP server without an explicit --allow-dir. */
  touchesFiles?: boolean;
  /** Registered whatever the selection: the operation tools, without which a handle could not be followed. */
  alwaysOn?: boolean;
  /** Its output holds a secret (masked by the tool): without --allow-secrets nothing is streamed or spooled. */
  printsSecrets?: boolean;
  /** Prints or writes object-storage secrets: registered only with --allow-secrets. */
  revealsSecrets?: boolean;
  title: string;
  /** What the model reads to choose the tool: say what it does, what it costs, what it needs. */
  description: string;
  inputSchema: Shape;
  outputSchema: z.ZodRawShape;
  annotations: ToolAnnotations;
  handler: (args: z.infer<z.ZodObject<Shape>>, context: ToolContext) => Promise<CallToolResult>;
}

/** Keeps the handler's argument type tied to the schema while the tool lists stay plain arrays. */
export function defineTool<Shape extends z.ZodRawShape>(tool: ToolDefinition<Shape>): ToolDefinition {
  return tool as unknown as ToolDefinition;
}

/** The handler of a tool that runs one tp command in the private directory and returns its result as is. */
export function runsTp<Args>(argv: (args: Args, generation: Generation) => string[]) {
  return async (args: Args, { tp, generation, signal }: ToolContext): Promise<CallToolResult> =>
    tpToolResult(await tp.run(argv(args, generation), { signal }));
}
