import { open } from 'node:fs/promises';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  ElicitResultSchema,
  ListRootsResultSchema,
  RootsListChangedNotificationSchema,
  type CallToolResult,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { rootsToDirs } from './files/roots.js';
import { silentLogger, type Logger } from './log.js';
import { consent, type HumanChannel } from './registry/confirmation.js';
import { errorResult, tpOutputSchema } from './registry/results.js';
import type { ToolContext, ToolDefinition } from './registry/tool.js';
import type { ServerSettings } from './settings.js';
import { allTools } from './tools/index.js';
import { abortable } from './tp/abortable.js';
import { dryRunClient } from './tp/dry-run.js';
import { ToolError } from './errors.js';
import { requireAtLeast, TpInstallation, type Generation } from './tp/generation.js';
import { withRun, type TpClient } from './tp/runner.js';
import type { Operation } from './operations/operation.js';
import { handleResult, withOutputLink } from './operations/results.js';
import { reportProgress, type ProgressParams } from './operations/progress.js';
import { OperationStore } from './operations/store.js';
import { NAME, VERSION } from './version.js';

export interface CreateServerOptions {
  /**
   * Shared by every session of a process, so shutdown can stop every `tp` it started; under
   * --auth tensorpool-key, a keyedClient() of that runner carrying the session's own key.
   */
  runner: TpClient;
  settings: ServerSettings;
  /** The installed tp, probed once per process; default: a new probe for this server. */
  installation?: TpInstallation;
  /** Default: every tool. Selection (toolsets, read-only) happens before, in selectTools(). */
  tools?: readonly ToolDefinition[];
  logger?: Logger;
}

const INSTRUCTIONS =
  'Drives TensorPool GPU infrastructure through the installed `tp` CLI. Creating clusters, storage or jobs costs money; ' +
  'destroy, delete, cancel, detach, remove and disable are irreversible and need confirm=true after the user agrees. ' +
  'Ids come from the *_list tools. server_status tells what the installed tp supports.';

/** A fresh MCP server with the tools registered; transports connect it, one per session. */
export function createServer(options: CreateServerOptions): McpServer {
  const { runner } = options;
  const installation = options.installation ?? new TpInstallation(runner, options.settings.tpGeneration);
  const logger = options.logger ?? silentLogger;
  const server = new McpServer({ name: NAME, title: 'TensorPool', version: VERSION }, { instructions: INSTRUCTIONS });
  const session = sessionState(server, options.settings, logger);
  // asked within the tool call, so over HTTP the question travels on that call's own stream
  const humanFor = (extra: Extra): HumanChannel => ({
    canElicit: () => {
      const elicitation = server.server.getClientCapabilities()?.elicitation as { form?: object; url?: object } | undefined;
      // an empty capability object means form elicitation (the spec's older shape)
      return elicitation !== undefined && (elicitation.form !== undefined || elicitation.url === undefined);
    },
    ask: async (message, signal) => {
      try {
        const answer = await extra.sendRequest(
          {
            method: 'elicitation/create',
            params: {
              message,
              requestedSchema: {
                type: 'object',
                properties: { confirm: { type: 'boolean', title: 'Go ahead', description: 'Yes, do this now', default: false } },
                required: ['confirm'],
              },
            },
          },
          ElicitResultSchema,
          { signal, timeout: APPROVAL_TIMEOUT_MS },
        );
        return answer.action === 'accept' && answer.content?.confirm === true;
      } catch (error) {
        // no answer in time, or a client that failed to ask, is not a yes
        logger.info(`elicitation failed: ${error instanceof Error ? error.message : String(error)}`);
        return false;
      }
    },
  });

  const operations = new OperationStore({ ttlMs: options.settings.operationTtlMs });
  // the session is over: stop everything it started and delete its spool files
  server.server.onclose = () => void operations.dispose();
  registerOperationOutput(server, operations);

  const fail = (tool: ToolDefinition, error: unknown): CallToolResult => {
    if (error instanceof ToolError) return errorResult(runner.redactor.redact(error.message));
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    logger.error(`${tool.name} failed: ${detail}`);
    return errorResult(`tensorpool-mcp hit an internal error in ${tool.name}: ${runner.redactor.redact(String(error))}`);
  };

  for (const tool of options.tools ?? allTools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        outputSchema: tool.outputSchema,
        annotations: { title: tool.title, ...tool.annotations },
      },
      async (args: Record<string, unknown>, extra): Promise<CallToolResult> => {
        let generation: Generation | undefined;
        let settings: ServerSettings;
        try {
          settings = await session.settings(extra);
          if (tool.since && tool.since !== 'none') {
            // a tool the installed tp lacks is refused before anyone is asked to approve it
            generation = await installation.generation(extra.signal);
            requireAtLeast(tool.name, generation, tool.since);
          }
          // an unapproved call starts nothing at all, not even the generation probe
          const refusal = await consent(tool, args, settings, humanFor(extra), extra.signal);
          if (refusal) return errorResult(refusal);
          if (tool.since !== 'none') generation ??= await installation.generation(extra.signal);
        } catch (error) {
          return fail(tool, error);
        }
        // a request cancelled during the checks above must not start anything
        if (extra.signal.aborted) return errorResult('The call was cancelled; nothing was started.');

        // read-only tools still run under --dry-run; everything else only says what it would run
        const base = settings.dryRun && !tool.annotations.readOnlyHint ? dryRunClient(runner) : runner;
        if (tool.outputSchema !== tpOutputSchema) {
          // short local tools (config writing, status, the operation tools) are not operations themselves
          try {
            return await tool.handler(args as never, contextFor(tool, { tp: base, installation, settings, operations, signal: extra.signal }, generation));
          } catch (error) {
            return fail(tool, error);
          }
        }
        let operation: Operation;
        try {
          operation = operations.start(tool.name, summarizeArguments(args));
        } catch (error) {
          return fail(tool, error);
        }
        // a tool whose output holds a secret streams nothing: only its masked result leaves the server
        const streams = !(tool.printsSecrets && !settings.allowSecrets);
        const context = contextFor(
          tool,
          { tp: observed(base, operation, streams), installation, settings, operations, signal: operation.controller.signal },
          generation,
        );
        void tool.handler(args as never, context).then(
          (result) => operation.finish(result),
          (error: unknown) => operation.finish(fail(tool, error)),
        );
        return attend(operation, extra, settings);
      },
    );
  }
  return server;
}

type Extra = {
  signal: AbortSignal;
  sendRequest: RequestHandlerExtra<ServerRequest, ServerNotification>['sendRequest'];
  _meta?: { progressToken?: string | number };
  sendNotification: (notification: { method: 'notifications/progress'; params: ProgressParams }) => Promise<void>;
};

/**
 * Waits for an operation while the request is there: progress goes to the client if it asked for it,
 * and a cancelled request stops tp. Past the sync budget the call returns a handle instead, and the
 * operation goes on, followed with operation_status.
 */
async function attend(operation: Operation, extra: Extra, settings: ServerSettings): Promise<CallToolResult> {
  const cancelWithRequest = () => {
    if (!operation.detached) operation.cancel();
  };
  extra.signal.addEventListener('abort', cancelWithRequest, { once: true });
  if (extra.signal.aborted) operation.cancel();
  const token = extra._meta?.progressToken;
  const stopProgress =
    token === undefined
      ? () => {}
      : reportProgress(operation, token, (params) => extra.sendNotification({ method: 'notifications/progress', params }), settings.heartbeatMs ?? 10_000);
  let timer: NodeJS.Timeout | undefined;
  const overBudget = new Promise<void>((resolve) => (timer = setTimeout(resolve, settings.syncBudgetMs ?? DEFAULT_SYNC_BUDGET_MS)));
  await Promise.race([operation.done, overBudget]);
  clearTimeout(timer);
  stopProgress();
  extra.signal.removeEventListener('abort', cancelWithRequest);
  if (operation.finished) return withOutputLink(operation);
  operation.detached = true;
  return handleResult(operation);
}

const DEFAULT_SYNC_BUDGET_MS = 20_000;
/** How long a person has to answer an approval question. */
const APPROVAL_TIMEOUT_MS = 10 * 60_000;

/** A tp client that reports the run to the operation (its output too, when `streams`) and stops with it. */
function observed(client: TpClient, operation: Operation, streams: boolean): TpClient {
  return withRun(client, (args, options = {}) => {
    operation.argv = ['tp', ...args].map((arg) => client.redactor.redact(arg));
    const observer = streams ? operation.observer : { ...operation.observer, output: undefined };
    return client.run(args, { ...options, signal: options.signal ?? operation.controller.signal, observer });
  });
}

function summarizeArguments(args: Record<string, unknown>): string {
  const text = Object.entries(args)
    .filter(([name, value]) => value !== undefined && name !== 'ssh_public_key' && name !== 'public_key' && name !== 'commands')
    .map(([name, value]) => `${name}=${Array.isArray(value) ? value.join(',') : String(value)}`)
    .join(' ');
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

/** A client that declares roots but never answers must not hold up tool calls for long. */
const ROOTS_TIMEOUT_MS = 5_000;

/**
 * Per-session settings: the client's MCP roots (asked for when it declares them, again after it says
 * they changed) join the operator's --allow-dir list; without roots the operator's rule stands.
 * Roots are asked for from within a tool call, so over HTTP the request travels on that call's stream.
 */
function sessionState(server: McpServer, settings: ServerSettings, logger: Logger) {
  let roots: Promise<string[]> | undefined;
  server.server.setNotificationHandler(RootsListChangedNotificationSchema, async () => {
    roots = undefined;
  });
  // a failure is remembered until the client says its roots changed: one slow answer, not one per call
  const fetchRoots = (extra: Extra): Promise<string[]> =>
    extra
      .sendRequest({ method: 'roots/list' }, ListRootsResultSchema, { timeout: ROOTS_TIMEOUT_MS })
      .then((result) => rootsToDirs(result.roots))
      .catch((error: unknown) => {
        logger.error(`roots/list failed: ${error instanceof Error ? error.message : String(error)}`);
        return [];
      });
  return {
    settings: async (extra: Extra): Promise<ServerSettings> => {
      if (!server.server.getClientCapabilities()?.roots) return settings;
      roots ??= fetchRoots(extra);
      const dirs = await abortable(roots, extra.signal);
      if (dirs.length === 0) return settings;
      const operator = settings.allowDirsExplicit ? settings.allowedDirs : [];
      return { ...settings, allowedDirs: [...new Set([...operator, ...dirs])], allowedDirsProblem: undefined };
    },
  };
}

/** Spool files are bounded only by the disk; a resource read returns at most this much, from the end. */
const MAX_RESOURCE_BYTES = 32 * 1024 * 1024;

/** tensorpool-mcp://operations/{id}/output: the full output of this session's operations, while they are kept. */
function registerOperationOutput(server: McpServer, operations: OperationStore): void {
  server.registerResource(
    'operation-output',
    new ResourceTemplate('tensorpool-mcp://operations/{id}/output', {
      list: async () => ({
        resources: operations.list().map((operation) => ({
          uri: `tensorpool-mcp://operations/${operation.id}/output`,
          name: `${operation.tool} output (${operation.id})`,
          mimeType: 'text/plain',
        })),
      }),
    }),
    { title: 'Operation output', description: 'Everything tp printed for one operation of this session, secrets masked', mimeType: 'text/plain' },
    async (uri, variables) => {
      const operation = operations.get(String(variables.id));
      if (!operation) throw new ToolError(`No operation ${String(variables.id)} in this session (finished ones are kept for a limited time).`);
      return { contents: [{ uri: uri.href, mimeType: 'text/plain', text: await readTail(operation.spoolPath, MAX_RESOURCE_BYTES) }] };
    },
  );
}

/** The last `limit` bytes of a file (all of it when smaller); empty when nothing was written yet. */
async function readTail(path: string, limit: number): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, limit);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    // a cut in the middle of a character would show as garbage: start at the next whole one
    let start = 0;
    while (size > limit && start < buffer.length && (buffer[start]! & 0xc0) === 0x80) start++;
    const text = buffer.subarray(start).toString('utf8');
    return size > limit ? `[... first ${size - length + start} bytes left out ...]\n${text}` : text;
  } finally {
    await handle.close();
  }
}

/** The handler's context; a tool declared since: 'none' never detects the generation, and must not read it. */
function contextFor(tool: ToolDefinition, base: Omit<ToolContext, 'generation'>, generation: Generation | undefined): ToolContext {
  if (generation) return { ...base, generation };
  return Object.defineProperty({ ...base }, 'generation', {
    get: () => {
      throw new Error(`${tool.name} is declared since: 'none' but reads the tp generation`);
    },
  }) as ToolContext;
}
