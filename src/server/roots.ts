import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ListRootsResultSchema, RootsListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Config } from '../config/config.js';
import type { AllowedDirs } from '../files/allowed-dirs.js';
import { narrowToRoots, rootsToDirs } from '../files/roots.js';
import type { Logger } from '../log.js';
import { abortable } from '../tp/abortable.js';
import type { SendRequest } from './elicitation.js';

/** A client that declares roots but never answers must not hold up tool calls for long. */
const ROOTS_TIMEOUT_MS = 5_000;

/**
 * Where this session's file tools may work: the operator's directories (--allow-dir, else the launch
 * directory), narrowed to the client's MCP roots (asked for when it declares them, again after it says
 * they changed); roots never add a directory. Over HTTP a client's roots describe the client's machine,
 * not this one, so they count only with --trust-client-roots. Asked from within a tool call, so over
 * HTTP the request travels on that call's stream.
 */
export function sessionDirs(server: McpServer, config: Config, logger: Logger): (sendRequest: SendRequest, signal: AbortSignal) => Promise<AllowedDirs> {
  let roots: Promise<string[]> | undefined;
  server.server.setNotificationHandler(RootsListChangedNotificationSchema, async () => {
    roots = undefined;
  });
  // a failure is remembered until the client says its roots changed: one slow answer, not one per call
  const fetchRoots = (sendRequest: SendRequest): Promise<string[]> =>
    sendRequest({ method: 'roots/list' }, ListRootsResultSchema, { timeout: ROOTS_TIMEOUT_MS })
      .then((result) => rootsToDirs(result.roots))
      .catch((error: unknown) => {
        logger.error(`roots/list failed: ${error instanceof Error ? error.message : String(error)}`);
        return [];
      });
  const operator: AllowedDirs = { allowedDirs: config.allowedDirs, allowedDirsProblem: config.allowedDirsProblem };
  const useRoots = config.transport === 'stdio' || config.trustClientRoots;
  return async (sendRequest, signal) => {
    if (!useRoots || !server.server.getClientCapabilities()?.roots) return operator;
    roots ??= fetchRoots(sendRequest);
    return narrowToRoots(operator, await abortable(roots, signal));
  };
}
