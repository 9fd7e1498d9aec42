// @ts-check
// The part of a run that ends before any key lookup: parse argv, and answer help, version and usage
// errors the way argparse does. main.mjs prints what this returns; fake-tp.test.ts checks the whole
// usage reference through it in-process, and a sample of it through the real process.
import {
  HelpRequest,
  UsageError,
  VersionRequest,
  buildParser,
  formatHelp,
  formatUsage,
  parseArgs,
} from './argparse.mjs';
import { commandTable } from './commands.mjs';

/** @typedef {import('./argparse.mjs').Parsed} Parsed */
/** @typedef {import('./commands.mjs').Generation} Generation */

/**
 * What tp answers before running anything: the exit code and text of help, version or a usage error
 * with what the log records of it, or the parsed command line of a command to run.
 * @typedef {{ parsed: Parsed } | { exit: number, stdout: string, stderr: string, log: Record<string, unknown> }} Front
 */

/**
 * @param {Generation} gen
 * @param {string[]} argv   what follows `tp`
 * @param {number} columns  argparse's width
 * @param {string} [versionString]  what --version prints instead of the generation
 * @returns {Front}
 */
export function front(gen, argv, columns, versionString) {
  const top = buildParser(commandTable(gen), 'tp', 'command');
  try {
    return { parsed: parseArgs(top, argv) };
  } catch (e) {
    if (e instanceof HelpRequest) {
      const command = e.parser.prog.replace(/^tp ?/, '');
      return { exit: 0, stdout: formatHelp(e.parser, columns), stderr: '', log: { help: true, command } };
    }
    if (e instanceof VersionRequest)
      return { exit: 0, stdout: `${versionString ?? gen}\n`, stderr: '', log: { version: true } };
    if (e instanceof UsageError) {
      const stderr = `${formatUsage(e.parser, columns)}${e.parser.prog}: error: ${e.message}\n`;
      return { exit: 2, stdout: '', stderr, log: { usageError: true, error: e.message } };
    }
    throw e;
  }
}
