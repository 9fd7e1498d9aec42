import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A tiny shell process, one per server, that ends tp's process groups when the server dies by a
 * signal nobody can catch (SIGKILL, the OOM killer). The server tells it each group as it starts
 * (`+PGID`) and ends (`-PGID`) over a pipe; when the pipe closes, the server is gone, and the
 * watchdog sends SIGTERM to every group still listed, SIGKILL to what is left about 2 s later, and
 * exits. An orderly exit closes the pipe too, with nothing left to list.
 *
 * The pipe is close-on-exec, so tp never holds its write end open. The watchdog leads its own
 * process group, so a signal to the server's group (a terminal's Ctrl-C) does not take it along.
 * POSIX only: Windows has no process groups to signal.
 */
const SCRIPT = `
groups=" "
while IFS= read -r line; do
  case "$line" in
    +*) groups="$groups\${line#+} " ;;
    -*) id="\${line#-}"; case "$groups" in *" $id "*) groups="\${groups%% $id *} \${groups#* $id }" ;; esac ;;
  esac
done
[ -z "\${groups# }" ] && exit 0
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

let watchdog: ChildProcess | undefined;
let unavailable = process.platform === 'win32';

function start(): ChildProcess | undefined {
  if (unavailable) return undefined;
  try {
    const child = spawn('/bin/sh', ['-c', SCRIPT], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
      windowsHide: true,
    });
    child.on('error', () => {
      unavailable = true;
      watchdog = undefined;
    });
    // a watchdog that died early (someone killed it) is replaced at the next tp start
    child.on('exit', () => {
      if (watchdog === child) watchdog = undefined;
    });
    child.stdin!.on('error', () => {});
    // neither the watchdog nor its pipe keeps the server running
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    return child;
  } catch {
    unavailable = true;
    return undefined;
  }
}

function tell(line: string): void {
  watchdog ??= start();
  if (watchdog?.stdin?.writable) watchdog.stdin.write(`${line}\n`);
}

/** The watchdog ends this process group if the server dies while it runs. */
export function watchGroup(pgid: number): void {
  tell(`+${pgid}`);
}

/** The group has ended: the watchdog forgets it (its id may be reused by an unrelated process). */
export function unwatchGroup(pgid: number): void {
  if (watchdog) tell(`-${pgid}`);
}
