import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/config/config.js';
import type { Operation } from '../../../src/operations/operation.js';
import { reportProgress, type ProgressParams } from '../../../src/operations/progress.js';
import { OperationStore } from '../../../src/operations/store.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const HEARTBEAT_MS = 10_000;

let clock: FakeClock;
let store: OperationStore;
let operation: Operation;
let sent: ProgressParams[];
let stop: () => void;

beforeEach(() => {
  clock = new FakeClock();
  store = new OperationStore({
    ttlMs: DEFAULT_CONFIG.operationTtlMs,
    maxOutputBytes: DEFAULT_CONFIG.maxOutputBytes,
    clock,
  });
  operation = store.start('job_listen', 'job_id=j-1');
  sent = [];
  stop = reportProgress(operation, 'token-1', async (params) => void sent.push(params), HEARTBEAT_MS, clock);
});
afterEach(async () => {
  stop();
  operation.finish({ content: [] });
  await store.dispose();
});

const print = (text: string) => operation.observer.output!(text, 'stdout');
const messages = () => sent.map((params) => params.message);

describe('reportProgress', () => {
  it('sends a line at once, whole even when it arrives in pieces, and skips blank lines', () => {
    print('* Authenti');
    expect(messages()).toEqual([]);
    print('cating...\r');
    print('\n   \n\n');
    expect(messages()).toEqual(['* Authenticating...']);
    expect(sent[0]).toMatchObject({ progressToken: 'token-1', progress: 1 });
  });

  it('folds lines that come faster than 20 a second into one message naming how many it stands for', () => {
    print('line 1\nline 2\nline 3\n');
    expect(messages()).toEqual(['line 1']);
    print('line 4\n\nline 5\r\nline 6 (unfinished');
    clock.advance(49);
    expect(messages()).toEqual(['line 1']);
    clock.advance(1);
    expect(messages()).toEqual(['line 1', 'line 5 (+3 more lines)']);
    print(')\n');
    expect(messages()).toEqual(['line 1', 'line 5 (+3 more lines)']);
    clock.advance(50);
    expect(messages()).toEqual(['line 1', 'line 5 (+3 more lines)', 'line 6 (unfinished)']);
  });

  it('turns a flood of output into a handful of messages, the latest line in each', () => {
    const chunk = `${Array.from({ length: 5000 }, (_, i) => `progress line ${i}`).join('\n')}\n`;
    for (let i = 0; i < 20; i++) {
      print(chunk);
      clock.advance(10);
    }
    clock.advance(50);
    // 200 ms of output: the first line, then one message per 50 ms, each standing for every line since
    expect(messages()).toHaveLength(5);
    expect(messages()[0]).toBe('progress line 0');
    const folded = messages()
      .slice(1)
      .map((message) => /^progress line 4999 \(\+(\d+) more lines\)$/.exec(message));
    expect(folded.every(Boolean)).toBe(true);
    expect(folded.reduce((lines, match) => lines + 1 + Number(match![1]), 1)).toBe(100_000);
  });

  it('cuts a message to 1000 characters and a line without end to its last 1000', () => {
    print(`${'a'.repeat(3000)}\n`);
    expect(messages()[0]).toBe('a'.repeat(1000));
    clock.advance(50);
    print('x'.repeat(3000));
    print('y'.repeat(2000));
    print('\n');
    expect(messages()[1]).toBe('y'.repeat(1000));
  });

  it('heartbeats after heartbeatMs of silence, and output puts the next one off', () => {
    clock.advance(HEARTBEAT_MS - 1);
    expect(messages()).toEqual([]);
    clock.advance(1);
    expect(messages()).toEqual([expect.stringMatching(/^still running \(10 s, no new output\)$/)]);
    clock.advance(HEARTBEAT_MS / 2);
    print('tick\n');
    clock.advance(HEARTBEAT_MS - 1);
    expect(messages()).toHaveLength(2);
    clock.advance(1);
    expect(messages()).toEqual([
      expect.stringMatching(/^still running/),
      'tick',
      'still running (25 s, no new output)',
    ]);
  });

  it('reports the queue position at once, and progress only goes up', () => {
    print('first\n');
    operation.observer.queued!(2);
    operation.observer.queued!(1);
    print('second\n');
    clock.advance(50);
    expect(messages()).toEqual([
      'first',
      'waiting for a free tp slot: position 2 in the queue',
      'waiting for a free tp slot: position 1 in the queue',
      'second',
    ]);
    expect(sent.map((params) => params.progress)).toEqual([1, 2, 3, 4]);
  });

  it('when stopped, sends the line it held and nothing after', () => {
    print('one\ntwo\nthree\n');
    stop();
    expect(messages()).toEqual(['one', 'three (+1 more lines)']);
    print('four\n');
    clock.advance(HEARTBEAT_MS * 3);
    expect(messages()).toEqual(['one', 'three (+1 more lines)']);
    expect(clock.pendingTimers).toBe(0);
  });
});
