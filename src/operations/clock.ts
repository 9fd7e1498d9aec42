/** A pending callback; clearing it after it ran does nothing. */
export interface Timer {
  clear(): void;
  /** Lets the process exit while the timer waits (a cleanup timer, not work someone waits for). */
  unref(): void;
}

/** Time as the operations see it: the system's by default, a hand-driven one in tests. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(callback: () => void, ms: number): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const timer = setTimeout(callback, ms);
    return { clear: () => clearTimeout(timer), unref: () => void timer.unref() };
  },
};
