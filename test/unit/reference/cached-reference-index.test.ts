import type { EntityManager } from '@mikro-orm/postgresql';
import { describe, expect, it } from 'vitest';
import { cachedReferenceIndex } from '../../../db/reference-index.js';
import { AgencyOfficeRow } from '../../../db/entities/index.js';

/** An entity manager that answers the reference tables from memory and counts the reads of the offices. */
function fakeDatabase() {
  const offices: { code: string; name: string; active: boolean; data: Record<string, unknown> }[] = [];
  const db = { offices, reads: 0 };
  const em = {
    find: async (entity: unknown) => {
      if (entity === AgencyOfficeRow) {
        db.reads += 1;
        return offices.map((o) => ({ ...o }));
      }
      return [];
    },
  } as unknown as EntityManager;
  const addOffice = (code: string) => offices.push({ code, name: code, active: true, data: { code, agencyCode: 'EIC' } });
  return { db, em: () => em, addOffice };
}

describe("the worker's reference cache", () => {
  it('reads again at once when asked about an office it does not know (one just added), not otherwise', async () => {
    const { db, em, addOffice } = fakeDatabase();
    addOffice('EIC-MUM');
    const reference = cachedReferenceIndex(em, 60_000, 0);
    expect((await reference({ office: 'EIC-MUM' })).office('EIC-MUM')).toBeDefined();
    expect((await reference({ office: 'EIC-MUM' })).office('EIC-MUM')).toBeDefined();
    expect(db.reads).toBe(1);

    addOffice('EIC-PUN');
    expect((await reference()).office('EIC-PUN')).toBeUndefined(); // nobody asked for it: the copy serves
    expect((await reference({ office: 'EIC-PUN' })).office('EIC-PUN')).toBeDefined();
    expect(db.reads).toBe(2);
    expect((await reference({ office: 'EIC-PUN' })).office('EIC-PUN')).toBeDefined();
    expect(db.reads).toBe(2);
  });

  it('reads at most once per interval for a code that does not exist, and shares a read between callers asking at once', async () => {
    const { db, em } = fakeDatabase();
    const reference = cachedReferenceIndex(em, 60_000, 60_000);
    await reference();
    expect(db.reads).toBe(1);
    const answers = await Promise.all(Array.from({ length: 20 }, () => reference({ office: 'XYZ-NOP' })));
    expect(answers.every((r) => r.office('XYZ-NOP') === undefined)).toBe(true);
    expect(db.reads).toBe(2);
    for (let i = 0; i < 20; i++) await reference({ agency: 'NOPE' });
    expect(db.reads).toBe(2);
  });
});
