import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Starts DynamoDB Local and fauxqs once per run; each test file gets its own tables.
    globalSetup: ['test/global-setup.ts'],
    // A hang guard, not a speed limit: a shared 2-core machine can be three times slower.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Handler logs at INFO would bury the test report; tests that read logs raise the level.
    env: { POWERTOOLS_LOG_LEVEL: 'WARN', POWERTOOLS_METRICS_DISABLED: 'true' },
    // Two cores: more workers only fight over DynamoDB Local.
    maxWorkers: 2,
  },
});
