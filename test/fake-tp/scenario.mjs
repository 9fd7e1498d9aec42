// @ts-check
// What the knobs (knobs.mjs) make tp do between the health check and the command's own output:
// a grandchild, progress lines, the ready/release handshake, a delay, filler output.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { print, say, sleep } from './io.mjs';

/** @typedef {import('./knobs.mjs').Knobs} Knobs */

const GRANDCHILD_CODE = [
  'const sigtermFile = process.env.FAKE_TP_SIGTERM_FILE;',
  "const ignored = () => sigtermFile && require('fs').appendFileSync(sigtermFile, `${process.pid}\\n`);",
  "if (process.env.FAKE_TP_GRANDCHILD_IGNORE_SIGTERM === '1') process.on('SIGTERM', ignored);",
  'setInterval(() => {}, 1000);',
  // A safety net so a test that forgets to kill it does not leave it running for ever.
  'setTimeout(() => process.exit(0), Number(process.env.FAKE_TP_GRANDCHILD_LIFETIME_MS) || 120000);',
  // Ready (its SIGTERM handler is in place): tell tp on fd 3.
  "require('fs').writeSync(3, 'ready'); require('fs').closeSync(3);",
].join('\n');

/**
 * Writes a file in one step, so a test polling for it never reads half of it.
 * @param {string} file
 * @param {unknown} content
 */
function writeAtomically(file, content) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(content));
  fs.renameSync(tmp, file);
}

/**
 * Like a shell step of `job push`: a child in tp's process group that holds tp's stdout and stderr
 * open. Its pids go to the pid file once it is ready.
 * @param {Knobs} knobs
 */
async function startGrandchild(knobs) {
  const child = spawn(process.execPath, ['-e', GRANDCHILD_CODE], {
    stdio: ['ignore', 'inherit', 'inherit', 'pipe'],
    env: { ...process.env, FAKE_TP_GRANDCHILD_IGNORE_SIGTERM: knobs.ignoreSigterm ? '1' : '0' },
  });
  child.on('error', () => {});
  const ready = /** @type {import('node:stream').Readable} */ (child.stdio[3]);
  await new Promise((resolve) => {
    ready.once('data', resolve).once('close', resolve).once('error', resolve);
  });
  ready.destroy();
  child.unref();
  if (knobs.pidFile) writeAtomically(knobs.pidFile, { tp: process.pid, grandchild: child.pid });
}

/**
 * Resolves once `file` exists. Polling keeps the fake free of platform quirks of fs.watch; the
 * test, not a clock, decides when this ends.
 * @param {string} file
 */
async function waitForFile(file) {
  while (!fs.existsSync(file)) await sleep(10);
}

/**
 * "progress line K" every `every` ms for `ms` ms. The number of lines follows from the two numbers,
 * not from how fast the machine is.
 * @param {number} ms
 * @param {number} every
 */
async function delay(ms, every) {
  const start = Date.now();
  if (every > 0) {
    for (let k = 1; k * every <= ms; k++) {
      await sleep(start + k * every - Date.now());
      await say(`progress line ${k}`);
    }
  }
  await sleep(start + ms - Date.now());
}

/**
 * Exactly `bytes` bytes of 100-byte lines.
 * @param {number} bytes
 */
async function filler(bytes) {
  const line = `${'x'.repeat(99)}\n`;
  const chunk = line.repeat(655);
  let left = bytes;
  while (left >= chunk.length) {
    await print(chunk);
    left -= chunk.length;
  }
  const lines = Math.floor(left / 100);
  const rest = left % 100;
  await print(line.repeat(lines) + (rest ? `${'x'.repeat(rest - 1)}\n` : ''));
}

/**
 * Everything the knobs add before the command's own output, in a fixed order: grandchild,
 * progress lines, ready file, release wait, delay. Returns false when FAKE_TP_FAIL replaces the
 * command with a failure (already printed).
 * @param {Knobs} knobs
 */
export async function beforeCommand(knobs) {
  if (knobs.grandchild) await startGrandchild(knobs);
  for (let k = 1; k <= knobs.progressLines; k++) await say(`progress line ${k}`);
  if (knobs.readyFile) writeAtomically(knobs.readyFile, { tp: process.pid, lines: knobs.progressLines });
  if (knobs.releaseFile) await waitForFile(knobs.releaseFile);
  if (knobs.delayMs > 0) await delay(knobs.delayMs, knobs.linesEveryMs);
  if (knobs.fail) {
    await say('Error: simulated failure from the engine');
    return false;
  }
  if (knobs.outputBytes > 0) await filler(knobs.outputBytes);
  return true;
}

/**
 * FAKE_TP_EXIT_SIGNAL: tp dies of a signal after its output. An unknown name, or a signal that is
 * ignored, falls through to a normal exit.
 * @param {Knobs} knobs
 */
export async function dieBySignal(knobs) {
  if (!knobs.exitSignal) return;
  try {
    process.kill(process.pid, /** @type {NodeJS.Signals} */ (knobs.exitSignal));
  } catch {
    return;
  }
  await sleep(1000); // the signal is delivered asynchronously; give it the chance to end the process
}
