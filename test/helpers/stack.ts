/**
 * The application stack inside one test file (scripts/lib/stack.ts), on the services from
 * test/global-setup.ts: ORM, Temporal client, workers started on demand, and the Express API on a free port.
 */
import { inject } from 'vitest';
import type { ActivityDeps } from '../../activities/index.js';
import { startStack as startStackOn, type Stack, type StackServices } from '../../scripts/lib/stack.js';

export { api, type ApiResponse } from '../../scripts/lib/api-client.js';
export type { Stack } from '../../scripts/lib/stack.js';

/**
 * The PostgreSQL and Temporal dev server that test/global-setup.ts started for this file's lane: vitest runs
 * at most one file per pool id (1…maxWorkers) at a time, so the pool id names the lane.
 */
export function testServices(): StackServices {
  const lanes = inject('lanes');
  const lane = lanes[(Number(process.env.VITEST_POOL_ID ?? '1') - 1) % lanes.length]!;
  return { databaseUrl: lane.databaseUrl, temporalAddress: lane.temporalAddress, dataDir: lane.testDataDir };
}

/** `env`: more configuration as environment variables (lib/config.ts), e.g. { TRUST_PROXY: 'loopback' } */
export function startStack(opts: { name: string; deps?: Partial<ActivityDeps>; env?: Record<string, string> }): Promise<Stack> {
  return startStackOn({ ...opts, services: testServices() });
}
