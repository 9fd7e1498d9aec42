// @ts-check
// The key lookup (docs/tp-cli.md §3) and the questions tp asks (§4), per generation.
import fs from 'node:fs';
import path from 'node:path';
import { ask, isYes, say } from './io.mjs';
import { Traceback } from './python.mjs';

/**
 * One invocation of the fake, once its arguments are parsed.
 * @typedef {object} Session
 * @property {import('./commands.mjs').Generation} gen
 * @property {string} cwd
 * @property {import('./io.mjs').StdinKind} stdin
 * @property {boolean} noInput  the effective --no-input, after each generation's rules
 */

/**
 * A destructive step's confirmation. 0.0.6: the engine asks over the WebSocket unless it was sent
 * no_input=true, and the CLI reads stdin whatever it is. 0.0.7/0.0.8: the CLI asks, and off a TTY
 * takes the default (no). 0.0.9: the CLI always reads stdin, so an open pipe hangs.
 * @param {Session} session
 * @param {string} question  ends in `[y/N]:`
 * @param {string} cancelled  what tp prints when the answer is no
 */
export async function confirm(session, question, cancelled) {
  if (session.noInput) return true;
  if (session.gen === '0.0.6') {
    const answer = await ask(session.stdin, `${question} `);
    if (answer === null) await say('Unexpected error: EOF when reading a line');
    else if (!isYes(answer)) await say(cancelled);
    return isYes(answer);
  }
  if (session.gen !== '0.0.9' && session.stdin !== 'tty') {
    await say(`${question}: n (non-interactive, using default)`, cancelled);
    return false;
  }
  const answer = await ask(session.stdin, `${question} `);
  if (!isYes(answer)) await say(cancelled);
  return isYes(answer);
}

/**
 * Only 0.0.6 lets the engine ask before creates and attaches; later generations never confirm them.
 * @param {Session} session
 * @param {string} question
 * @param {string} cancelled
 */
export const engineConfirm = (session, question, cancelled) =>
  session.gen === '0.0.6' ? confirm(session, question, cancelled) : Promise.resolve(true);

/**
 * The key from ./.env: the first line that starts with TENSORPOOL_KEY (a prefix match, as in the CLI).
 * @param {string} cwd
 * @returns {string | null}
 */
function keyFromDotEnv(cwd) {
  const file = path.join(cwd, '.env');
  if (!fs.existsSync(file)) return null;
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const { code, message } = /** @type {NodeJS.ErrnoException} */ (e);
    throw new Traceback(
      `${code === 'EACCES' ? 'PermissionError: [Errno 13] Permission denied' : `OSError: ${message}`}: '.env'`,
    );
  }
  const line = text.split('\n').find((l) => l.startsWith('TENSORPOOL_KEY'));
  if (line === undefined) return null;
  if (!line.includes('=')) throw new Traceback('IndexError: list index out of range');
  const value = line
    .slice(line.indexOf('=') + 1)
    .trim()
    .replace(/^"+|"+$/g, '')
    .replace(/^'+|'+$/g, '');
  return value || null;
}

/**
 * The key from the environment or ./.env; without one, the questions tp asks, which off a TTY
 * always end in a failure. Returns null after printing why there is no key.
 * @param {Session} session
 * @param {string | undefined} fromEnvironment  TENSORPOOL_KEY
 * @returns {Promise<string | null>}
 */
export async function obtainKey(session, fromEnvironment) {
  const key = fromEnvironment || keyFromDotEnv(session.cwd);
  if (key) return key;
  await say('TENSORPOOL_KEY environment variable not found.');
  const addPrompt = 'Would you like to add it to .env? [Y/n]';
  if (session.noInput) {
    await say(`${addPrompt}: y`, 'Error: Enter your TensorPool API key required but --no-input flag was used');
    return null;
  }
  let answer = 'y';
  if (session.stdin === 'tty' || session.gen === '0.0.9') answer = (await ask(session.stdin, `${addPrompt} `)) ?? 'y';
  else await say(`${addPrompt}: y (non-interactive, using default)`);
  if (['n', 'no'].includes(answer.trim().toLowerCase())) {
    await say('Please set TENSORPOOL_KEY environment variable before proceeding.');
    return null;
  }
  if (session.stdin !== 'tty') {
    await say('Error: Enter your TensorPool API key required but running in non-interactive mode');
    return null;
  }
  const typed = await ask(session.stdin, 'Enter your TensorPool API key: ');
  if (typed === null) {
    await say('Error: Enter your TensorPool API key required but stdin closed');
    return null;
  }
  if (!typed.trim()) {
    await say('API key cannot be empty', 'Failed to set API key');
    return null;
  }
  fs.appendFileSync(path.join(session.cwd, '.env'), `TENSORPOOL_KEY=${typed.trim()}\n`);
  return typed.trim();
}
