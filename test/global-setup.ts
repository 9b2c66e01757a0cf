/**
 * Starts the real services for the end-to-end tests: for each lane, an embedded PostgreSQL and a Temporal dev
 * server (in memory, headless), each on a free port with its own data folder, so tests never touch development
 * data. End-to-end files run in parallel, one per lane at a time (vitest's pool ids, vitest.config.ts): the
 * files of one lane share its database and Temporal, as they always did, and two lanes never share a task
 * queue. Test files get their lane's addresses through test/helpers/stack.ts (inject('lanes')).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalServices, type LocalServices } from '../scripts/infra/local-services.js';
import { e2eLanes } from './lanes.js';

export interface LaneServices {
  databaseUrl: string;
  temporalAddress: string;
  testDataDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    lanes: LaneServices[];
  }
}

export default async function setup(project: TestProject) {
  const dir = path.resolve('.data/test', `run-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const count = e2eLanes();
  const started = await Promise.allSettled(
    Array.from({ length: count }, (_, i) =>
      startLocalServices({
        name: `test-${i + 1}`,
        logDir: path.join(dir, `lane-${i + 1}`),
        database: 'coo_test',
        onProgress: (l) => console.log(`[temporal-cli] ${l}`),
      }),
    ),
  );
  const services = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stopAll = async () => {
    await Promise.allSettled(services.map((s: LocalServices) => s.stop()));
  };
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    await stopAll();
    throw (failed as PromiseRejectedResult).reason;
  }
  project.provide(
    'lanes',
    services.map((s, i) => ({ databaseUrl: s.databaseUrl, temporalAddress: s.temporalAddress, testDataDir: path.join(dir, `lane-${i + 1}`) })),
  );

  return async () => {
    await stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
