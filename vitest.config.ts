import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'kit/**/*.test.ts',
      'proto/**/*.test.ts',
      'broker/**/*.test.ts',
      'client/**/*.test.ts',
      'cli/**/*.test.ts',
      'bench/**/*.test.ts',
      'operator/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: integration tests start broker processes, so keep file-level parallelism modest.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
