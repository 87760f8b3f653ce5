import { defineConfig } from 'vitest/config';

// Integration tests spawn real servers and redis-server processes; on a busy 2-core
// machine too many at once starve each other and make timings flaky.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    maxWorkers: 2,
    fileParallelism: true,
    globalSetup: ['test/global-setup.ts'],
  },
});
