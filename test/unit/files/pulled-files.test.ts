import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pullThroughPrivateDir } from '../../../src/files/pulled-files.js';

let workdir: string;
let outside: string;
beforeEach(() => {
  workdir = realpathSync(mkdtempSync(join(tmpdir(), 'tpmcp-pull-work-')));
  outside = realpathSync(mkdtempSync(join(tmpdir(), 'tpmcp-pull-outside-')));
});
afterEach(() => {
  rmSync(workdir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

/** What tp would leave in its working directory: files (content by relative path, '..' allowed) and symlinks. */
function download(files: Record<string, string>, links: Record<string, string> = {}) {
  return async (cwd: string) => {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(cwd, path)), { recursive: true });
      writeFileSync(join(cwd, path), content);
    }
    for (const [path, target] of Object.entries(links)) {
      mkdirSync(dirname(join(cwd, path)), { recursive: true });
      symlinkSync(target, join(cwd, path));
    }
    return cwd;
  };
}
const always = () => true;

describe('pullThroughPrivateDir', () => {
  it(
    'runs in a private directory outside the work directory, moves regular files in, and removes the private ' +
      'directory',
    async () => {
      const { result: cwd, report } = await pullThroughPrivateDir(
        workdir,
        false,
        download({ 'a.txt': 'A', 'deep/er/b.bin': 'B' }),
        always,
      );
      expect(cwd.startsWith(workdir)).toBe(false);
      expect(existsSync(dirname(cwd))).toBe(false);
      expect(report).toEqual({ moved: ['a.txt', 'deep/er/b.bin'], kept: [], skipped: [] });
      expect(readFileSync(join(workdir, 'deep/er/b.bin'), 'utf8')).toBe('B');
    },
  );

  it('leaves symlinks of the download, and files that climbed out with .., behind', async () => {
    const { report } = await pullThroughPrivateDir(
      workdir,
      false,
      download(
        { 'ok.txt': 'ok', '../up.txt': 'up', '../side/deep.txt': 'deep' },
        { key: join(outside, 'secret'), dir: outside },
      ),
      always,
    );
    expect(report!.moved).toEqual(['ok.txt']);
    expect(report!.skipped).toEqual(
      expect.arrayContaining([
        { path: 'key', reason: expect.stringMatching(/symbolic link/) },
        { path: 'dir', reason: expect.stringMatching(/symbolic link/) },
        { path: '../up.txt', reason: expect.stringMatching(/'\.\.'/) },
        { path: '../side/deep.txt', reason: expect.stringMatching(/'\.\.'/) },
      ]),
    );
    expect(readdirSync(workdir)).toEqual(['ok.txt']);
  });

  it(
    'never creates or writes through a symlink of the work directory that leads out; one that stays inside is ' +
      'fine',
    async () => {
      symlinkSync(outside, join(workdir, 'out'));
      mkdirSync(join(workdir, 'real'));
      symlinkSync(join(workdir, 'real'), join(workdir, 'in'));
      writeFileSync(join(workdir, 'plain'), '');
      const { report } = await pullThroughPrivateDir(
        workdir,
        true,
        download({ 'out/x.txt': 'x', 'out/new/y.txt': 'y', 'in/z.txt': 'z', 'plain/w.txt': 'w' }),
        always,
      );
      expect(readdirSync(outside)).toEqual([]);
      expect(readFileSync(join(workdir, 'real', 'z.txt'), 'utf8')).toBe('z');
      expect(report!.moved).toEqual(['in/z.txt']);
      expect(report!.skipped).toEqual(
        expect.arrayContaining([
          { path: 'out/x.txt', reason: 'out in the work directory is a symbolic link that leads out of it' },
          { path: 'out/new/y.txt', reason: 'out in the work directory is a symbolic link that leads out of it' },
          { path: 'plain/w.txt', reason: 'plain in the work directory is not a directory' },
        ]),
      );
    },
  );

  it('keeps existing files without force, replaces regular files with it, and never replaces a symlink', async () => {
    writeFileSync(join(workdir, 'a.txt'), 'mine');
    writeFileSync(join(outside, 'target'), 'theirs');
    symlinkSync(join(outside, 'target'), join(workdir, 'b.txt'));
    const kept = await pullThroughPrivateDir(workdir, false, download({ 'a.txt': 'new', 'b.txt': 'new' }), always);
    expect(kept.report).toMatchObject({ moved: [], kept: ['a.txt'] });
    expect(readFileSync(join(workdir, 'a.txt'), 'utf8')).toBe('mine');
    const forced = await pullThroughPrivateDir(workdir, true, download({ 'a.txt': 'new', 'b.txt': 'new' }), always);
    expect(forced.report).toMatchObject({
      moved: ['a.txt'],
      skipped: [{ path: 'b.txt', reason: expect.stringMatching(/symbolic link/) }],
    });
    expect(readFileSync(join(workdir, 'a.txt'), 'utf8')).toBe('new');
    expect(readFileSync(join(outside, 'target'), 'utf8')).toBe('theirs');
  });

  it('moves nothing when tp did not finish, and removes the private directory even when the run throws', async () => {
    const stopped = await pullThroughPrivateDir(workdir, false, download({ 'half.bin': 'ha' }), () => false);
    expect(stopped.report).toBeUndefined();
    expect(readdirSync(workdir)).toEqual([]);
    expect(existsSync(dirname(stopped.result))).toBe(false);
    let privateDir = '';
    await expect(
      pullThroughPrivateDir(
        workdir,
        false,
        async (cwd) => {
          privateDir = dirname(cwd);
          throw new Error('spawn failed');
        },
        always,
      ),
    ).rejects.toThrow('spawn failed');
    expect(existsSync(privateDir)).toBe(false);
  });
});
