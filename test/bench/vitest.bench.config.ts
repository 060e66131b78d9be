import { defineConfig } from 'vitest/config';

// Benchmarks, apart from `npm test` (vitest.config.ts includes only *.test.ts): `npm run bench:roll`.
export default defineConfig({
  test: {
    include: ['test/bench/**/*.bench.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 3_600_000,
    hookTimeout: 600_000,
    maxWorkers: 1,
    fileParallelism: false,
  },
});
