import { existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/config/config.js';
import type { Operation } from '../../../src/operations/operation.js';
import { IN_MEMORY_OUTPUT_BYTES, OutputSpool } from '../../../src/operations/output-spool.js';
import { OperationStore } from '../../../src/operations/store.js';
import { UNREAD_LIMIT, UnreadOutput } from '../../../src/operations/unread-output.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const TTL_MS = 60_000;
const OK = { content: [{ type: 'text' as const, text: 'OK' }], structuredContent: { ok: true } };

let clock: FakeClock;
let store: OperationStore;
beforeEach(() => {
  clock = new FakeClock();
  store = new OperationStore({ ttlMs: TTL_MS, maxOutputBytes: DEFAULT_CONFIG.maxOutputBytes, maxFinished: 3, clock });
});
afterEach(async () => {
  await store.dispose();
});

/** An operation whose tp stops when it is cancelled, as the server's are. */
function begin(tool: string, args = ''): Operation {
  const operation = store.start(tool, args);
  operation.controller.signal.addEventListener('abort', () =>
    operation.finish({ content: [], structuredContent: { cancelled: true }, isError: true }),
  );
  return operation;
}
const print = (operation: Operation, text: string) => operation.observer.output!(text, 'stdout');
/** The operation's spool file, if it has one (other processes' stores come and go meanwhile). */
const spoolFiles = (operation: Operation) =>
  readdirSync(tmpdir())
    .filter((name) => name.startsWith('tensorpool-mcp-ops-'))
    .map((dir) => join(tmpdir(), dir, `${operation.id}.log`))
    .filter((path) => existsSync(path));

describe('Operation', () => {
  it('gets a short id that no other operation shares', () => {
    const ids = new Set(Array.from({ length: 200 }, () => begin('cluster_list', '').id));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^op_[0-9a-f]{12}$/);
  });

  it('measures its duration on the clock it was given', () => {
    const operation = begin('cluster_list', '');
    clock.advance(2500);
    expect(operation.durationMs).toBe(2500);
    operation.finish(OK);
    clock.advance(10_000);
    expect(operation.durationMs).toBe(2500);
    expect(operation.status).toBe('succeeded');
  });

  it('hands out output once, keeps only the last part of a flood, and counts the bytes it dropped', () => {
    const operation = begin('job_listen', '');
    print(operation, 'line 1\n');
    print(operation, 'line 2\n');
    expect(operation.takeUnread()).toEqual({ text: 'line 1\nline 2\n', droppedBytes: 0 });
    expect(operation.takeUnread()).toEqual({ text: '', droppedBytes: 0 });

    const chunk = `${'é'.repeat(1000)}\n`;
    const chunks = Math.ceil((UNREAD_LIMIT * 3) / chunk.length);
    for (let i = 0; i < chunks; i++) print(operation, chunk);
    const everything = chunk.repeat(chunks);
    const { text, droppedBytes } = operation.takeUnread();
    expect(text).toBe(everything.slice(-UNREAD_LIMIT));
    expect(droppedBytes).toBe(Buffer.byteLength(everything) - Buffer.byteLength(text));
    operation.finish(OK);
  });
});

describe('output resource', () => {
  it('serves small output from memory, with no file at all', async () => {
    const operation = begin('cluster_list', '');
    print(operation, '* Authenticating...\n');
    print(operation, 'c-1 running\n');
    operation.finish(OK);
    expect((await operation.readOutput(0, 1024 * 1024)).text).toBe('* Authenticating...\nc-1 running\n');
    expect(operation.outputBytes).toBe(32);
    expect(spoolFiles(operation)).toEqual([]);
  });

  it(
    'moves large output to a private file and still serves all of it, in pages that end on whole ' + 'characters',
    async () => {
      const operation = begin('cluster_list', '');
      const line = `${'é'.repeat(49)}\n`;
      const lines = Math.ceil((IN_MEMORY_OUTPUT_BYTES * 4) / Buffer.byteLength(line));
      for (let i = 0; i < lines; i++) print(operation, i === 0 ? `first ${line}` : line);
      expect(spoolFiles(operation)).toHaveLength(1);
      const whole = await operation.readOutput(0, 10 * 1024 * 1024);
      expect(whole.text).toBe(`first ${line}${line.repeat(lines - 1)}`);
      expect(whole).toMatchObject({ next: operation.outputBytes, size: operation.outputBytes, cutBytes: 0 });
      expect(operation.outputBytes).toBe(Buffer.byteLength(whole.text));

      // an odd page size lands inside a two-byte character: each page stops before it, the next starts with it
      const pages: string[] = [];
      for (let offset = 0; offset < operation.outputBytes; ) {
        const page = await operation.readOutput(offset, 1001);
        expect(Buffer.byteLength(page.text)).toBeLessThanOrEqual(1001);
        pages.push(page.text);
        offset = page.next;
      }
      expect(pages.join('')).toBe(whole.text);
      operation.finish(OK);
    },
  );

  it('re-creates the private directory when a temp cleaner removed it', async () => {
    const first = begin('job_listen', '');
    print(first, 'a'.repeat(IN_MEMORY_OUTPUT_BYTES + 1));
    const [file] = spoolFiles(first);
    first.finish(OK);
    rmSync(join(file!, '..'), { recursive: true, force: true });
    const second = begin('job_listen', '');
    print(second, 'b'.repeat(IN_MEMORY_OUTPUT_BYTES + 1));
    expect((await second.readOutput(0, IN_MEMORY_OUTPUT_BYTES * 2)).text).toBe('b'.repeat(IN_MEMORY_OUTPUT_BYTES + 1));
    second.finish(OK);
  });

  it('deletes the files when the session ends', async () => {
    const operation = begin('job_listen', '');
    print(operation, 'z'.repeat(IN_MEMORY_OUTPUT_BYTES * 2));
    const [file] = spoolFiles(operation);
    expect(existsSync(file!)).toBe(true);
    await store.dispose();
    expect(existsSync(file!)).toBe(false);
    expect(operation.status).toBe('cancelled');
  });
});

describe('OutputSpool', () => {
  it(
    'when no file can be written, keeps what fits in memory and says how much is missing, without ' + 'failing',
    async () => {
      const spool = new OutputSpool(
        () => {
          throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        },
        { memoryBytes: 10, fileBytes: DEFAULT_CONFIG.maxOutputBytes },
      );
      const unread = new UnreadOutput(spool);
      spool.append('0123456789');
      spool.append('abcdef');
      spool.append('ghij');
      expect((await spool.page(0, 1024)).text).toBe(
        '0123456789\n[... 10 bytes of output could not be kept: ENOSPC: no space left on device ...]\n',
      );
      expect(unread.take()).toEqual({ text: '0123456789', droppedBytes: 10 });
      expect(spool.size).toBe(20);
    },
  );
});

describe('OperationStore', () => {
  it(
    "deletes a finished operation's output once its TTL has passed, with no request to trigger it, on one timer " +
      'for all',
    () => {
      const early = begin('job_listen', '');
      print(early, 'e'.repeat(IN_MEMORY_OUTPUT_BYTES + 1));
      early.finish(OK);
      clock.advance(TTL_MS / 2);
      const late = begin('job_listen', '');
      print(late, 'l'.repeat(IN_MEMORY_OUTPUT_BYTES + 1));
      late.finish(OK);
      const running = begin('job_listen', '');
      const [earlyFile] = spoolFiles(early);
      const [lateFile] = spoolFiles(late);
      expect(clock.pendingTimers).toBe(1);

      clock.advance(TTL_MS / 2 + 1000);
      expect(existsSync(earlyFile!)).toBe(false);
      expect(existsSync(lateFile!)).toBe(true);
      clock.advance(TTL_MS / 2);
      expect(existsSync(lateFile!)).toBe(false);
      expect(clock.pendingTimers).toBe(0);
      expect(store.list()).toEqual([running]);
    },
  );

  it('keeps at most maxFinished finished operations, dropping the oldest first', () => {
    const operations = Array.from({ length: 5 }, (_, i) => begin('job_info', `job_id=j-${i}`));
    for (const operation of operations) operation.finish(OK);
    expect(store.list().map((operation) => operation.argsSummary)).toEqual(['job_id=j-2', 'job_id=j-3', 'job_id=j-4']);
  });

  it('cancels what still runs when the session ends, and starts nothing after', async () => {
    const running = begin('job_listen', '');
    await store.dispose();
    expect(running.status).toBe('cancelled');
    expect(() => store.start('cluster_list', '')).toThrow(/session has ended/);
  });
});
