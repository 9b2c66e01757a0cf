/**
 * Starts the real services once for the end-to-end tests: an embedded PostgreSQL and a Temporal dev
 * server (in memory, headless), each on a free port with its own data folder, so tests never touch
 * development data. Test files get the addresses with inject('databaseUrl') / inject('temporalAddress').
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startLocalServices } from '../scripts/infra/local-services.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
    testDataDir: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = path.resolve('.data/test', `run-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const services = await startLocalServices({
    name: 'test',
    logDir: dir,
    database: 'coo_test',
    onProgress: (l) => console.log(`[temporal-cli] ${l}`),
  });
  project.provide('databaseUrl', services.databaseUrl);
  project.provide('temporalAddress', services.temporalAddress);
  project.provide('testDataDir', dir);

  return async () => {
    await services.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
