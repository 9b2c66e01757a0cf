import { loadReferenceData } from '../domain/reference/load.js';
import { AgencyOfficeRow, FeeScheduleRow, IssuingAgencyRow, StaffUserRow, TradeAgreementRow } from './entities/index.js';

/** Demo e-wallets (seed 002: an e-wallet per office), created once and never topped up by seeding. */
const DEMO_WALLETS = [
  { iec: 'AAACR5055K', officeCode: 'EIC-MUM', balancePaise: 1_000_000 },
  { iec: 'AABCS1429B', officeCode: 'MPEDA-KOC', balancePaise: 500_000 },
];
import type { Orm } from './orm.js';

/**
 * Idempotent seeding of the reference data and the demo staff, from db/fixtures/reference-data.json
 * (validated by domain/reference/load.ts). Rows are upserted by their codes, so it runs at every start;
 * values an administrator changed in the database since (an office's Slack channel) are kept.
 */
export async function seed(orm: Orm, file?: string): Promise<Record<string, number>> {
  const ref = await loadReferenceData(file);
  const em = orm.em.fork();
  await em.transactional(async (tx) => {
    for (const a of ref.tradeAgreements) {
      await tx.upsert(TradeAgreementRow, { code: a.code, title: a.title, active: a.active, data: a });
    }
    for (const ag of ref.issuingAgencies) {
      await tx.upsert(IssuingAgencyRow, { code: ag.code, name: ag.name, notifiedAgreements: ag.notifiedAgreements, data: ag });
    }
    for (const o of ref.offices) {
      await tx.upsert(
        AgencyOfficeRow,
        { code: o.code, agencyCode: o.agencyCode, name: o.name, state: o.state, active: o.active, data: o, slackChannel: null },
        { onConflictFields: ['code'], onConflictExcludeFields: ['slackChannel'] },
      );
    }
    for (const f of ref.feeSchedules) {
      await tx.upsert(
        FeeScheduleRow,
        { agencyCode: f.agencyCode, agreementKey: f.agreementCode ?? '*', kind: f.kind, data: f },
        { onConflictFields: ['agencyCode', 'agreementKey', 'kind'], onConflictExcludeFields: ['id'] },
      );
    }
    for (const d of ref.deliveryCharges) {
      await tx.upsert(
        FeeScheduleRow,
        { agencyCode: d.agencyCode, agreementKey: '*', kind: 'delivery', data: d },
        { onConflictFields: ['agencyCode', 'agreementKey', 'kind'], onConflictExcludeFields: ['id'] },
      );
    }
    for (const u of ref.users) {
      await tx.upsert(
        StaffUserRow,
        {
          id: u.id,
          role: u.role,
          name: u.name,
          email: u.email,
          designation: u.designation,
          agencyCode: u.agencyCode ?? null,
          officeCode: u.officeCode ?? null,
          active: true,
        },
        { onConflictFields: ['id'], onConflictExcludeFields: ['active', 'createdAt'] },
      );
    }
    for (const w of DEMO_WALLETS) {
      await tx.getConnection().execute(
        'insert into wallet (iec, office_code, balance_paise, updated_at) values (?, ?, ?, now()) on conflict do nothing',
        [w.iec, w.officeCode, w.balancePaise],
        'run',
        tx.getTransactionContext(),
      );
    }
  });
  return {
    agreements: ref.tradeAgreements.length,
    agencies: ref.issuingAgencies.length,
    offices: ref.offices.length,
    fees: ref.feeSchedules.length + ref.deliveryCharges.length,
    staff: ref.users.length,
    wallets: DEMO_WALLETS.length,
  };
}
