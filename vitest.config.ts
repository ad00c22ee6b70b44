import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Three layers (CONTRIBUTING.md): `npm run test:unit`, `test:integration`, `test:infra`;
// `npm test` runs them all, the fast layers first.
const allCores = availableParallelism();

export default defineConfig({
  test: {
    // Handler logs at INFO would bury the test report; tests that read logs raise the level.
    env: { POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' },
    // A hang guard, not a speed limit: the property tests and the CDK synths take a few
    // seconds on an idle machine and several times that on a busy one.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Pure code and in-memory stores: no emulator, no built CLI, so no global setup.
          include: ['test/unit/**/*.test.ts'],
          pool: 'threads',
          maxWorkers: allCores,
          // Projects with different worker counts run one group after the other.
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          // The CDK app's templates, synthesized in memory.
          include: ['test/infra/**/*.test.ts'],
          pool: 'forks',
          maxWorkers: allCores,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // Builds the CLI, then starts DynamoDB Local and fauxqs once; each test file gets its own tables.
          globalSetup: ['test/global-setup.ts'],
          // A hang guard, not a speed limit, for every test and hook: with CPU hogs and other
          // suites beside it on 2 cores, a test that takes 30 s on an idle machine took over 180 s.
          testTimeout: 600_000,
          hookTimeout: 600_000,
          pool: 'forks',
          // More workers only fight over DynamoDB Local (2 cores here).
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
