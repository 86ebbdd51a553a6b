import { defineConfig } from 'vitest/config';

// The slow soak (`npm run test:faults`): scale-out, kill -9 and Postgres outages with real
// child processes. Same global setup as `npm test` (one Postgres per run, a template database);
// files run one at a time because each starts several server processes on a 2-core machine.
export default defineConfig({
  test: {
    globalSetup: ['packages/db/src/testing/global-setup.ts'],
    projects: [
      {
        test: {
          name: 'faults',
          root: 'apps/server',
          include: ['test/faults/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
