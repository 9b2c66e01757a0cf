/**
 * Starts the real services once for the end-to-end tests: an embedded PostgreSQL and a Temporal dev
 * server (in memory, headless), each on a free port with its own data folder, so tests never touch
 * development data. Test files get the addresses with inject('databaseUrl') / inject('temporalAddress').
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { Connection } from '@temporalio/client';
import { ensureTemporalCli } from '../lib/infra/temporal-cli.js';
import { registerSearchAttributes, startTemporalDevServer } from '../lib/infra/temporal-dev-server.js';
import { startEmbeddedPostgres } from '../lib/infra/postgres.js';
import { freePort } from '../lib/infra/process.js';
import { createOrm, migrate } from '../db/orm.js';
import { seed } from '../db/seed.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
    testDataDir: string;
  }
}

export default async function setup(project: TestProject) {
  const root = path.resolve('.data/test');
  const dir = path.join(root, `run-${process.pid}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });

  // PostgreSQL's data under the system's temporary folder: the "postgres" user can always reach it there,
  // whatever the permissions of the folder this checkout lives in
  const pgDir = path.join(os.tmpdir(), `coo-test-pg-${process.pid}`);
  fs.rmSync(pgDir, { recursive: true, force: true });
  fs.mkdirSync(pgDir, { recursive: true });
  fs.chmodSync(pgDir, 0o755);
  const cli = await ensureTemporalCli({ toolsDir: path.resolve('.tools'), onProgress: (l) => console.log(`[temporal-cli] ${l}`) });
  const [pgPort, temporalPort] = [await freePort(), await freePort()];
  const started = await Promise.allSettled([
    startEmbeddedPostgres({ dataDir: path.join(pgDir, 'data'), port: pgPort, database: 'coo_test' }),
    startTemporalDevServer({ cliPath: cli.path, port: temporalPort, logFile: path.join(dir, 'temporal.log') }),
  ]);
  if (started[0].status === 'rejected' || started[1].status === 'rejected') {
    // stop whichever did start, and say what to install or free
    for (const r of started) if (r.status === 'fulfilled') await r.value.stop();
    const reason = (started.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as Error;
    throw new Error(`The test services could not start: ${reason.message}`);
  }
  const [pg, temporal] = [started[0].value, started[1].value];
  const orm = await createOrm(pg.url);
  await migrate(orm);
  await seed(orm);
  await orm.close();
  const conn = await Connection.connect({ address: temporal.address });
  await registerSearchAttributes(conn, 'default');
  await conn.close();

  project.provide('databaseUrl', pg.url);
  project.provide('temporalAddress', temporal.address);
  project.provide('testDataDir', dir);

  return async () => {
    await temporal.stop();
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(pgDir, { recursive: true, force: true });
  };
}
