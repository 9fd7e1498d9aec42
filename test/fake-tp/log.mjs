// @ts-check
// The call log (FAKE_TP_LOG) that tests read to see exactly how the server ran tp.
import fs from 'node:fs';

/** The variables recorded when set; nothing else from the environment is written down. */
const LOGGED_ENV = [
  'TENSORPOOL_KEY',
  'TENSORPOOL_API_KEY',
  'TENSORPOOL_ENGINE',
  'PYTHONUNBUFFERED',
  'TQDM_DISABLE',
  'COLUMNS',
];

/**
 * Appends one JSON line per invocation: argv, cwd, pid, env (the variables above that are set), envNames (every
 * variable's name),
 * stdin (devnull | pipe | tty | file | closed), generation; then, as relevant, command, options,
 * help, version, usageError + error, keyFile {path, mode, dirMode, content | error}, config (the
 * file's text, null when missing) + configPath. test/helpers/fake-tp.ts reads it as FakeTpCall.
 * @param {string | undefined} file
 * @param {{ stdin: string, generation: string }} invocation
 * @param {Record<string, unknown>} fields
 */
export function writeLog(file, invocation, fields) {
  if (!file) return;
  const env = process.env;
  const record = {
    argv: process.argv.slice(2),
    cwd: process.cwd(),
    pid: process.pid,
    env: Object.fromEntries(LOGGED_ENV.filter((k) => k in env).map((k) => [k, env[k]])),
    // names only: which variables reached tp, without writing anyone's values down
    envNames: Object.keys(env).sort(),
    ...invocation,
    ...fields,
  };
  fs.appendFileSync(file, `${JSON.stringify(record)}\n`);
}
