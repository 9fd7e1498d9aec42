import { constants, readFileSync } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'smol-toml';
import { ToolError } from '../errors.js';

export interface JobConfig {
  commands: string[];
  outputs: string[];
  ignore: string[];
  /** tp 0.0.6 takes the hardware from the config. */
  instance_type?: string;
}

/**
 * The TOML `tp job push` uploads. Written by a TOML library, not by string templates, so quotes,
 * backslashes, newlines and unicode in commands survive; parsed back to prove it.
 */
export function renderJobConfig(config: JobConfig): string {
  const document = {
    ...(config.instance_type === undefined ? {} : { instance_type: config.instance_type }),
    commands: config.commands,
    outputs: config.outputs,
    ignore: config.ignore,
  };
  const text = `${stringify(document)}\n`;
  // the parser returns null-prototype objects, so compare the data, not the objects
  if (JSON.stringify(parse(text)) !== JSON.stringify(document)) {
    throw new Error('job config did not survive a TOML round trip');
  }
  return text;
}

/**
 * A job config file's TOML data; an unreadable or invalid file is refused, naming `field`, the argument it came from.
 */
export function readJobConfigFile(field: string, path: string): Record<string, unknown> {
  try {
    return parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ToolError(
      `${field}: ${path} is not a valid TOML job config ` +
        `(${error instanceof Error ? error.message.split('\n')[0] : String(error)}).`,
    );
  }
}

/** The config's `ignore` entries; a missing or malformed list ignores nothing. */
export function ignoreEntries(config: Record<string, unknown>): string[] {
  return Array.isArray(config.ignore)
    ? config.ignore.filter((entry): entry is string => typeof entry === 'string')
    : [];
}

/**
 * Refuses an `outputs` or `ignore` entry that names a place outside the work directory: tp downloads
 * outputs to the paths as given, unchecked, so `../../etc/passwd` or `/etc/passwd` would be written there.
 */
export function refuseEscapingEntries(field: string, entries: readonly string[]): void {
  for (const entry of entries) {
    const problem = escapeProblem(entry);
    if (problem) {
      throw new ToolError(
        `${field}: ${JSON.stringify(entry)} ${problem}; entries must be relative to workdir without '..' segments ` +
          `(e.g. "checkpoints/"). Nothing was written.`,
      );
    }
  }
}

function escapeProblem(entry: string): string | undefined {
  // a backslash separates on Windows, and a drive letter makes a path absolute there
  if (/^[\\/]/.test(entry) || /^[A-Za-z]:/.test(entry)) return 'is an absolute path';
  if (entry.startsWith('~')) return "starts with '~' (a home directory)";
  if (entry.split(/[\\/]/).includes('..')) return "has a '..' segment, which leads out of the work directory";
  return undefined;
}

/**
 * What writeConfigFile would refuse, checked without writing: a dry run must refuse what a real call
 * refuses, not report that it "would write" a file it would not. Resolves with the path.
 */
export async function checkConfigWritable(dir: string, filename: string, overwrite: boolean): Promise<string> {
  const path = join(dir, filename);
  let info;
  try {
    info = await lstat(path);
  } catch {
    return path; // nothing there: a real call would create it
  }
  if (info.isSymbolicLink()) throw new ToolError(`${path} is a symbolic link; refusing to write through it.`);
  if (!overwrite) throw new ToolError(`${path} already exists; pass overwrite=true to replace it.`);
  if (!info.isFile()) throw new ToolError(`${path} is not a regular file; refusing to write to it.`);
  return path;
}

/** Writes `content` as `dir/filename`; refuses to replace a file unless asked, and never follows a symlink. */
export async function writeConfigFile(
  dir: string,
  filename: string,
  content: string,
  overwrite: boolean,
): Promise<string> {
  const path = join(dir, filename);
  // O_NONBLOCK: opening a FIFO for writing would otherwise block a libuv thread for good
  const flags =
    constants.O_WRONLY |
    constants.O_CREAT |
    constants.O_NOFOLLOW |
    constants.O_NONBLOCK |
    (overwrite ? 0 : constants.O_EXCL);
  let handle;
  try {
    handle = await open(path, flags, 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new ToolError(`${path} already exists; pass overwrite=true to replace it.`);
    if (code === 'ELOOP') throw new ToolError(`${path} is a symbolic link; refusing to write through it.`);
    if (code === 'ENXIO') throw new ToolError(`${path} is not a regular file; refusing to write to it.`);
    throw new ToolError(`Cannot write ${path}: ${code ?? String(error)}`);
  }
  try {
    if (!(await handle.stat()).isFile()) throw new ToolError(`${path} is not a regular file; refusing to write to it.`);
    await handle.truncate(0);
    await handle.writeFile(content, 'utf8');
  } finally {
    await handle.close();
  }
  return path;
}
