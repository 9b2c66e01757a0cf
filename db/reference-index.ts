import type { EntityManager } from '@mikro-orm/postgresql';
import { AgencyOfficeRow, FeeScheduleRow, IssuingAgencyRow, StaffUserRow, TradeAgreementRow } from './entities/index.js';
import { indexReferenceData, knows, type ReferenceIndex, type ReferenceSource } from '../domain/reference/reference-index.js';
import type { DeliveryCharge, FeeScheduleEntry, ReferenceData, StaffUser } from '../domain/reference/types.js';

/**
 * The reference data as the database holds it now (seeded from reference-data.json, then changed by
 * administrators: an office closed, an agreement closed to new applications). The `active` columns
 * win over the seeded JSON, so a change made in the tables takes effect at once for the rules.
 */
export async function loadReferenceIndex(em: EntityManager): Promise<ReferenceIndex> {
  const [agreements, agencies, offices, fees, staff] = [
    await em.find(TradeAgreementRow, {}, { orderBy: { code: 'asc' } }),
    await em.find(IssuingAgencyRow, {}, { orderBy: { code: 'asc' } }),
    await em.find(AgencyOfficeRow, {}, { orderBy: { code: 'asc' } }),
    await em.find(FeeScheduleRow, {}, { orderBy: { id: 'asc' } }),
    await em.find(StaffUserRow, { active: true }, { orderBy: { id: 'asc' } }),
  ];
  const data: ReferenceData = {
    version: 1,
    description: 'reference data from the database',
    tradeAgreements: agreements.map((a) => ({ ...a.data, title: a.title, active: a.active })),
    issuingAgencies: agencies.map((a) => ({ ...a.data, name: a.name, notifiedAgreements: a.notifiedAgreements })),
    offices: offices.map((o) => ({ ...o.data, name: o.name, active: o.active })),
    feeSchedules: fees.filter((f) => f.kind !== 'delivery').map((f) => f.data as FeeScheduleEntry),
    deliveryCharges: fees.filter((f) => f.kind === 'delivery').map((f) => f.data as DeliveryCharge),
    users: staff.map(
      (u): StaffUser => ({
        id: u.id,
        role: u.role as StaffUser['role'],
        name: u.name,
        email: u.email,
        designation: u.designation,
        ...(u.agencyCode === null ? {} : { agencyCode: u.agencyCode }),
        ...(u.officeCode === null ? {} : { officeCode: u.officeCode }),
      }),
    ),
  };
  return indexReferenceData(data);
}

/**
 * The reference index for long-running processes (the worker): read from the database, kept for
 * `maxAgeMs` so a burst of activities shares one read, then read again so an administrator's change
 * (an office closed, a fee schedule revised, a gateway key rotated) reaches the workflows within
 * that time without a restart. Asked about an office or agency the copy does not know (one the
 * administrator has just added), it reads again at once: a code that really does not exist costs at most
 * one read per `missAfterMs`, and callers asking at the same moment share it. A failed read is not cached.
 */
export function cachedReferenceIndex(em: () => EntityManager, maxAgeMs = 2_000, missAfterMs = 250): ReferenceSource {
  let current: { at: number; index: Promise<ReferenceIndex> } | undefined;
  let lastMissRead = -Infinity;
  const load = (at: number) => {
    const index = loadReferenceIndex(em());
    const entry = { at, index };
    current = entry;
    index.catch(() => {
      if (current === entry) current = undefined;
    });
    return entry;
  };
  return async (need) => {
    const now = Date.now();
    const entry = current && now - current.at < maxAgeMs ? current : load(now);
    const index = await entry.index;
    if (knows(index, need)) return index;
    // a read started since this one (another caller's): take it
    if (current && current !== entry) return current.index;
    if (Date.now() - lastMissRead < missAfterMs) return index;
    lastMissRead = Date.now();
    return load(lastMissRead).index;
  };
}
