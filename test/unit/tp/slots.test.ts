import { describe, expect, it } from 'vitest';
import { Slots } from '../../../src/tp/slots.js';

/** A caller of `slots` in `lane` that records when it got its slot, and keeps it until told. */
function caller(
  slots: Slots,
  lane: object,
  name: string,
  log: string[],
  options: { signal?: AbortSignal; positions?: number[] } = {},
) {
  let release: (() => void) | undefined;
  const positions = options.positions;
  const granted = slots
    .acquire(lane, options.signal, positions && { queued: (position) => positions.push(position) })
    .then((done) => {
      log.push(name);
      release = done;
    });
  return { granted, release: () => release!() };
}

/** Lets every already-resolved promise run its callbacks. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('Slots', () => {
  it(
    "takes turns across sessions: a session with many waiting cannot put another session's one call behind all of " +
      'them',
    async () => {
      const slots = new Slots(1);
      const [a, b, c] = [{}, {}, {}];
      const log: string[] = [];
      const callers = new Map<string, ReturnType<typeof caller>>();
      const arrive = (lane: object, name: string) => callers.set(name, caller(slots, lane, name, log));
      arrive(a, 'a1');
      for (const name of ['a2', 'a3', 'a4', 'a5']) arrive(a, name);
      arrive(b, 'b1');
      arrive(c, 'c1');
      arrive(b, 'b2');
      expect(slots.waiting).toBe(7);
      // each holder gives its slot back only once it has it: the order of grants is the queue's alone
      for (let i = 0; i < callers.size; i++) {
        await settle();
        expect(log).toHaveLength(i + 1);
        callers.get(log[i]!)!.release();
      }
      // a was served first, so b and c go before a's second; then turns go round
      expect(log).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'a3', 'a4', 'a5']);
    },
  );

  it('tells each waiter its place as it changes, counted in turn order', async () => {
    const slots = new Slots(1);
    const [a, b] = [{}, {}];
    const log: string[] = [];
    const positions = { a2: [] as number[], a3: [] as number[], b1: [] as number[] };
    const first = caller(slots, a, 'a1', log);
    caller(slots, a, 'a2', log, { positions: positions.a2 });
    caller(slots, a, 'a3', log, { positions: positions.a3 });
    expect(positions).toEqual({ a2: [1], a3: [2], b1: [] });
    caller(slots, b, 'b1', log, { positions: positions.b1 });
    // b has not been served yet: it goes first, and a's waiters move back
    expect(positions).toEqual({ a2: [1, 2], a3: [2, 3], b1: [1] });
    await first.granted;
    first.release();
    await settle();
    expect(log).toEqual(['a1', 'b1']);
    expect(positions).toEqual({ a2: [1, 2, 1], a3: [2, 3, 2], b1: [1] });
  });

  it('refuses a call over the per-session cap at once, without touching other sessions', async () => {
    const slots = new Slots(1, {
      maxWaitingPerLane: 2,
      fullMessage: (waiting) => `too many calls waiting: ${waiting}`,
    });
    const [a, b] = [{}, {}];
    const log: string[] = [];
    caller(slots, a, 'a1', log);
    caller(slots, a, 'a2', log);
    caller(slots, a, 'a3', log);
    await expect(slots.acquire(a)).rejects.toThrow('too many calls waiting: 2');
    expect(slots.waiting).toBe(2);
    caller(slots, b, 'b1', log);
    expect(slots.waiting).toBe(3);
  });

  it('lets a waiter leave by aborting: it is told so, never gets a slot, and the others move up', async () => {
    const slots = new Slots(1, { cancelledMessage: 'cancelled while waiting' });
    const [a, b] = [{}, {}];
    const log: string[] = [];
    const controller = new AbortController();
    const first = caller(slots, a, 'a1', log);
    const bPositions: number[] = [];
    const leaving = slots.acquire(a, controller.signal);
    caller(slots, b, 'b1', log, { positions: bPositions });
    expect(bPositions).toEqual([1]);
    controller.abort();
    await expect(leaving).rejects.toThrow('cancelled while waiting');
    expect(slots.waiting).toBe(1);
    await first.granted;
    first.release();
    await settle();
    expect(log).toEqual(['a1', 'b1']);
  });

  it('turns every waiter away at shutdown, whatever its session', async () => {
    const slots = new Slots(1);
    const log: string[] = [];
    caller(slots, {}, 'running', log);
    const waiting = [slots.acquire({}), slots.acquire({}), slots.acquire()];
    slots.rejectAll(new Error('shutting down'));
    for (const promise of waiting) await expect(promise).rejects.toThrow('shutting down');
    expect(slots.waiting).toBe(0);
  });

  it('hands out free slots at once, without queueing, up to its limit', async () => {
    const slots = new Slots(2);
    const releases = await Promise.all([slots.acquire({}), slots.acquire({})]);
    expect(slots.waiting).toBe(0);
    const third = slots.acquire({});
    expect(slots.waiting).toBe(1);
    releases[0]!();
    await third;
    expect(slots.waiting).toBe(0);
  });
});
