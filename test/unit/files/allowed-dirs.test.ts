import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { confinePath, resolveAllowedDirs } from '../../../src/files/allowed-dirs.js';

let root: string;
let project: string;
let secret: string;
beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'tpmcp-dirs-')));
  project = join(root, 'project');
  secret = join(root, 'secret');
  mkdirSync(join(project, 'sub'), { recursive: true });
  mkdirSync(secret);
  writeFileSync(join(project, 'job.tp.toml'), '');
  writeFileSync(join(secret, 'id_rsa'), '');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('resolveAllowedDirs', () => {
  it('uses --allow-dir entries as real paths and rejects missing ones', () => {
    symlinkSync(project, join(root, 'link'));
    expect(resolveAllowedDirs({ allowDirs: [join(root, 'link')], cwd: '/', home: '/root' }).allowedDirs).toEqual([
      project,
    ]);
    expect(() => resolveAllowedDirs({ allowDirs: [join(root, 'nope')], cwd: '/', home: '/root' })).toThrow(
      /no such directory/,
    );
  });

  it('falls back to the launch directory, but never to / or the home directory', () => {
    expect(resolveAllowedDirs({ allowDirs: [], cwd: project, home: root }).allowedDirs).toEqual([project]);
    // root is the home directory here, and its parent an ancestor of it (like /home)
    for (const cwd of ['/', root, join(root, '..')]) {
      const resolved = resolveAllowedDirs({ allowDirs: [], cwd, home: root });
      expect(resolved.allowedDirs).toEqual([]);
      expect(resolved.allowedDirsProblem).toMatch(/--allow-dir/);
    }
  });
});

describe('confinePath', () => {
  const settings = () => ({ allowedDirs: [project] });

  it('accepts paths inside, absolute or relative to the first allowed directory', () => {
    expect(confinePath('workdir', join(project, 'sub'), settings(), 'directory')).toBe(join(project, 'sub'));
    expect(confinePath('workdir', 'sub', settings(), 'directory')).toBe(join(project, 'sub'));
    expect(confinePath('config_path', 'job.tp.toml', settings(), 'file')).toBe(join(project, 'job.tp.toml'));
  });

  it('refuses .. and symlinks that lead outside', () => {
    expect(() => confinePath('workdir', join(project, '..', 'secret'), settings(), 'directory')).toThrow(
      /workdir: .* is outside the allowed directories/,
    );
    symlinkSync(secret, join(project, 'escape'));
    expect(() => confinePath('workdir', join(project, 'escape'), settings(), 'directory')).toThrow(
      /outside the allowed/,
    );
    expect(() => confinePath('config_path', 'escape/id_rsa', settings(), 'file')).toThrow(/outside the allowed/);
  });

  it('refuses a sibling that only shares the prefix', () => {
    mkdirSync(`${project}2`);
    expect(() => confinePath('workdir', `${project}2`, settings(), 'directory')).toThrow(/outside the allowed/);
  });

  it('says what is wrong with missing paths, kinds, and an empty allow list', () => {
    expect(() => confinePath('workdir', 'missing', settings(), 'directory')).toThrow(/does not exist/);
    expect(() => confinePath('workdir', 'job.tp.toml', settings(), 'directory')).toThrow(/not a directory/);
    expect(() => confinePath('config_path', 'sub', settings(), 'file')).toThrow(/is a directory/);
    expect(() =>
      confinePath('workdir', project, { allowedDirs: [], allowedDirsProblem: 'use --allow-dir' }, 'directory'),
    ).toThrow(/use --allow-dir/);
  });
});
