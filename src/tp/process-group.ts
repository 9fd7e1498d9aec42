import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { unwatchGroup, watchGroup } from './watchdog.js';

const POSIX = process.platform !== 'win32';

/** Process groups still running, killed synchronously if the server exits with them alive. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // last resort: 'exit' handlers must be synchronous, so there is no grace period here
  process.once('exit', () => {
    for (const pgid of liveGroups) sendToGroup(pgid, 'SIGKILL');
  });
}

function sendToGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  // ESRCH (the group is gone) is the usual answer once tp has exited, and Node can only give it by
  // throwing: the error is built without the stack trace it would otherwise capture on every call
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    process.kill(POSIX ? -pgid : pgid, signal);
    return true;
  } catch (error) {
    // EPERM: it exists but is not ours to signal; ESRCH: nothing left in the group
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** Spawn options that make the child lead its own process group (POSIX), so its descendants can be killed with it. */
export const groupSpawnOptions = { detached: POSIX } as const;

/**
 * A child that leads its own process group. Engine-sent shell commands run as grandchildren of `tp`,
 * so killing `tp` alone would leave them running: everything here signals the whole group.
 */
export class ProcessGroup {
  private readonly pgid: number | undefined;

  constructor(private readonly child: ChildProcess) {
    this.pgid = child.pid;
    if (this.pgid !== undefined && POSIX) {
      installExitHook();
      liveGroups.add(this.pgid);
      // the exit hook cannot run after SIGKILL: the watchdog can
      watchGroup(this.pgid);
    }
  }

  isAlive(): boolean {
    if (this.pgid === undefined) return false;
    if (!POSIX) return this.child.exitCode === null && this.child.signalCode === null;
    if (!sendToGroup(this.pgid, 0)) return false;
    // a killed orphan stays a zombie until init reaps it, which some container inits do late
    return hasRunningMember(this.pgid) ?? true;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.pgid === undefined) return;
    if (POSIX) sendToGroup(this.pgid, signal);
    else this.child.kill(signal);
  }

  /** SIGTERM to the group, then SIGKILL to whatever is left after `graceMs`. Resolves once the group is gone. */
  async terminate(graceMs: number): Promise<void> {
    if (!this.isAlive()) return this.forget();
    this.signal('SIGTERM');
    const deadline = Date.now() + graceMs;
    while (this.isAlive() && Date.now() < deadline) await sleep(50);
    if (this.isAlive()) this.signal('SIGKILL');
    // SIGKILL cannot be ignored, but a zombie stays visible until its parent reaps it
    const reapDeadline = Date.now() + 2000;
    while (this.isAlive() && Date.now() < reapDeadline) await sleep(25);
    this.forget();
  }

  private forget(): void {
    if (this.pgid === undefined || !liveGroups.delete(this.pgid)) return;
    if (POSIX) unwatchGroup(this.pgid);
  }
}

/** Linux: whether any process of the group is more than a zombie; undefined where /proc cannot tell. */
function hasRunningMember(pgid: number): boolean | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // exited while we looked
      }
      // fields after the command name, which may itself contain spaces and parentheses
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
    }
    return false;
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
