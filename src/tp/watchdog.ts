import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../temp-dirs.js';

/**
 * A tiny shell process, one per server, that ends tp's process groups when the server dies by a
 * signal nobody can catch (SIGKILL, the OOM killer). It holds a pipe from the server and only
 * waits for it to close; the groups still running are listed in a file of its own, one per line,
 * which the server rewrites in place as each group starts and ends. Writing a file wakes nobody:
 * telling a process over a pipe cost two context switches to the shell on every call. When the
 * pipe closes, the server is gone: the watchdog reads the file, sends SIGTERM to every group in
 * it, SIGKILL to what is left about 2 s later, removes its directory and exits. It holds the file
 * open from its start, so a temp cleaner that deletes the directory of a long-idle server takes
 * nothing away. After an orderly exit the list is empty, or names groups the server's exit hook
 * has just killed.
 *
 * The pipe and the file are close-on-exec, so tp never holds them open. The watchdog leads its own
 * process group, so a signal to the server's group (a terminal's Ctrl-C) does not take it along.
 * POSIX only: Windows has no process groups to signal.
 */
const SCRIPT = `
exec 3< "$1" || exit 1
while IFS= read -r _; do :; done
groups=""
while read -r g; do [ -n "$g" ] && groups="$groups $g"; done <&3
rm -rf "\${1%/*}" 2>/dev/null
[ -z "$groups" ] && exit 0
for g in $groups; do kill -TERM "-$g" 2>/dev/null; done
n=0
while [ $n -lt 20 ]; do
  alive=""
  for g in $groups; do kill -0 "-$g" 2>/dev/null && alive=1; done
  [ -z "$alive" ] && exit 0
  sleep 0.1 2>/dev/null || sleep 1
  n=$((n + 1))
done
for g in $groups; do kill -KILL "-$g" 2>/dev/null; done
`;

interface Watchdog {
  child: ChildProcess;
  /** The open file that lists the groups, and how long its longest content was. */
  fd: number;
  length: number;
}

/** The groups the server has running: written whole to each new watchdog's file. */
const watched = new Set<number>();
let watchdog: Watchdog | undefined;
let unavailable = process.platform === 'win32';

function start(): Watchdog | undefined {
  if (unavailable) return undefined;
  try {
    const file = join(makeTempDir('watchdog'), 'groups');
    const fd = openSync(file, 'w', 0o600);
    const child = spawn('/bin/sh', ['-c', SCRIPT, 'tensorpool-mcp-watchdog', file], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
      windowsHide: true,
    });
    const started: Watchdog = { child, fd, length: 0 };
    let closed = false;
    const gone = () => {
      if (watchdog === started) watchdog = undefined;
      if (!closed) closeSync(fd);
      closed = true;
    };
    child.once('error', () => {
      unavailable = true;
      gone();
    });
    // a watchdog that died early (someone killed it) is replaced at the next tp start
    child.once('exit', gone);
    child.stdin!.on('error', () => {});
    // neither the watchdog nor its pipe keeps the server running
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    return started;
  } catch {
    unavailable = true;
    return undefined;
  }
}

/** Rewrites the list in place; what a shorter list leaves of the longer one becomes blank lines. */
function record(): void {
  watchdog ??= start();
  if (!watchdog) return;
  const list = watched.size > 0 ? `${[...watched].join('\n')}\n` : '';
  const text = list.padEnd(watchdog.length, '\n');
  try {
    writeSync(watchdog.fd, text, 0);
    watchdog.length = text.length;
  } catch {
    // a full or vanished temp directory: the exit hook and an orderly shutdown still stop tp
  }
}

/** The watchdog ends this process group if the server dies while it runs. */
export function watchGroup(pgid: number): void {
  watched.add(pgid);
  record();
}

/** The group has ended: the watchdog forgets it (its id may be reused by an unrelated process). */
export function unwatchGroup(pgid: number): void {
  if (watched.delete(pgid) && watchdog) record();
}
