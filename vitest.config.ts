import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

// Two projects: fast unit/integration tests, and the browser end-to-end suite (needs `npm run build`).
export default defineConfig({
  test: {
    // The JSON report lets CI print one plain "N passed, N failed" line at the end.
    reporters: ['default', ['json', { outputFile: 'artifacts/test-results.json' }]],
    projects: [
      {
        plugins: [vue()],
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/e2e/**', 'node_modules/**'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 600_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
