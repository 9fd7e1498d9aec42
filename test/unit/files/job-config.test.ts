import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'smol-toml';
import { refuseEscapingEntries, renderJobConfig, writeConfigFile } from '../../../src/files/job-config.js';

describe('renderJobConfig', () => {
  it('keeps quotes, backslashes, newlines and unicode intact', () => {
    const config = {
      commands: [
        'echo "hi" \'there\'',
        'python -c "print(\\"x\\")"',
        'printf "a\\nb"\nsecond line',
        'echo 🚀 ünïcödé',
        'C:\\path\\to',
      ],
      outputs: ['checkpoints/', '*.log'],
      ignore: ['.venv', 'data/"raw"'],
    };
    const text = renderJobConfig(config);
    expect(parse(text)).toEqual(config);
  });

  it('writes empty lists explicitly', () => {
    expect(parse(renderJobConfig({ commands: ['true'], outputs: [], ignore: [] }))).toEqual({
      commands: ['true'],
      outputs: [],
      ignore: [],
    });
  });
});

describe('writeConfigFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tpmcp-cfg-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to replace an existing file unless overwrite is set', async () => {
    writeFileSync(join(dir, 'job.tp.toml'), 'old');
    await expect(writeConfigFile(dir, 'job.tp.toml', 'new', false)).rejects.toThrow(
      /already exists; pass overwrite=true/,
    );
    expect(readFileSync(join(dir, 'job.tp.toml'), 'utf8')).toBe('old');
    await writeConfigFile(dir, 'job.tp.toml', 'new', true);
    expect(readFileSync(join(dir, 'job.tp.toml'), 'utf8')).toBe('new');
  });

  it('refuses a FIFO instead of blocking on it', async () => {
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [join(dir, 'job.tp.toml')]);
    await expect(writeConfigFile(dir, 'job.tp.toml', 'x', true)).rejects.toThrow(/not a regular file/);
  });

  it('never writes through a symlink', async () => {
    const outside = join(dir, 'outside.txt');
    writeFileSync(outside, 'precious');
    symlinkSync(outside, join(dir, 'job.tp.toml'));
    await expect(writeConfigFile(dir, 'job.tp.toml', 'evil', true)).rejects.toThrow(/symbolic link/);
    expect(readFileSync(outside, 'utf8')).toBe('precious');
    expect(lstatSync(join(dir, 'job.tp.toml')).isSymbolicLink()).toBe(true);
  });
});

describe('refuseEscapingEntries', () => {
  it.each([
    ['../../etc/passwd', /has a '\.\.' segment/],
    ['out/../../x', /has a '\.\.' segment/],
    ['..', /has a '\.\.' segment/],
    ['..\\up', /has a '\.\.' segment/],
    ['/etc/passwd', /is an absolute path/],
    ['\\\\server\\share', /is an absolute path/],
    ['C:\\Users', /is an absolute path/],
    ['~/.ssh', /starts with '~'/],
  ])('refuses %j, naming the field and the entry', (entry, problem) => {
    expect(() => refuseEscapingEntries('outputs', ['ckpt/', entry])).toThrow(problem);
    expect(() => refuseEscapingEntries('outputs', [entry])).toThrow(`outputs: ${JSON.stringify(entry)} `);
  });

  it('accepts relative paths, globs and names that merely contain dots', () => {
    expect(() => refuseEscapingEntries('ignore', ['ckpt/', '*.log', './out', 'a..b', '.venv', '...'])).not.toThrow();
  });
});
