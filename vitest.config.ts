import { defineConfig } from 'vitest/config';

// One run, five projects: unit (pure functions), integration (the real server
// on port 0 with a real SQLite file, real protocol clients), durability (the
// server as a child process, killed and restarted), e2e (real Chromium),
// services (real PostgreSQL and Redis).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'durability',
          include: ['tests/durability/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/globalSetup.ts'],
          testTimeout: 90_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        // Real PostgreSQL and Redis (Debian's packages), started once for the
        // run by the global setup; their URLs come by inject('postgresUrl'),
        // inject('redisUrl'). One file at a time: its tests start servers and
        // services of their own, and the machine has two cores.
        test: {
          name: 'services',
          include: ['tests/services/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/services/globalSetup.ts'],
          testTimeout: 90_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
