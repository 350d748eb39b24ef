import { defineConfig } from 'vitest/config';
import { PARALLEL_INTEGRATION_FILES } from './scripts/integration-lanes.ts';

// Two projects: `unit` needs nothing running and finishes in seconds; `integration` talks to real
// components (Docker engine, Distribution registry, Maven, the local cloud) and is marked by the
// file name `*.int.test.ts` so it can be run alone: `pnpm test:int`. Integration files proven
// independent (scripts/integration-lanes.ts) form a third project, `integration-parallel`.
// No test may reach the EC2 instance metadata address: the AWS SDK's default credential chain
// ends there, so it is disabled for every test (the chain's own test points it at a stand-in).
const env = { AWS_EC2_METADATA_DISABLED: 'true' };

export default defineConfig({
  test: {
    // every run's temp files go under one directory, removed at the end (scripts/vitest-temp-root.ts)
    globalSetup: ['scripts/vitest-temp-root.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          env,
          include: [
            'packages/*/src/**/*.test.ts',
            'actions/*/src/**/*.test.ts',
            'test/**/*.test.ts',
            'scripts/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          exclude: ['**/*.int.test.ts', '**/node_modules/**', 'test/fixtures/**'],
          testTimeout: 90_000,
        },
      },
      {
        // integration files proven independent of each other (scripts/integration-lanes.ts),
        // two at a time, before the serial lane
        test: {
          name: 'integration-parallel',
          env,
          include: [...PARALLEL_INTEGRATION_FILES],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          maxWorkers: 2,
          // after the unit files, before the serial lane (a group of its own: its own maxWorkers)
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'integration',
          env,
          include: [
            'packages/*/src/**/*.int.test.ts',
            'actions/*/src/**/*.int.test.ts',
            'test/**/*.int.test.ts',
            'bench/**/*.int.test.ts',
          ],
          exclude: ['**/node_modules/**', 'test/fixtures/**', ...PARALLEL_INTEGRATION_FILES],
          testTimeout: 300_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
