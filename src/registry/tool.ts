import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import type { Config } from '../config/config.js';
import type { AllowedDirs } from '../files/allowed-dirs.js';
import type { OperationStore } from '../operations/store.js';
import type { Generation, TpInstallation } from '../tp/generation.js';
import type { TpClient } from '../tp/runner.js';
import { ANNOTATION_PRESETS, type AnnotationPreset, type ToolAnnotations } from './annotations.js';
import type { Spending } from './guardrails.js';
import { tpToolResult } from '../shape/shape.js';
import { parseArguments } from './strict-args.js';
import type { Toolset } from './selection.js';

/** What the server found out while running, as opposed to how it was configured. */
export interface RuntimeFacts {
  /** The installed tp, probed once per process. */
  installation: TpInstallation;
  /** The toolsets chosen and the tools this server registered. */
  offered: { readonly toolsets: readonly string[]; readonly tools: readonly string[] };
  /** Where file tools may work in this session: the operator's directories, joined by the client's roots. */
  files: AllowedDirs;
  /** This session's operations, for the operation_* tools. */
  operations: OperationStore;
  /**
   * Whether the person behind the connected client can be asked for approval: true through elicitation, 'view' on the
   * approval card of the MCP Apps view (a client that renders Apps but has no elicitation), false not at all.
   */
  clientCanElicit: boolean | 'view';
  /** How many lines of each job's log job_listen has returned in this session. */
  logCursors: Map<string, number>;
  /** Lists the deferred tools of a toolset in this session (tools/list_changed); returns their names. */
  enableToolset: (toolset: string) => string[];
}

/** What a handler may use; handed over at call time so tools stay plain data. */
export interface ToolContext {
  /** How the operator started the server. */
  config: Config;
  runtime: RuntimeFacts;
  /** Runs tp; under --dry-run, for tools that change something, it only reports what it would run. */
  tp: TpClient;
  /** Aborted when the client cancels the call or its session ends. */
  signal: AbortSignal;
  /** How long this call may wait for its answer: a tool that `follows` something stops watching by then. */
  waitMs: number;
}

/** The context of a tool that builds its tp command for the installed generation. */
export interface TpToolContext extends ToolContext {
  generation: Generation;
}

type Args<Shape extends z.ZodRawShape> = z.infer<z.ZodObject<Shape>>;
type Handler<Shape extends z.ZodRawShape, Context> = (args: Args<Shape>, context: Context) => Promise<CallToolResult>;

/**
 * What a call needs approved before anything runs; each says what the call would do, or undefined when these arguments
 * do nothing of the kind.
 */
interface Approval<A> {
  /** Always approved first, e.g. "destroying cluster c-1". */
  irreversible?: (args: A) => string | undefined;
  /**
   * Always approved first too: reversible, but it opens access or removes a safeguard, e.g. "saving an SSH key
   * that can log in to every new cluster". The phrase says why it matters.
   */
  sensitive?: (args: A) => string | undefined;
  /** Approved unless --no-confirm-creates, e.g. "creating a 1xH100 cluster". */
  billing?: (args: A) => string | undefined;
}

interface ToolBase<Shape extends z.ZodRawShape> {
  /** snake_case `<noun>_<verb>`, mirroring `tp <noun> <verb>`. */
  name: string;
  toolset: Toolset;
  title: string;
  /** What the model reads to choose the tool: say what it does, what it costs, what it needs. */
  description: string;
  inputSchema: Shape;
  approval?: Approval<Args<Shape>>;
  /** What the call would start, checked against the operator's spending limits before anything runs. */
  spends?: (args: Args<Shape>) => Spending;
  /**
   * masked: its output holds a secret the tool masks without --allow-secrets, and then nothing is streamed or spooled.
   * shown: it prints or writes secrets as they are, and is offered only with --allow-secrets.
   */
  secrets?: 'masked' | 'shown';
  /**
   * Reads or writes files on the server's machine: off on a non-loopback HTTP server without an explicit --allow-dir.
   */
  touchesFiles?: boolean;
  /** Registered whatever the selection: the operation tools, without which a handle could not be followed. */
  alwaysOn?: boolean;
  /**
   * Listed from the start in the default selection: the tools everyday work needs. The rest of its toolset
   * is registered too, and listed once the model asks for it with toolset_enable (tools/list_changed).
   */
  core?: boolean;
  /**
   * A watch that ends itself (job_listen): it never becomes a handle, it stops watching within `waitMs`,
   * which is long when the client takes progress notifications (they keep its time-out from firing).
   */
  follows?: boolean;
}

/**
 * The three kinds of tool:
 * - runs 'tp': runs a tp command built for the installed generation (`since`: the oldest that has it); the call is an
 *   operation, whose output streams as progress and which may outlive the request.
 * - runs 'tp', since 'any': the same, for a command every tp has; the generation is never detected.
 * - runs 'local': answers from this machine or this session, within the request.
 */
type Kinds<Shape extends z.ZodRawShape, Extra> =
  | (ToolBase<Shape> & Extra & { runs: 'tp'; since?: Generation; handler: Handler<Shape, TpToolContext> })
  | (ToolBase<Shape> & Extra & { runs: 'tp'; since: 'any'; handler: Handler<Shape, ToolContext> })
  | (ToolBase<Shape> & Extra & { runs: 'local'; since?: undefined; handler: Handler<Shape, ToolContext> });

/** A tool as its file declares it. */
export type ToolSpec<Shape extends z.ZodRawShape> = Kinds<Shape, { annotations: AnnotationPreset }>;

/** What one call of a tool needs approved, in words; each absent when these arguments need nothing of the kind. */
export interface CallApproval {
  irreversible?: string;
  sensitive?: string;
  billing?: string;
}

/**
 * One call of a tool, its arguments parsed against the tool's own schema: what the call pipeline asks of it
 * before anything runs (approval, limits), and the run itself. The parsed arguments stay typed inside it.
 */
export interface ToolCall {
  /** The arguments as parsed (defaults filled in), for summaries and the approval question. */
  readonly args: Readonly<Record<string, unknown>>;
  readonly approval: CallApproval;
  /** What the call would start, for the operator's spending limits. */
  readonly spends?: Spending;
  /** Runs the handler; `generation` is the installed one, given to a tool that builds its argv for it. */
  run(context: ToolContext, generation?: Generation): Promise<CallToolResult>;
}

type Described<T> = { [Kind in keyof T]?: true };

/**
 * A tool as the registry, the server and the lists use it: annotation hints spelled out, and the typed parts
 * (handler, approval, spending) behind `prepare`, which parses a call's arguments first.
 */
export type ToolDefinition = Omit<ToolBase<z.ZodRawShape>, 'annotations' | 'approval' | 'spends'> & {
  annotations: ToolAnnotations;
  runs: 'tp' | 'local';
  since?: Generation | 'any';
  /** Which kinds of approval a call may need (the phrases come from `prepare`). */
  approval?: Described<Approval<unknown>>;
  /** Whether calls are checked against the operator's spending limits. */
  spends?: true;
  /**
   * Parses raw arguments against the schema (strict: unknown names are refused); throws a ToolError naming the field.
   */
  prepare(raw: unknown): ToolCall;
};

/** A tool that needs the installed generation: every tp tool but those for any tp. */
export function needsGeneration(tool: Pick<ToolDefinition, 'runs' | 'since'>): boolean {
  return tool.runs === 'tp' && tool.since !== 'any';
}

/** Keeps the handler's argument type tied to the schema while the tool lists stay plain arrays. */
export function defineTool<Shape extends z.ZodRawShape>(spec: ToolSpec<Shape>): ToolDefinition {
  const { approval, spends, handler: _handler, annotations, ...rest } = spec;
  return {
    ...rest,
    annotations: ANNOTATION_PRESETS[annotations],
    ...(approval ? { approval: described(approval) } : {}),
    ...(spends ? { spends: true as const } : {}),
    prepare: (raw) => {
      const args = parseArguments(spec.name, spec.inputSchema, raw);
      return {
        args,
        approval: {
          irreversible: approval?.irreversible?.(args),
          sensitive: approval?.sensitive?.(args),
          billing: approval?.billing?.(args),
        },
        spends: spends?.(args),
        run: (context, generation) => runHandler(spec, args, context, generation),
      };
    },
  };
}

function described<A>(approval: Approval<A>): Described<Approval<A>> {
  return Object.fromEntries(Object.keys(approval).map((kind) => [kind, true]));
}

/** The handler with what its kind needs: the installed generation for a tool that builds its argv for one. */
function runHandler<Shape extends z.ZodRawShape>(
  spec: ToolSpec<Shape>,
  args: z.infer<z.ZodObject<Shape>>,
  context: ToolContext,
  generation: Generation | undefined,
): Promise<CallToolResult> {
  if (spec.runs === 'local' || spec.since === 'any') return spec.handler(args, context);
  if (generation === undefined) throw new Error(`${spec.name} runs without the installed generation`);
  return spec.handler(args, { ...context, generation });
}

/** The handler of a tool that runs one tp command in the private directory and returns its result as is. */
export function runsTp<A>(argv: (args: A, generation: Generation) => string[]) {
  return async (args: A, { tp, generation, signal }: TpToolContext): Promise<CallToolResult> =>
    tpToolResult(await tp.run(argv(args, generation), { signal }));
}
