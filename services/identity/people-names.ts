import type { EntityManager } from '@mikro-orm/postgresql';
import { ExporterUser, StaffUserRow } from '../../db/entities/index.js';

/**
 * People are shown by their names. Some actors of a file's history were recorded with their user id as
 * their name (a signature names its signer by id: "AABCS1429B-1"); these helpers find such actors in a
 * workflow's state (or any value holding actors: `{ id, name, channel }`) and put the person's name in.
 * The id stays beside the name: it is what identifies the person.
 */

interface ActorLike {
  id: string;
  name: string;
  channel: string;
}

function isActor(v: unknown): v is ActorLike {
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  return typeof o.id === 'string' && typeof o.name === 'string' && typeof o.channel === 'string';
}

/** An actor named by its id (or not named at all) still needs a person's name. */
export function lacksName(a: { id: string; name: string }): boolean {
  const name = a.name.trim();
  return name === '' || name === a.id;
}

/** The ids of the actors in a value that are named by their id. */
export function actorsWithoutNames(value: unknown): string[] {
  const ids = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    if (isActor(v) && lacksName(v)) ids.add(v.id);
    Object.values(v).forEach(walk);
  };
  walk(value);
  return [...ids];
}

/** A copy of the value with every actor named by its id given the person's name, where it is known. */
export function withPeopleNames<T>(value: T, names: ReadonlyMap<string, string>): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!v || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = walk(x);
    if (isActor(v) && lacksName(v)) {
      const name = names.get(v.id);
      if (name) out.name = name;
    }
    return out;
  };
  return walk(value) as T;
}

/** The names of these users (exporter users and staff), by id; unknown ids are left out. */
export async function peopleNames(em: EntityManager, ids: string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (ids.length === 0) return names;
  for (const u of await em.find(ExporterUser, { id: { $in: ids } }, { fields: ['id', 'name'], disableIdentityMap: true })) names.set(u.id, u.name);
  for (const s of await em.find(StaffUserRow, { id: { $in: ids } }, { fields: ['id', 'name'], disableIdentityMap: true })) names.set(s.id, s.name);
  return names;
}

/** The value with the names of the people it names by id looked up. */
export async function namePeople<T>(em: EntityManager, value: T): Promise<T> {
  const ids = actorsWithoutNames(value);
  return ids.length === 0 ? value : withPeopleNames(value, await peopleNames(em, ids));
}

/** One actor's name for the record: the person's name when the actor was named by id. */
export async function actorName(em: EntityManager, actor: { id: string; name: string }): Promise<string> {
  if (!lacksName(actor)) return actor.name;
  return (await peopleNames(em, [actor.id])).get(actor.id) ?? actor.name;
}

/** An audit event's actor as people read it: a bare user id gets the person's name beside it ("id (name)"). */
export function auditActorShown(actor: string, names: ReadonlyMap<string, string>): string {
  const name = names.get(actor);
  return name && name !== actor ? `${actor} (${name})` : actor;
}

/** Audit events with their bare user ids named (events written "id (name)" already are left as they are). */
export async function nameAuditActors<E extends { actor: string }>(em: EntityManager, events: E[]): Promise<E[]> {
  const bare = [...new Set(events.map((e) => e.actor).filter((a) => a !== 'system' && !a.includes(' ')))];
  if (bare.length === 0) return events;
  const names = await peopleNames(em, bare);
  return events.map((e) => ({ ...e, actor: auditActorShown(e.actor, names) }));
}
