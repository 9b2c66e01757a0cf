import { defineConfig } from 'vitest/config';
import { e2eLanes } from './test/lanes.js';

// Projects: fast unit tests of the rules (no services); recorded workflow histories replayed against
// today's workflow code (no server either); integration tests with real external programs; end-to-end
// tests against the real PostgreSQL and Temporal started once in test/global-setup.ts.
export default defineConfig({
  test: {
    pool: 'forks', // Temporal's native bridge crashes in worker threads
    // one end-to-end file per lane at a time: the pool id (1…maxWorkers) picks the lane (test/helpers/stack.ts)
    maxWorkers: e2eLanes(),
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          // test/histories/*.json through the SDK's replayer: no global setup, the replayer needs no server
          name: 'replay',
          include: ['test/replay/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000, // bundling the workflows
        },
      },
      {
        extends: true,
        test: {
          // real external programs and servers that each test file starts itself
          // (pdfsig, zbarimg, Dovecot, an SMTP server, Chromium, a fake Slack Web API)
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
