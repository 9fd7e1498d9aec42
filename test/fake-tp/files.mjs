// @ts-check
// Files a command reads, gathered before the log line is written so that the log can record them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pythonError } from './python.mjs';

/** @param {string} p */
const expandUser = (p) => (p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p);
/** @param {number} mode */
const octal = (mode) => (mode & 0o777).toString(8).padStart(3, '0');

/**
 * A public key file as tp read it: its content and the permissions of it and its directory.
 * @typedef {object} KeyFile
 * @property {string} path
 * @property {string} [mode]     e.g. '600'
 * @property {string} [dirMode]  e.g. '700'
 * @property {string} [content]
 * @property {string} [error]    Python's error text when it could not be read
 */

/**
 * `cluster create -i PATH` and `me sshkey add PATH`: `~` expanded, relative to the working directory.
 * @param {string} cwd
 * @param {string} given
 * @returns {KeyFile}
 */
export function readKeyFile(cwd, given) {
  const file = path.resolve(cwd, expandUser(given));
  try {
    const content = fs.readFileSync(file, 'utf8');
    return {
      path: file,
      mode: octal(fs.statSync(file).mode),
      dirMode: octal(fs.statSync(path.dirname(file)).mode),
      content,
    };
  } catch (e) {
    return { path: file, error: pythonError(e, expandUser(given)) };
  }
}

/**
 * The job config of `job push`: text null when the file is missing (tp reports that itself),
 * error for any other failure (tp crashes).
 * @typedef {object} JobConfig
 * @property {string} path
 * @property {string | null} text
 * @property {string | null} [error]
 */

/**
 * @param {string} cwd
 * @param {string} given
 * @returns {JobConfig}
 */
export function readConfig(cwd, given) {
  const file = path.resolve(cwd, given);
  try {
    return { path: file, text: fs.readFileSync(file, 'utf8') };
  } catch (e) {
    return {
      path: file,
      text: null,
      error: /** @type {NodeJS.ErrnoException} */ (e).code === 'ENOENT' ? null : pythonError(e, given),
    };
  }
}
