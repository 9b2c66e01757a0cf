import type { EntityManager } from '@mikro-orm/postgresql';

/** The next value of a named counter, atomically (one row per counter, created on first use). */
export async function nextSequence(em: EntityManager, name: string): Promise<number> {
  const rows = await em.getConnection().execute<{ value: string }[]>(
    `insert into number_sequence (name, value) values (?, 1)
     on conflict (name) do update set value = number_sequence.value + 1
     returning value`,
    [name],
  );
  return Number(rows[0]!.value);
}
