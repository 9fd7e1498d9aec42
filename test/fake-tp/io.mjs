// @ts-check
// Output and input the way the real CLI does them off a terminal (docs/tp-cli.md §5): every write
// waits for its callback, so the order holds and nothing is lost at exit; prompts read stdin line
// by line like Python's input().
import fs from 'node:fs';
import tty from 'node:tty';
import { Traceback } from './python.mjs';

for (const s of [process.stdout, process.stderr]) s.on('error', () => {});

/** @type {(stream: NodeJS.WriteStream, text: string) => Promise<void>} */
const write = (stream, text) =>
  new Promise((resolve) => {
    stream.write(text, () => resolve());
  });

/** @param {string} text */
export const print = (text) => write(process.stdout, text);
/** @param {string} text */
export const printErr = (text) => write(process.stderr, text);
/** Whole lines on stdout. @param {...string} lines */
export const say = (...lines) => print(lines.map((l) => `${l}\n`).join(''));
/** The spinner off a TTY: one line when it starts, nothing after. @param {string} text */
export const spin = (text) => say(`* ${text}`);
/** @param {number} ms */
export const sleep = (ms) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/** @typedef {'devnull' | 'pipe' | 'tty' | 'file' | 'closed'} StdinKind */

/**
 * What file descriptor 0 is: it decides whether prompts take their default, read, or hang.
 * @returns {StdinKind}
 */
export function stdinKind() {
  let st;
  try {
    st = fs.fstatSync(0);
  } catch {
    return 'closed';
  }
  if (tty.isatty(0)) return 'tty';
  try {
    const devNull = fs.statSync('/dev/null');
    if (st.dev === devNull.dev && st.ino === devNull.ino && st.rdev === devNull.rdev) return 'devnull';
  } catch {
    /* no /dev/null */
  }
  if (st.isFIFO() || st.isSocket()) return 'pipe';
  return 'file';
}

let stdinText = '';
let stdinEnded = false;
/** @type {(() => boolean)[] | null} */
let stdinWaiters = null;

/**
 * The next line of stdin without its newline; null at end of file.
 * @returns {Promise<string | null>}
 */
function readLine() {
  return new Promise((resolve) => {
    const attempt = () => {
      const nl = stdinText.indexOf('\n');
      if (nl < 0 && !stdinEnded) return false;
      const line = nl >= 0 ? stdinText.slice(0, nl) : stdinText;
      stdinText = nl >= 0 ? stdinText.slice(nl + 1) : '';
      resolve(nl < 0 && line === '' ? null : line.replace(/\r$/, ''));
      return true;
    };
    if (attempt()) return;
    if (!stdinWaiters) {
      /** @type {(() => boolean)[]} */
      const waiters = [];
      stdinWaiters = waiters;
      const wake = () => {
        while (waiters[0]?.()) waiters.shift();
      };
      process.stdin.setEncoding('utf8');
      process.stdin.on('data', (chunk) => {
        stdinText += chunk;
        wake();
      });
      process.stdin.on('end', () => {
        stdinEnded = true;
        wake();
      });
      process.stdin.on('error', () => {
        stdinEnded = true;
        wake();
      });
    }
    stdinWaiters.push(attempt);
  });
}

/**
 * Python's input(): the prompt without a newline, then a line; null at EOF. Off a TTY nothing
 * echoes the answer, so the fake ends the prompt's line itself.
 * @param {StdinKind} stdin
 * @param {string} prompt
 */
export async function ask(stdin, prompt) {
  if (stdin === 'closed') throw new Traceback('OSError: [Errno 9] Bad file descriptor');
  await print(prompt);
  const line = await readLine();
  if (stdin !== 'tty') await print('\n');
  return line;
}

/** @param {string | null} answer */
export const isYes = (answer) => answer !== null && ['y', 'yes'].includes(answer.trim().toLowerCase());
