import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // hang guards, not time limits: tests wait for events, and a loaded machine is slow
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // the suite starts many real processes; two cores are all CI has
    maxWorkers: 2,
  },
});
