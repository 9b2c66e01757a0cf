import { loadConfig } from '../../lib/config.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { createOrm, migrate } from '../../db/orm.js';
import { seed } from '../../db/seed.js';
import { startEmbeddedPostgres } from './postgres.js';
import { ensureTemporalCli } from './temporal-cli.js';
import { registerSearchAttributes, startTemporalDevServer } from './temporal-dev-server.js';
import { freePort } from './process.js';

export interface LocalServices {
  databaseUrl: string;
  temporalAddress: string;
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL (migrated and seeded) and Temporal dev server on free ports, for the tests'
 * global setup and the benchmarks. PostgreSQL's data goes under the system's temporary folder, which its
 * own user can always reach. If one service fails to start, the other is stopped before the error.
 */
export async function startLocalServices(opts: {
  name: string;
  /** where Temporal's log (and SQLite file, with persistTemporal) go */
  logDir: string;
  database?: string;
  /** a SQLite file instead of memory (closer to `npm start`) */
  persistTemporal?: boolean;
  onProgress?: (line: string) => void;
}): Promise<LocalServices> {
  const pgDir = path.join(os.tmpdir(), `coo-${opts.name}-pg-${process.pid}`);
  fs.rmSync(pgDir, { recursive: true, force: true });
  fs.mkdirSync(pgDir, { recursive: true });
  fs.chmodSync(pgDir, 0o755);
  fs.mkdirSync(opts.logDir, { recursive: true });
  const cli = await ensureTemporalCli({ toolsDir: path.resolve('.tools'), ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  const [pgPort, temporalPort] = [await freePort(), await freePort()];
  const started = await Promise.allSettled([
    startEmbeddedPostgres({ dataDir: path.join(pgDir, 'data'), port: pgPort, database: opts.database ?? 'coo' }),
    startTemporalDevServer({
      cliPath: cli.path,
      port: temporalPort,
      logFile: path.join(opts.logDir, 'temporal.log'),
      ...(opts.persistTemporal ? { dbFile: path.join(opts.logDir, 'temporal.sqlite') } : {}),
    }),
  ]);
  const [pgResult, temporalResult] = started;
  if (pgResult.status === 'rejected' || temporalResult.status === 'rejected') {
    for (const r of started) if (r.status === 'fulfilled') await r.value.stop();
    fs.rmSync(pgDir, { recursive: true, force: true });
    const reason = (started.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as Error;
    throw new Error(`The local services could not start: ${reason.message}`);
  }
  const pg = pgResult.value;
  const temporal = temporalResult.value;
  const stop = async () => {
    await temporal.stop();
    await pg.stop();
    fs.rmSync(pgDir, { recursive: true, force: true });
  };
  try {
    const orm = await createOrm(pg.url);
    await migrate(orm);
    // the demo agencies, and the keyring every test stack's configuration has (the development key)
    await seed(orm, { demo: true, keys: loadConfig({ NODE_ENV: 'test' }).temporal.codec });
    await orm.close();
    const conn = await Connection.connect({ address: temporal.address });
    await registerSearchAttributes(conn, 'default');
    await conn.close();
  } catch (e) {
    await stop();
    throw e;
  }
  return { databaseUrl: pg.url, temporalAddress: temporal.address, stop };
}
