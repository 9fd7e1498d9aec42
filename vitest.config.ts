import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // hang guards, not time limits: tests wait for events, and a loaded machine is slow
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // the suite starts many real processes; two cores are all CI has
    maxWorkers: 2,
    // A worker keeps its imported modules from one file to the next: importing the SDK, zod and src/ again for
    // each of ~100 files cost more CPU than many of the tests. Files share no state through modules (every test
    // builds its own server, runner and workspace), and vi.stubEnv is undone after each test.
    isolate: false,
    unstubEnvs: true,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      // the view runs in a browser and is bundled apart (its own tsconfig)
      exclude: ['src/app/view/**'],
      reporter: ['json-summary', 'html'],
      reportsDirectory: 'coverage',
    },
  },
});
