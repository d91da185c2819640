import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: more workers than that only adds contention (PGlite and tfjs are CPU-bound).
    pool: 'forks',
    maxWorkers: 2,
  },
});
