import { defineConfig } from 'vitest/config';

// One vitest run for the whole monorepo. Packages with pure logic run as-is;
// the database-backed projects share one Postgres started by the global setup
// (embedded unless TEST_DATABASE_URL) and each test file clones a template database.
export default defineConfig({
  test: {
    globalSetup: ['packages/db/src/testing/global-setup.ts'],
    projects: [
      { test: { name: 'flow', root: 'packages/flow', include: ['src/**/*.test.ts'] } },
      { test: { name: 'channels', root: 'packages/channels', include: ['src/**/*.test.ts'] } },
      { test: { name: 'egress', root: 'packages/egress', include: ['src/**/*.test.ts'] } },
      { test: { name: 'widget', root: 'apps/widget', include: ['src/**/*.test.ts'] } },
      {
        test: {
          name: 'db',
          root: 'packages/db',
          include: ['src/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'server',
          root: 'apps/server',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          // The slow soak runs with `npm run test:faults` (vitest.faults.config.ts).
          exclude: ['test/faults/**', '**/node_modules/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          root: 'e2e',
          include: ['**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
