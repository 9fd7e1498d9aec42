import { constants } from 'node:fs';
import { copyFile, link, lstat, mkdir, readdir, realpath, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDirAsync, removeTempDirAsync } from '../temp-dirs.js';
import { isInside } from './allowed-dirs.js';

/** What became of the files a pull downloaded; paths as the download named them, relative to the work directory. */
export interface PullReport {
  /** Moved into the work directory. */
  moved: string[];
  /** Already in the work directory, and kept (without force). */
  kept: string[];
  /** Not moved, and why. */
  skipped: { path: string; reason: string }[];
}

/** Where tp runs inside the private directory: a '..' one level up still lands in it, where it is seen and left. */
const DOWNLOAD = 'download';

/**
 * `tp job pull` writes every path the engine names relative to its working directory, unchecked, and
 * runs the engine's command there (docs/tp-cli.md): into a work directory that holds a symlink, a
 * download lands wherever the link points. So tp runs in a private temporary directory instead, and
 * only regular files whose real destination stays inside `workdir` are moved over; symlinks and
 * paths that climbed out with '..' are reported and left behind. `run` gets the directory to run tp in;
 * nothing is moved unless it says tp finished on its own (a stopped download may be half a file).
 */
export async function pullThroughPrivateDir<T>(
  workdir: string,
  force: boolean,
  run: (cwd: string) => Promise<T>,
  finished: (result: T) => boolean,
): Promise<{ result: T; report: PullReport | undefined }> {
  const privateDir = await makeTempDirAsync('pull');
  try {
    const download = join(privateDir, DOWNLOAD);
    await mkdir(download, { mode: 0o700 });
    const result = await run(download);
    if (!finished(result)) return { result, report: undefined };
    const report: PullReport = { moved: [], kept: [], skipped: [] };
    const target = await realpath(workdir);
    await walk(download, '', async (from, path) => place(from, path, target, force, report), report);
    // anything beside the download directory got there through a '..' in its path
    for (const entry of await readdir(privateDir, { withFileTypes: true })) {
      if (entry.name === DOWNLOAD) continue;
      await walk(
        join(privateDir, entry.name),
        `../${entry.name}`,
        async (_from, path) => {
          report.skipped.push({ path, reason: "its path leads out of the work directory ('..')" });
        },
        report,
      );
    }
    return { result, report };
  } finally {
    await removeTempDirAsync(privateDir);
  }
}

/** Calls `file` for each regular file at or under `from`, reporting links and other kinds as skipped. */
async function walk(
  from: string,
  path: string,
  file: (from: string, path: string) => Promise<void>,
  report: PullReport,
): Promise<void> {
  const info = await lstat(from);
  if (info.isSymbolicLink()) {
    report.skipped.push({ path, reason: 'a symbolic link; links in a download are never followed or moved' });
  } else if (info.isFile()) {
    await file(from, path);
  } else if (info.isDirectory()) {
    for (const entry of await readdir(from))
      await walk(join(from, entry), path === '' ? entry : `${path}/${entry}`, file, report);
  } else {
    report.skipped.push({ path, reason: 'not a regular file' });
  }
}

/** Moves one downloaded file to `path` under `workdir` (a real path), unless the way there leaves it. */
async function place(from: string, path: string, workdir: string, force: boolean, report: PullReport): Promise<void> {
  const parts = path.split('/');
  const name = parts.pop()!;
  let dir = workdir;
  for (const [index, part] of parts.entries()) {
    const entered = await enterDirectory(join(dir, part), workdir);
    if ('problem' in entered) {
      report.skipped.push({
        path,
        reason: `${parts.slice(0, index + 1).join('/')} in the work directory ${entered.problem}`,
      });
      return;
    }
    dir = entered.dir;
  }
  const to = join(dir, name);
  const existing = await lstat(to).catch(() => undefined);
  if (existing) {
    if (existing.isSymbolicLink())
      return void report.skipped.push({
        path,
        reason: 'a symbolic link in the work directory has that name; not replaced',
      });
    if (!existing.isFile())
      return void report.skipped.push({
        path,
        reason: 'something other than a file in the work directory has that name',
      });
    if (!force) return void report.kept.push(path);
    await replaceFile(from, to);
  } else if (!(await addFile(from, to))) {
    return void report.kept.push(path);
  }
  report.moved.push(path);
}

/**
 * The real path of directory `path`, created when missing, or why the way stops there. Checked one
 * level at a time, so nothing is ever created through a link that leads out of `workdir`.
 */
async function enterDirectory(path: string, workdir: string): Promise<{ dir: string } | { problem: string }> {
  const info = await lstat(path).catch(() => undefined);
  if (!info) {
    await mkdir(path);
    return { dir: path };
  }
  if (info.isDirectory()) return { dir: path };
  if (!info.isSymbolicLink()) return { problem: 'is not a directory' };
  const real = await realpath(path).catch(() => undefined);
  if (real === undefined || !isInside(real, workdir)) return { problem: 'is a symbolic link that leads out of it' };
  return (await stat(real)).isDirectory() ? { dir: real } : { problem: 'is not a directory' };
}

/** Adds `to` without replacing anything that appeared there meanwhile; false when something did. */
async function addFile(from: string, to: string): Promise<boolean> {
  try {
    // a hard link fails when `to` exists, link or not, where a rename would replace it
    await link(from, to);
    await unlink(from);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
  }
  // another file system (or one without hard links): a copy that also refuses to replace
  try {
    await copyFile(from, to, constants.COPYFILE_EXCL);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Replaces the regular file `to`: a rename swaps the directory entry and never writes through a link. */
async function replaceFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await unlink(to);
    await copyFile(from, to, constants.COPYFILE_EXCL);
  }
}
