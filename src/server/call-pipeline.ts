import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { Config } from '../config/config.js';
import { ToolError, errorResult } from '../errors.js';
import type { AllowedDirs } from '../files/allowed-dirs.js';
import type { Logger } from '../log.js';
import type { Clock, Timer } from '../operations/clock.js';
import { type Operation, handleResult, withOutputLink } from '../operations/operation.js';
import { reportProgress, type ProgressParams } from '../operations/progress.js';
import { shapeResult } from '../shape/shape.js';
import type { OperationStore } from '../operations/store.js';
import { checkSpending } from '../registry/guardrails.js';
import {
  needsGeneration,
  type RuntimeFacts,
  type ToolCall,
  type ToolContext,
  type ToolDefinition,
} from '../registry/tool.js';
import { requireAtLeast, type Generation, type TpInstallation } from '../tp/generation.js';
import type { SessionClient } from '../tp/runner.js';
import { approve, type HumanChannel } from './approval.js';
import type { SendRequest } from './elicitation.js';
import { summarizeArguments } from './argument-summary.js';

/** What every call of one session shares. */
export interface SessionState {
  config: Config;
  /** Runs tp for this session: through the process's one runner, in the session's lane, with its caller's key. */
  tp: SessionClient;
  installation: TpInstallation;
  operations: OperationStore;
  offered: RuntimeFacts['offered'];
  logger: Logger;
  /** Times the sync budget and the progress heartbeat. */
  clock: Clock;
  /** How far job_listen has read each job's log in this session. */
  logCursors: Map<string, number>;
  /** Lists the deferred tools of a toolset in this session; returns their names. */
  enableToolset: (toolset: string) => string[];
  /** Where this session's file tools may work; asked within a call, so over HTTP the roots travel on its stream. */
  allowedDirs(sendRequest: SendRequest, signal: AbortSignal): Promise<AllowedDirs>;
  /** The person behind the client: elicitation where it has it, else the view's approval card (app-view.ts). */
  human(sendRequest: SendRequest, progress: CallRequest['progress']): HumanChannel;
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * Answers tools/call on the SDK's low-level Server: the tool the call names (`find`: the session's tools,
 * listed or deferred, and the view's app-only tools), run through the steps of handleCall below.
 */
export function serveToolCalls(
  server: Server,
  session: SessionState,
  find: (name: string) => ToolDefinition | undefined | Promise<ToolDefinition | undefined>,
): void {
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { name, arguments: args } = request.params;
    const tool = await find(name);
    if (!tool) return errorResult(`Tool ${name} not found: tools/list names the tools this server offers.`);
    return handleCall(session, tool, args, callRequest(session, extra));
  });
}

/** What a tools/call's extra brings, as the steps want it. */
function callRequest(session: SessionState, extra: Extra): CallRequest {
  const token = extra._meta?.progressToken;
  const progress: CallRequest['progress'] =
    token === undefined
      ? undefined
      : { token, send: (params) => extra.sendNotification({ method: 'notifications/progress', params }) };
  return {
    signal: extra.signal,
    allowedDirs: () => session.allowedDirs(extra.sendRequest, extra.signal),
    human: session.human(extra.sendRequest, progress),
    progress,
  };
}

/** One tools/call, as serveToolCalls adapts the SDK's request for it. */
export interface CallRequest {
  /** Aborted when the client cancels the call or the session ends. */
  signal: AbortSignal;
  /** Where this session's file tools may work (may ask the client for its roots). */
  allowedDirs(): Promise<AllowedDirs>;
  /** The person behind the client, for approval. */
  human: HumanChannel;
  /** Present when the client asked for progress notifications. */
  progress?: { token: string | number; send(params: ProgressParams): Promise<void> };
}

/**
 * One tools/call, from the SDK's request (serveToolCalls) to the tp process and back, in the order it happens.
 * The files a reader follows: this one, registry/tool.ts (prepare, runsTp), the tool's declaration (tools/*.ts),
 * tp/commands.ts (argv), tp/runner.ts (SessionClient, TpRunner) and tp/tp-process.ts (the spawn), then
 * shape/shape.ts (the result) and operations/operation.ts (the operation and its handle): eight files.
 *
 *   1. prepare            the arguments parsed against the tool's schema (registry/tool.ts); a wrong one is refused
 *   2. refuseUnsupported  a tool the installed tp lacks is refused before anyone is asked about it
 *   3. limits             the operator's spending limits, against what the call says it would start
 *   4. approve            confirm=true, or the person's yes (approval.ts)
 *   5. generation         the installed generation, which the handler builds its argv for
 *   6. runLocally         a local tool answers within the request, or
 *      runAsOperation     the handler builds the argv (tp/commands.ts) and runs it with the call's client
 *                         (tp/runner.ts SessionClient: the session's lane and key, the dry run, the observation),
 *                         which hands it to TpRunner.run, the one place that spawns tp (tp/tp-process.ts);
 *                         the result is shaped for a model (shape/shape.ts)
 *   7. attend             the request waits within the sync budget, with progress; past it, a handle
 *   8. failure            expected failures become isError results; anything else is logged as a bug
 *
 * Nothing starts, no process and not even the generation probe, until the call has passed 1 to 4.
 */
async function handleCall(
  session: SessionState,
  tool: ToolDefinition,
  args: unknown,
  request: CallRequest,
): Promise<CallToolResult> {
  let call: ToolCall;
  let context: ToolContext;
  let generation: Generation | undefined;
  try {
    call = tool.prepare(args); // 1
    const files = await request.allowedDirs();
    const known = await refuseUnsupported(session, tool, request.signal); // 2
    if (call.spends) checkSpending(session.config.guardrails, call.spends); // 3
    const refusal = await approve(tool.name, call, session.config, request.human, request.signal); // 4
    if (refusal) return errorResult(refusal);
    // 5: detected only now that the call may go ahead
    generation = needsGeneration(tool) ? (known ?? (await session.installation.generation(request.signal))) : known;
    const canAsk = request.human.canElicit() && (request.human.via === 'view' ? 'view' : true);
    context = {
      config: session.config,
      runtime: runtimeFacts(session, files, canAsk),
      tp: session.tp.forCall({ dryRun: dryRuns(session, tool) }),
      signal: request.signal,
      waitMs: waitWindow(session.config, tool, request),
    };
  } catch (error) {
    return failure(session, tool, error); // 8
  }
  // a request cancelled during the checks above must not start anything
  if (request.signal.aborted) return errorResult('The call was cancelled; nothing was started.');
  if (tool.runs === 'local') return runLocally(session, tool, call, context); // 6
  return runAsOperation(session, tool, call, context, generation, request); // 6, 7
}

/**
 * 2. A tool the installed tp lacks is refused before anyone is asked to approve it; returns the generation it had to
 * detect.
 */
async function refuseUnsupported(
  session: SessionState,
  tool: ToolDefinition,
  signal: AbortSignal,
): Promise<Generation | undefined> {
  if (tool.runs !== 'tp' || tool.since === undefined || tool.since === 'any') return undefined;
  const generation = await session.installation.generation(signal);
  requireAtLeast(tool.name, generation, tool.since);
  return generation;
}

/** Under --dry-run, tools that would change something only report the command; read-only tools still run. */
function dryRuns(session: SessionState, tool: ToolDefinition): boolean {
  return session.config.dryRun && !tool.annotations.readOnlyHint;
}

function runtimeFacts(
  session: SessionState,
  files: AllowedDirs,
  clientCanElicit: RuntimeFacts['clientCanElicit'],
): RuntimeFacts {
  const { installation, offered, operations, logCursors, enableToolset } = session;
  return { installation, offered, files, operations, clientCanElicit, logCursors, enableToolset };
}

/**
 * A watch answers within this long: operation_status's longest wait, or with progress notifications about 25 minutes.
 */
const FOLLOW_MS = 50_000;
const FOLLOW_WITH_PROGRESS_MS = 25 * 60_000;

/** How long a call may wait for its answer before it becomes a handle (or, for a watch, stops watching). */
function waitWindow(config: Config, tool: ToolDefinition, request: CallRequest): number {
  if (!tool.follows) return config.syncBudgetMs;
  return request.progress ? FOLLOW_WITH_PROGRESS_MS : Math.max(config.syncBudgetMs, FOLLOW_MS);
}

/** 6a. A local tool (config writing, status, the operation tools) answers within the request. */
async function runLocally(
  session: SessionState,
  tool: ToolDefinition,
  call: ToolCall,
  context: ToolContext,
): Promise<CallToolResult> {
  try {
    return await call.run(context);
  } catch (error) {
    return failure(session, tool, error);
  }
}

/** 6b. A tp tool runs as an operation: its output is spooled and streamed, and it may outlive the request. */
function runAsOperation(
  session: SessionState,
  tool: ToolDefinition,
  call: ToolCall,
  context: ToolContext,
  generation: Generation | undefined,
  request: CallRequest,
): Promise<CallToolResult> | CallToolResult {
  let operation: Operation;
  try {
    // shown by operation_list and operation_status: masked like everything else that leaves the server
    operation = session.operations.start(tool.name, session.tp.redactor.redact(summarizeArguments(call.args)));
  } catch (error) {
    return failure(session, tool, error);
  }
  const signal = operation.controller.signal;
  // a tool whose output holds a secret streams nothing: only its masked result leaves the server
  const streams = tool.secrets !== 'masked' || session.config.allowSecrets;
  const tp = session.tp.forCall({
    dryRun: dryRuns(session, tool),
    signal,
    onStart: (argv) => (operation.argv = argv),
    observer: streams ? operation.observer : { ...operation.observer, output: undefined },
  });
  void call.run({ ...context, tp, signal }, generation).then(
    (result) => operation.finish(shapeResult(tool.name, generation, result)),
    (error: unknown) => operation.finish(failure(session, tool, error)),
  );
  // a watch stops itself within its window: the grace covers stopping tp and shaping what it read
  return attend(
    session,
    operation,
    request,
    tool.follows ? context.waitMs + FOLLOW_GRACE_MS : session.config.syncBudgetMs,
  );
}

const FOLLOW_GRACE_MS = 15_000;

/**
 * 7. The request waits for its operation: progress goes to the client if it asked for it, and a
 * cancelled request stops tp. Past the sync budget the call returns a handle instead, and the
 * operation goes on, followed with operation_status.
 */
async function attend(
  { config, clock }: SessionState,
  operation: Operation,
  request: CallRequest,
  budgetMs: number,
): Promise<CallToolResult> {
  const cancelWithRequest = () => {
    if (!operation.detached) operation.cancel();
  };
  request.signal.addEventListener('abort', cancelWithRequest, { once: true });
  if (request.signal.aborted) operation.cancel();
  const progress = request.progress;
  const stopProgress = progress
    ? reportProgress(operation, progress.token, progress.send, config.heartbeatMs, clock)
    : () => {};
  let budget: Timer | undefined;
  const overBudget = new Promise<void>((resolve) => (budget = clock.setTimeout(resolve, budgetMs)));
  await Promise.race([operation.done, overBudget]);
  budget?.clear();
  stopProgress();
  request.signal.removeEventListener('abort', cancelWithRequest);
  if (operation.finished) return withOutputLink(operation);
  operation.detached = true;
  return handleResult(operation);
}

/** 8. Expected failures become a result the model can act on; anything else is a bug, logged with its stack. */
function failure(session: SessionState, tool: ToolDefinition, error: unknown): CallToolResult {
  const { redactor } = session.tp;
  if (error instanceof ToolError) return errorResult(redactor.redact(error.message));
  session.logger.error(
    `${tool.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  return errorResult(`tensorpool-mcp hit an internal error in ${tool.name}: ${redactor.redact(String(error))}`);
}
