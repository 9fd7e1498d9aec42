import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { onShutdown } from '../../src/shutdown.js';

function setUp() {
  const signals = new EventEmitter();
  const exits: number[] = [];
  const logged: string[] = [];
  let finish!: () => void;
  const stopped = new Promise<void>((resolve) => (finish = resolve));
  let stops = 0;
  const shutdown = onShutdown({
    logger: { info: (message) => logged.push(message), error: () => {} },
    stop: () => {
      stops++;
      return [stopped];
    },
    signals: { on: (signal, listener) => signals.on(signal, listener) },
    exit: (code) => exits.push(code),
  });
  return { signals, exits, logged, finish, stops: () => stops, shutdown };
}

describe('the one shutdown path', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'])('%s stops the transport and tp once, then exits 0', async (signal) => {
    const s = setUp();
    s.signals.emit(signal);
    expect(s.logged).toEqual([`shutting down (${signal})`]);
    expect(s.exits).toEqual([]);
    s.finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(s.stops()).toBe(1);
    expect(s.exits).toEqual([0]);
  });

  it('a stdio client going away takes the same path', async () => {
    const s = setUp();
    s.shutdown('stdin closed');
    s.shutdown('stdout closed');
    expect(s.stops()).toBe(1);
    expect(s.logged).toEqual(['shutting down (stdin closed)']);
    s.finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(s.exits).toEqual([0]);
  });

  it('a second signal while stopping exits at once with 1', () => {
    const s = setUp();
    s.shutdown('stdin closed');
    s.signals.emit('SIGTERM');
    expect(s.exits).toEqual([1]);
    expect(s.stops()).toBe(1);
  });
});
