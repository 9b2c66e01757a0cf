import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { Logger } from '../lib/logger.js';
import { entities } from './entities/index.js';
import { migrationsList } from './migrations/index.js';

export type Orm = MikroORM;

/**
 * `snapshot`: keep db/migrations/.snapshot.json in step with the schema, which `npm run db:migration:create`
 * diffs the entities against. Only that command writes it: running processes and tests (several migrating at
 * once) never touch the source tree.
 */
export function ormOptions(url: string, logger?: Logger, opts: { snapshot?: boolean } = {}): Options {
  return {
    clientUrl: url,
    entities,
    extensions: [Migrator],
    migrations: {
      tableName: 'mikro_orm_migrations',
      path: 'db/migrations',
      pathTs: 'db/migrations',
      migrationsList,
      silent: true,
      transactional: true,
      allOrNothing: true,
      emit: 'ts',
      snapshot: opts.snapshot ?? false,
      snapshotName: '.snapshot',
    },
    pool: { min: 0, max: 20 },
    debug: false,
    logger: logger ? (msg) => logger.debug({ orm: true }, msg) : undefined,
  };
}

export async function createOrm(url: string, logger?: Logger, opts: { snapshot?: boolean } = {}): Promise<Orm> {
  return MikroORM.init(ormOptions(url, logger, opts));
}

/** Applies every committed migration not yet applied; returns their names. */
export async function migrate(orm: Orm): Promise<string[]> {
  const done = await orm.migrator.up();
  return done.map((m) => m.name);
}

export async function pendingMigrations(orm: Orm): Promise<string[]> {
  return (await orm.migrator.getPending()).map((m) => m.name);
}
