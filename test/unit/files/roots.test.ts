import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveAllowedDirs } from '../../../src/files/allowed-dirs.js';
import { narrowToRoots, rootsToDirs } from '../../../src/files/roots.js';

let base: string;
let project: string;
let other: string;
beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'tpmcp-roots-')));
  project = join(base, 'home', 'me', 'project');
  other = join(base, 'home', 'me', 'other');
  mkdirSync(join(project, 'sub'), { recursive: true });
  mkdirSync(other, { recursive: true });
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

const operator = (...dirs: string[]) => ({ allowedDirs: dirs });

describe('narrowToRoots: roots narrow the allowed directories, never widen them', () => {
  it('a root inside an allowed directory narrows it to the root', () => {
    expect(narrowToRoots(operator(project), [join(project, 'sub')]).allowedDirs).toEqual([join(project, 'sub')]);
  });

  it('an allowed directory inside a root stays as it is: / and the home directory add nothing', () => {
    for (const root of ['/', join(base, 'home', 'me'), project]) {
      expect(narrowToRoots(operator(project), [root]).allowedDirs).toEqual([project]);
    }
  });

  it('a root beside every allowed directory adds nothing; the others still narrow', () => {
    expect(narrowToRoots(operator(project), [other, join(project, 'sub')]).allowedDirs).toEqual([join(project, 'sub')]);
    expect(narrowToRoots(operator(project, other), [join(project, 'sub')]).allowedDirs).toEqual([join(project, 'sub')]);
  });

  it("keeps the roots' order, so relative paths start from the client's first root", () => {
    mkdirSync(join(other, 'a'));
    expect(narrowToRoots(operator(project, other), [join(other, 'a'), join(project, 'sub')]).allowedDirs).toEqual([
      join(other, 'a'),
      join(project, 'sub'),
    ]);
  });

  it('is the intersection of the two sets: a directory inside another of the result adds nothing', () => {
    // the roots include / here, so all of project stays allowed, sub included
    expect(narrowToRoots(operator(project), [join(project, 'sub'), '/']).allowedDirs).toEqual([project]);
  });

  it("with no usable root, the operator's rule stands", () => {
    const allowed = operator(project);
    expect(narrowToRoots(allowed, [])).toBe(allowed);
  });

  it('an empty intersection allows nothing and says why, naming the roots and the allowed directories', () => {
    const narrowed = narrowToRoots(operator(project), [other]);
    expect(narrowed.allowedDirs).toEqual([]);
    expect(narrowed.allowedDirsProblem).toContain(`your client's roots (${other})`);
    expect(narrowed.allowedDirsProblem).toContain(`(${project})`);
    expect(narrowed.allowedDirsProblem).toMatch(/only narrow .*--allow-dir/);
  });

  it('roots cannot stand in for a launch directory that is too broad (/, home or above)', () => {
    const home = join(base, 'home', 'me');
    for (const cwd of ['/', home, join(base, 'home')]) {
      const launch = resolveAllowedDirs({ allowDirs: [], cwd, home });
      const narrowed = narrowToRoots(launch, [project]);
      expect(narrowed.allowedDirs).toEqual([]);
      expect(narrowed.allowedDirsProblem).toMatch(/too broad to allow by default/);
    }
    // a launch directory that may be allowed is what roots narrow
    expect(
      narrowToRoots(resolveAllowedDirs({ allowDirs: [], cwd: project, home }), [join(project, 'sub')]).allowedDirs,
    ).toEqual([join(project, 'sub')]);
  });
});

describe('rootsToDirs', () => {
  it('keeps local, existing directories as real paths; skips other schemes, missing paths and files', () => {
    symlinkSync(project, join(base, 'link'));
    const uris = [
      pathToFileURL(join(base, 'link')).href,
      'https://example.com/x',
      pathToFileURL(join(base, 'missing')).href,
    ];
    expect(rootsToDirs(uris.map((uri) => ({ uri })))).toEqual([project]);
  });
});
