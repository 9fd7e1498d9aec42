import { mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutputSpool, SpoolSpace, type SpoolLimits } from '../../../src/operations/output-spool.js';
import { UnreadOutput } from '../../../src/operations/unread-output.js';

let dir: string;
let spools: OutputSpool[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tpmcp-spool-'));
  spools = [];
});
afterEach(() => {
  for (const spool of spools) spool.remove();
  rmSync(dir, { recursive: true, force: true });
});

function spoolIn(name: string, limits: SpoolLimits): { spool: OutputSpool; path: string } {
  const path = join(dir, `${name}.log`);
  const spool = new OutputSpool(() => ({ fd: openSync(path, 'w', 0o600), path }), limits);
  spools.push(spool);
  return { spool, path };
}

/** Every page from the start, following `next`, joined. */
async function allPages(spool: OutputSpool, pageBytes: number): Promise<string> {
  let text = '';
  for (let offset = 0, guard = 0; offset < spool.size; guard++) {
    if (guard > 10_000) throw new Error('pages never reach the end');
    const page = await spool.page(offset, pageBytes);
    text += page.text;
    offset = page.next;
  }
  return text;
}

/** Numbered lines, so a piece of the output says where it came from. */
const numbered = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `line ${String(from + i).padStart(6, '0')}\n`).join('');

describe('OutputSpool past its file limit', () => {
  it(
    'keeps the head and the tail on a file that never grows past the limit, and marks the cut with the bytes ' +
      'left out',
    async () => {
      const { spool, path } = spoolIn('big', { memoryBytes: 1024, fileBytes: 8192 });
      const output = numbered(0, 5000); // 60,000 bytes
      for (let i = 0; i < output.length; i += 777) spool.append(output.slice(i, i + 777));

      expect(statSync(path).size).toBe(8192);
      expect(spool.size).toBe(Buffer.byteLength(output));
      expect(spool.cutBytes).toBe(Buffer.byteLength(output) - 8192);

      const first = await spool.page(0, 1024 * 1024);
      expect(first.text).toBe(output.slice(0, 4096));
      expect(first.next).toBe(4096);
      const second = await spool.page(first.next, 1024 * 1024);
      expect(second.text).toBe(
        `[... ${spool.cutBytes} bytes of output cut by tensorpool-mcp ...]\n${output.slice(-4096)}`,
      );
      expect(second.next).toBe(spool.size);
    },
  );

  it('reads the same head and tail through small pages, characters whole, wherever the ring wrapped', async () => {
    const { spool, path } = spoolIn('wrapped', { memoryBytes: 100, fileBytes: 3001 });
    const output = Array.from({ length: 3000 }, (_, i) => `${i % 10 === 0 ? '€' : 'é'}${i}\n`).join('');
    const bytes = Buffer.from(output);
    // chunks of awkward sizes, so the ring wraps in the middle of them
    for (let i = 0, size = 1; i < output.length; i += size, size = ((size * 7) % 613) + 1)
      spool.append(output.slice(i, i + size));

    expect(statSync(path).size).toBeLessThanOrEqual(3001);
    const head = bytes
      .subarray(0, 1500)
      .toString('utf8')
      .replace(/\uFFFD$/, '');
    const tail = bytes
      .subarray(bytes.length - 1501)
      .toString('utf8')
      .replace(/^\uFFFD+/, '');
    const expected = `${head}[... ${spool.cutBytes} bytes of output cut by tensorpool-mcp ...]\n${tail}`;
    expect(await allPages(spool, 97)).toBe(expected);
    expect(await allPages(spool, 1024 * 1024)).toBe(expected);
  });

  it('gives operation_status the end of the output, never bytes from before the cut', () => {
    const { spool } = spoolIn('status', { memoryBytes: 100, fileBytes: 1000 });
    const unread = new UnreadOutput(spool, 4000);
    const output = numbered(0, 500);
    spool.append(output);
    const { text, droppedBytes } = unread.take();
    expect(text).toBe(output.slice(-500));
    expect(droppedBytes).toBe(Buffer.byteLength(output) - 500);
  });
});

describe('SpoolSpace', () => {
  it(
    'bounds the files of every spool together: a later file stops where the space ends, and a deleted one gives its ' +
      'room back',
    async () => {
      const space = new SpoolSpace(12_000);
      const first = spoolIn('first', { memoryBytes: 1024, fileBytes: 8000, space });
      const second = spoolIn('second', { memoryBytes: 1024, fileBytes: 8000, space });
      const output = numbered(0, 2000);
      first.spool.append(output);
      second.spool.append(output);
      expect(statSync(first.path).size).toBe(8000);
      expect(statSync(second.path).size).toBe(4000);
      expect(second.spool.cutBytes).toBe(Buffer.byteLength(output) - 4000);
      expect(await allPages(second.spool, 1024 * 1024)).toBe(
        `${output.slice(0, 2000)}[... ${second.spool.cutBytes} bytes of output cut by tensorpool-mcp ` +
          `...]\n${output.slice(-2000)}`,
      );
      expect(space.available).toBe(0);

      first.spool.remove();
      expect(space.available).toBe(8000);
      const third = spoolIn('third', { memoryBytes: 1024, fileBytes: 8000, space });
      third.spool.append(output);
      expect(statSync(third.path).size).toBe(8000);
    },
  );

  it('when the space is full, opens no file: keeps what memory held and says the rest could not be kept', async () => {
    const space = new SpoolSpace(1000);
    space.take(1000);
    const { spool, path } = spoolIn('none', { memoryBytes: 100, fileBytes: 8000, space });
    spool.append('a'.repeat(100));
    spool.append('b'.repeat(50));
    expect(() => statSync(path)).toThrow(/ENOENT/);
    expect((await spool.page(0, 1024)).text).toBe(
      `${'a'.repeat(100)}\n[... 50 bytes of output could not be kept: the spool space of the server (1000 bytes for ` +
        `all operations) is full ...]\n`,
    );
  });
});
