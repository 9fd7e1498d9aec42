import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ListRootsResultSchema, RootsListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Config } from '../config/config.js';
import type { AllowedDirs } from '../files/allowed-dirs.js';
import { homedir } from 'node:os';
import { realpathSync } from 'node:fs';
import { narrowToRoots, rootsAsAllowedDirs, rootsToDirs } from '../files/roots.js';
import type { Logger } from '../log.js';
import { abortable } from '../tp/abortable.js';
import type { SendRequest } from './elicitation.js';

/** A client that declares roots but never answers must not hold up tool calls for long. */
const ROOTS_TIMEOUT_MS = 5_000;

/**
 * Where this session's file tools may work: the operator's directories (--allow-dir, else the launch
 * directory), narrowed to the client's MCP roots (asked for when it declares them, again after it says
 * they changed). Over stdio without --allow-dir the roots replace the launch directory instead (but
 * never as /, or home or above: rootsAsAllowedDirs); otherwise roots never add a directory. Over HTTP a client's roots
 * describe the client's machine,
 * not this one, so they count only with --trust-client-roots. Asked from within a tool call, so over
 * HTTP the request travels on that call's stream.
 */
export function sessionDirs(
  server: McpServer,
  config: Config,
  logger: Logger,
): (sendRequest: SendRequest, signal: AbortSignal) => Promise<AllowedDirs> {
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
  // the client on stdio is the user's own application: its roots name the open folder better than where it started us
  const rootsReplace = config.transport === 'stdio' && !config.allowDirsExplicit;
  const home = realOr(homedir());
  let reported: readonly string[] | undefined;
  return async (sendRequest, signal) => {
    if (!useRoots || !server.server.getClientCapabilities()?.roots) return operator;
    roots ??= fetchRoots(sendRequest);
    const dirs = await abortable(roots, signal);
    if (!rootsReplace || dirs.length === 0) return narrowToRoots(operator, dirs);
    const { allowed, tooWide } = rootsAsAllowedDirs(dirs, home);
    if (tooWide.length > 0 && reported !== dirs) {
      reported = dirs;
      logger.info(
        `client root ${tooWide.join(', ')} refused for file tools: too wide (/ or the home directory); open a ` +
          `project folder, or start with --allow-dir DIR`,
      );
    }
    return allowed ?? operator;
  };
}

function realOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
