// @ts-check
// Every environment variable that steers the fake, read in one place. A test sets them through
// FakeTpWorkspace.env() (test/helpers/fake-tp.ts); the real tp would ignore them all.

/**
 * @typedef {object} Knobs
 * @property {string} generation     FAKE_TP_GENERATION: 0.0.6 | 0.0.7 | 0.0.8 | 0.0.9 (default 0.0.9)
 * @property {string | undefined} versionString  FAKE_TP_VERSION_STRING: what --version prints instead of the generation
 * (e.g. "unknown")
 * @property {string | undefined} log            FAKE_TP_LOG=<file>: one JSON line per invocation (log.mjs)
 * @property {string | undefined} healthMessage  FAKE_TP_HEALTH_MESSAGE: an extra line after "* Authenticating..." (the
 * engine's notice)
 * @property {boolean} rejectKey                 FAKE_TP_REJECT_KEY=1: the health check rejects the key ("Invalid API
 * key", exit 1)
 * @property {string[] | undefined} validKeys     FAKE_TP_VALID_KEYS=a,b: the health check rejects every other key the
 * same way
 * @property {string | undefined} validKeysFile  FAKE_TP_VALID_KEYS_FILE=<file>: as FAKE_TP_VALID_KEYS, one key a line,
 * read at each
 *                                               run, so a test can revoke a key while the server runs (validKeys then)
 * @property {boolean} fail                      FAKE_TP_FAIL=1: "Error: simulated failure from the engine", exit
 * `exitCode`
 * @property {number} exitCode                   FAKE_TP_EXIT_CODE (default 1)
 * @property {string | undefined} stderr         FAKE_TP_STDERR=text: also written to stderr
 * @property {boolean} echoKey                   FAKE_TP_ECHO_KEY=1: the key and argv on stdout, the key on stderr
 * @property {boolean} echoKeyEncoded            FAKE_TP_ECHO_KEY_ENCODED=1: the key base64-, base64url-, hex- and
 * URL-encoded (and in Basic auth headers) on stdout and stderr
 * @property {boolean} grandchild                FAKE_TP_GRANDCHILD=1: a long-lived child in tp's process group holding
 * stdout and stderr open
 * @property {string | undefined} pidFile        FAKE_TP_PIDFILE=<file>: {"tp": pid, "grandchild": pid}, written once
 * the grandchild is up
 * @property {boolean} ignoreSigterm             FAKE_TP_IGNORE_SIGTERM=1: tp (and the grandchild) ignore SIGTERM
 * @property {string | undefined} sigtermFile    FAKE_TP_SIGTERM_FILE=<file>: each SIGTERM so ignored appends the pid's
 * line
 * @property {number} progressLines              FAKE_TP_PROGRESS_LINES=N: print "progress line 1" … "progress line N"
 * at once
 * @property {string | undefined} readyFile      FAKE_TP_READY_FILE=<file>: created once those lines (and the
 * grandchild) are out
 * @property {string | undefined} releaseFile    FAKE_TP_RELEASE_FILE=<file>: after the ready file, wait until this file
 * exists
 * @property {number} delayMs                    FAKE_TP_DELAY_MS=N: then sleep N ms before the command's output
 * @property {number} linesEveryMs               FAKE_TP_LINES_EVERY_MS=M: during that sleep, "progress line K" every M
 * ms
 * @property {number} outputBytes                FAKE_TP_OUTPUT_BYTES=N: N bytes of filler ("x" * 99 + "\n" lines)
 * before the output
 * @property {string | undefined} exitSignal     FAKE_TP_EXIT_SIGNAL=SIG: after the output, tp kills itself with SIG
 * @property {string[] | undefined} pullFiles    FAKE_TP_PULL_FILES=<JSON array>: the paths of the engine's download_map
 * for
 * `job pull` (default: outputs/<job id>-result.txt), written as tp does, unchecked
 * @property {string} tableLayout              FAKE_TP_TABLE_LAYOUT: box (default) | plain | ascii, how list tables are
 * drawn
 * @property {string | undefined} jobState       FAKE_TP_JOB_STATE: running | completed | failed, how `job listen` ends
 *                                               (running: it never does); default: failed for j-fake2, else completed
 * @property {number | undefined} jobLines       FAKE_TP_JOB_LINES=N: the epoch lines `job listen` prints first (default
 * 2)
 * @property {string | undefined} clusterState   FAKE_TP_CLUSTER_STATE=PROVISIONING: `job push` refuses, the cluster
 * must be RUNNING
 * @property {string | undefined} volumeState    FAKE_TP_VOLUME_STATE=CREATING: `cluster attach` refuses, the volume
 * must be READY
 * @property {string | undefined} pullCommand    FAKE_TP_PULL_COMMAND=<shell command>: the `command` the engine sends
 * with
 * `job pull`, run through a shell in the working directory before the downloads
 *
 * Tests wait on events, never on time: READY_FILE says "tp has printed this much and is still
 * running", RELEASE_FILE holds tp there until the test has seen what it wanted. DELAY_MS is for a tp
 * that runs until it is killed, not for ordering.
 */

/**
 * @param {NodeJS.ProcessEnv} env
 * @returns {Knobs}
 */
export function readKnobs(env) {
  /** @param {string} name @param {number} fallback */
  const int = (name, fallback) => (/^\d+$/.test(env[name] ?? '') ? Number(env[name]) : fallback);
  /** @param {string} name */
  const on = (name) => env[name] === '1';
  return Object.freeze({
    generation: env.FAKE_TP_GENERATION || '0.0.9',
    versionString: env.FAKE_TP_VERSION_STRING,
    log: env.FAKE_TP_LOG,
    healthMessage: env.FAKE_TP_HEALTH_MESSAGE,
    rejectKey: on('FAKE_TP_REJECT_KEY'),
    validKeys: env.FAKE_TP_VALID_KEYS === undefined ? undefined : env.FAKE_TP_VALID_KEYS.split(','),
    validKeysFile: env.FAKE_TP_VALID_KEYS_FILE,
    fail: on('FAKE_TP_FAIL'),
    exitCode: int('FAKE_TP_EXIT_CODE', 1),
    stderr: env.FAKE_TP_STDERR,
    echoKey: on('FAKE_TP_ECHO_KEY'),
    echoKeyEncoded: on('FAKE_TP_ECHO_KEY_ENCODED'),
    grandchild: on('FAKE_TP_GRANDCHILD'),
    pidFile: env.FAKE_TP_PIDFILE,
    ignoreSigterm: on('FAKE_TP_IGNORE_SIGTERM'),
    sigtermFile: env.FAKE_TP_SIGTERM_FILE,
    progressLines: int('FAKE_TP_PROGRESS_LINES', 0),
    readyFile: env.FAKE_TP_READY_FILE,
    releaseFile: env.FAKE_TP_RELEASE_FILE,
    delayMs: int('FAKE_TP_DELAY_MS', 0),
    linesEveryMs: int('FAKE_TP_LINES_EVERY_MS', 0),
    outputBytes: int('FAKE_TP_OUTPUT_BYTES', 0),
    exitSignal: env.FAKE_TP_EXIT_SIGNAL,
    pullFiles: env.FAKE_TP_PULL_FILES === undefined ? undefined : JSON.parse(env.FAKE_TP_PULL_FILES),
    pullCommand: env.FAKE_TP_PULL_COMMAND,
    tableLayout: env.FAKE_TP_TABLE_LAYOUT || 'box',
    clusterState: env.FAKE_TP_CLUSTER_STATE || undefined,
    volumeState: env.FAKE_TP_VOLUME_STATE || undefined,
    jobState: env.FAKE_TP_JOB_STATE || undefined,
    jobLines: /^\d+$/.test(env.FAKE_TP_JOB_LINES ?? '') ? Number(env.FAKE_TP_JOB_LINES) : undefined,
  });
}
