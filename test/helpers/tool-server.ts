import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll } from 'vitest';
import { type FakeTpCall, FakeTpWorkspace } from './fake-tp.js';
import { type Connected, connectInMemory } from './in-memory.js';

export interface ToolServer {
  readonly ws: FakeTpWorkspace;
  /** Realpath of the one allowed directory; it holds an empty `proj/`. */
  readonly project: string;
  readonly mcp: Connected;
  /**
   * Calls a tool. `spawned`: every tp process the call started, in order, the generation probes included;
   * `ran`: those that ran a tp command (no probe).
   */
  call(
    name: string,
    args?: Record<string, unknown>,
  ): Promise<{ result: CallToolResult; spawned: FakeTpCall[]; ran: FakeTpCall[] }>;
}

/**
 * One in-memory server for all the cases of a test file, with the fake tp behind it: a case looks at the tp
 * processes its own call started, so cases need no server of their own (and the generation is probed once).
 */
export function sharedToolServer(env: Record<string, string | undefined> = {}): ToolServer {
  let ws: FakeTpWorkspace | undefined;
  let project: string | undefined;
  let mcp: Connected | undefined;
  beforeAll(async () => {
    ws = new FakeTpWorkspace();
    project = realpathSync(ws.dir);
    mkdirSync(join(project, 'proj'));
    mcp = await connectInMemory({ env: ws.env(env), allowedDirs: [project] });
  });
  afterAll(async () => {
    await mcp?.close();
    ws?.cleanup();
  });
  const server: ToolServer = {
    get ws() {
      return ws!;
    },
    get project() {
      return project!;
    },
    get mcp() {
      return mcp!;
    },
    async call(name, args = {}) {
      const before = ws!.calls().length;
      const result = await mcp!.call(name, args);
      const spawned = ws!.calls().slice(before);
      const ran = spawned.filter((call) => !call.argv.includes('--help') && !call.argv.includes('--version'));
      return { result, spawned, ran };
    },
  };
  return server;
}
