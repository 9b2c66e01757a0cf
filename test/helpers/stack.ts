/**
 * The application stack inside one test file (scripts/lib/stack.ts), on the services from
 * test/global-setup.ts: ORM, Temporal client, workers started on demand, and the Express API on a free port.
 */
import { inject } from 'vitest';
import type { ActivityDeps } from '../../activities/index.js';
import { startStack as startStackOn, type Stack, type StackServices } from '../../scripts/lib/stack.js';

export { api, type ApiResponse } from '../../scripts/lib/api-client.js';
export type { Stack } from '../../scripts/lib/stack.js';

/** The PostgreSQL and Temporal dev server that test/global-setup.ts started for this run. */
export function testServices(): StackServices {
  return { databaseUrl: inject('databaseUrl'), temporalAddress: inject('temporalAddress'), dataDir: inject('testDataDir') };
}

/** `env`: more configuration as environment variables (lib/config.ts), e.g. { TRUST_PROXY: 'loopback' } */
export function startStack(opts: { name: string; deps?: Partial<ActivityDeps>; env?: Record<string, string> }): Promise<Stack> {
  return startStackOn({ ...opts, services: testServices() });
}
