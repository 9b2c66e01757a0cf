import type { Config } from '../../lib/config.js';
import { startEmbeddedPostgres, type RunningPostgres } from './postgres.js';

/** DATABASE_URL when set; otherwise the embedded PostgreSQL in the data folder. */
export async function ensureDatabase(config: Config, onLog?: (line: string) => void): Promise<RunningPostgres & { embedded: boolean }> {
  if (config.db.url) return { url: config.db.url, stop: async () => {}, embedded: false };
  const pg = await startEmbeddedPostgres({
    dataDir: config.db.embeddedDataDir,
    port: config.db.embeddedPort,
    database: 'coo',
    ...(onLog ? { onLog } : {}),
  });
  return { ...pg, embedded: true };
}
