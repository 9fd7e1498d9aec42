import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
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

/** Writes `content` as `dir/filename`; refuses to replace a file unless asked, and never follows a symlink. */
export async function writeConfigFile(dir: string, filename: string, content: string, overwrite: boolean): Promise<string> {
  const path = join(dir, filename);
  // O_NONBLOCK: opening a FIFO for writing would otherwise block a libuv thread for good
  const flags =
    constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK | (overwrite ? 0 : constants.O_EXCL);
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
