import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { generationOverride, resolveConfig, type ConfigInput } from '../config/config.js';
import { silentLogger, type Logger } from '../log.js';
import { systemClock, type Clock } from '../operations/clock.js';
import { SpoolSpace } from '../operations/output-spool.js';
import { OperationStore } from '../operations/store.js';
import type { ToolDefinition } from '../registry/tool.js';
import type { Toolset } from '../registry/selection.js';
import { allTools } from '../tools/index.js';
import { TpInstallation } from '../tp/generation.js';
import { SessionClient, type SessionScope, type TpRunner } from '../tp/runner.js';
import type { Slots } from '../tp/slots.js';
import { NAME, VERSION } from '../version.js';
import { serveToolCalls, type SessionState } from './call-pipeline.js';
import { APPROVAL_TIMEOUT_MS, elicitation } from './elicitation.js';
import { attachConsole } from './app-view.js';
import { outputReads, registerOperationOutput } from './output-resource.js';
import { sessionDirs } from './roots.js';
import { ListedTools, serveToolsList } from './tools-list.js';
import { toolsetEnable } from '../tools/toolset-enable.js';
import { registerPrompts } from './prompts.js';
import { registerSkill } from './skill-resource.js';
import { serverInstructions } from '../prompts/instructions.js';

export interface CreateServerOptions {
  /** Shared by every session of a process, so process slots, time-outs and shutdown stay one. */
  runner: TpRunner;
  /** The caller's own API key (`--auth tensorpool-key`): every tp of the session runs with it, masked. */
  key?: SessionScope['key'];
  /** How the server behaves; whatever is left out takes its default (see resolveConfig). */
  config?: ConfigInput;
  /** Default: every tool. Selection (toolsets, read-only) happens before, in selectTools(). */
  tools?: readonly ToolDefinition[];
  /** Names among `tools` listed only once their toolset is enabled (Selection.deferred). */
  deferred?: readonly string[];
  /** The toolsets `tools` were selected from, for server_status. */
  toolsets?: readonly Toolset[];
  /** The installed tp, probed once per process; default: a new probe for this server. */
  installation?: TpInstallation;
  /**
   * The disk the spool files of every session of a process share (--max-output-mb); default: room for this server's.
   */
  spoolSpace?: SpoolSpace;
  /** Reads of operation output served at once, shared by every session of a process; default: this server's own. */
  outputReads?: Slots;
  logger?: Logger;
  /** Times operations, the sync budget and progress heartbeats; tests drive one by hand. */
  clock?: Clock;
  /**
   * Stands for this session's caller in the process queue, shared by the caller's sessions, so callers
   * take turns for tp rather than sessions. Default: the session's own lane.
   */
  lane?: object;
}

/**
 * A fresh MCP server with the tools and the operation-output resource registered; transports connect it, one per
 * session.
 */
export function createServer(options: CreateServerOptions): McpServer {
  const config = resolveConfig(options.config);
  const deferred = new Set(options.deferred ?? []);
  const tools = [...(options.tools ?? allTools), ...(deferred.size > 0 ? [toolsetEnable] : [])];
  const logger = options.logger ?? silentLogger;
  const server = new McpServer(
    { name: NAME, title: 'TensorPool', version: VERSION },
    { instructions: serverInstructions(config) },
  );

  const clock = options.clock ?? systemClock;
  const operations = new OperationStore({
    ttlMs: config.operationTtlMs,
    maxOutputBytes: config.maxOutputBytes,
    spoolSpace: options.spoolSpace ?? SpoolSpace.forOperations(config.maxOutputBytes),
    clock,
  });
  // the session is over: stop everything it started and delete its spool files
  server.server.onclose = () => void operations.dispose();
  // this session's store stands for it in the output-read queue; its caller's lane (or the store) in the tp queue
  registerOperationOutput(server, operations, options.outputReads ?? outputReads());
  registerSkill(server);
  // this session's tp: the process's runner, in the caller's lane (or the session's own), with the caller's key
  const tp = new SessionClient(options.runner, { lane: options.lane ?? operations, key: options.key });

  const installation = options.installation ?? new TpInstallation(options.runner, generationOverride(config));
  registerPrompts(server, { tp, installation, config, tools: tools.map((tool) => tool.name) });

  const listed = new ListedTools(tools, deferred, () => void server.server.sendToolListChanged());
  const allowedDirs = sessionDirs(server, config, logger);
  // for a client that renders MCP Apps: the view, its links and app-only tools, and its approval card
  const view = attachConsole(server, {
    tools,
    clock,
    heartbeatMs: config.heartbeatMs,
    approvalTimeoutMs: APPROVAL_TIMEOUT_MS,
  });
  const session: SessionState = {
    config,
    tp,
    installation,
    operations,
    offered: { toolsets: options.toolsets ?? [], tools: tools.map((tool) => tool.name) },
    logger,
    clock,
    logCursors: new Map(),
    enableToolset: (toolset) => listed.enable(toolset),
    allowedDirs,
    // the person is asked as the client allows: elicitation where it has it, else the view's approval card
    human: (sendRequest, progress) => view.human(elicitation(server, sendRequest, logger), progress),
  };

  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  serveToolsList(server.server, () => listed.current, view.tools.list);
  serveToolCalls(server.server, session, (name) => byName.get(name) ?? view.tools.find(name));
  return server;
}
