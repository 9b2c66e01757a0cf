import { loadReferenceData } from '../domain/reference/load.js';
import type { CodecKeys } from '../lib/config.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { gatewayScopeKey, lastFour, type CredentialScope } from '../domain/agency/gateway-parameters.js';
import { sealSecret } from '../lib/sealed-secret.js';
import { GatewayCredentialRow } from './entities/index.js';
import type { Orm } from './orm.js';

/** Demo e-wallets (seed 002: an e-wallet per office), created once and never topped up by seeding. */
const DEMO_WALLETS = [
  { iec: 'AAACR5055K', officeCode: 'EIC-MUM', balancePaise: 1_000_000 },
  { iec: 'AABCS1429B', officeCode: 'MPEDA-KOC', balancePaise: 500_000 },
];

export interface SeedOptions {
  /**
   * The demo agencies' offices, officers, administrators and e-wallets of db/fixtures/reference-data.json,
   * with the sandbox gateway parameters: development and tests only, never in production.
   */
  demo: boolean;
  /** the keyring that encrypts the gateway parameters moved out of the reference rows */
  keys: CodecKeys;
  file?: string;
}

/**
 * Idempotent seeding, at every start: rows are **inserted when missing and never changed**, so an
 * agreement, an agency, a fee schedule, an office or a user an administrator edited keeps the edits
 * across restarts. The reference data (trade agreements, the notified agencies, their fee schedules)
 * always; the demo offices, staff and wallets only with `demo`. Gateway parameters still written in the
 * reference rows move, encrypted, into `gateway_credential` (services/payment/gateway-credentials.ts).
 * Returns how many rows of each kind it inserted.
 */
export async function seed(orm: Orm, opts: SeedOptions): Promise<Record<string, number>> {
  const ref = await loadReferenceData(opts.file);
  const counts: Record<string, number> = {};
  await orm.em.fork().transactional(async (tx) => {
    const conn = tx.getConnection();
    const ctx = tx.getTransactionContext();
    /** Inserts each row unless its key exists: the count of rows actually inserted. */
    const insertMissing = async (what: string, table: string, conflict: string, rows: Record<string, unknown>[]) => {
      let n = 0;
      for (const row of rows) {
        const cols = Object.keys(row);
        const values = cols.map((c) => {
          const v = row[c];
          return v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v;
        });
        const inserted = await conn.execute<unknown[]>(
          `insert into ${table} (${cols.join(', ')}) values (${cols.map(() => '?').join(', ')}) on conflict (${conflict}) do nothing returning 1`,
          values,
          'all',
          ctx,
        );
        n += inserted.length;
      }
      counts[what] = n;
    };
    await insertMissing('agreements', 'trade_agreement', 'code', ref.tradeAgreements.map((a) => ({ code: a.code, title: a.title, active: a.active, data: a })));
    await insertMissing('agencies', 'issuing_agency', 'code', ref.issuingAgencies.map(({ paymentGateway, ...a }) => ({ code: a.code, name: a.name, notified_agreements: a.notifiedAgreements, data: opts.demo && paymentGateway ? { ...a, paymentGateway } : a })));
    await insertMissing('fees', 'fee_schedule', 'agency_code, agreement_key, kind', [
      ...ref.feeSchedules.map((f) => ({ agency_code: f.agencyCode, agreement_key: f.agreementCode ?? '*', kind: f.kind, data: f })),
      ...ref.deliveryCharges.map((d) => ({ agency_code: d.agencyCode, agreement_key: '*', kind: 'delivery', data: d })),
    ]);
    if (opts.demo) {
      await insertMissing('offices', 'agency_office', 'code', ref.offices.map((o) => ({ code: o.code, agency_code: o.agencyCode, name: o.name, state: o.state, active: o.active, slack_channel: null, data: o })));
      await insertMissing(
        'staff',
        'staff_user',
        'id',
        ref.users.map((u) => ({
          id: u.id,
          role: u.role,
          name: u.name,
          email: u.email,
          designation: u.designation,
          agency_code: u.agencyCode ?? null,
          office_code: u.officeCode ?? null,
          active: true,
          created_at: new Date(),
        })),
      );
      await insertMissing('wallets', 'wallet', 'iec, office_code', DEMO_WALLETS.map((w) => ({ iec: w.iec, office_code: w.officeCode, balance_paise: w.balancePaise, updated_at: new Date() })));
    }
    counts.gateways = await moveGatewayParametersOutOfReferenceData(tx, opts.keys);
  });
  return counts;
}

/**
 * Moves gateway parameters still written in the reference rows' JSON (the demo fixtures' sandbox merchants,
 * databases from before the parameters had a table) into `gateway_credential`, the checksum key encrypted,
 * and removes them from the JSON. Parameters an administrator already set are never replaced.
 */
async function moveGatewayParametersOutOfReferenceData(tx: EntityManager, keys: CodecKeys): Promise<number> {
  const conn = tx.getConnection();
  const ctx = tx.getTransactionContext();
  const rows = await conn.execute<{ kind: string; code: string; agency_code: string; gw: { merchantId: string; checksumKey: string } }[]>(
    `select 'agency' as kind, code, code as agency_code, data->'paymentGateway' as gw from issuing_agency where data ? 'paymentGateway'
     union all select 'office', code, agency_code, data->'paymentGateway' from agency_office where data ? 'paymentGateway'`,
    [],
    'all',
    ctx,
  );
  let moved = 0;
  for (const r of rows) {
    const scope: CredentialScope = r.kind === 'agency' ? { agencyCode: r.code } : { agencyCode: r.agency_code, officeCode: r.code };
    const key = gatewayScopeKey(scope);
    if (!(await tx.findOne(GatewayCredentialRow, { scope: key }))) {
      tx.create(GatewayCredentialRow, {
        scope: key,
        agencyCode: scope.agencyCode,
        officeCode: scope.officeCode ?? null,
        merchantId: r.gw.merchantId,
        checksumKeyEncrypted: await sealSecret(keys, key, r.gw.checksumKey),
        checksumKeyLast4: lastFour(r.gw.checksumKey),
        updatedBy: 'reference data',
        updatedAt: new Date(),
      });
      moved++;
    }
    await tx.flush();
    await conn.execute(`update ${r.kind === 'agency' ? 'issuing_agency' : 'agency_office'} set data = data - 'paymentGateway' where code = ?`, [r.code], 'run', ctx);
  }
  return moved;
}
