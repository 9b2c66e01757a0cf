import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AgencyOfficeRow, GatewayCredentialRow, IssuingAgencyRow, StaffUserRow } from '../../db/entities/index.js';
import { gatewayScopeKey, type CredentialScope } from '../../domain/agency/gateway-parameters.js';
import { isValidGstin } from '../../domain/reference/gstin.js';
import { RegionalOfficeSchema } from '../../domain/reference/schema.js';
import type { RegionalOffice } from '../../domain/reference/types.js';
import type { Principal } from '../../lib/auth/roles.js';
import type { CodecKeys } from '../../lib/config.js';
import { AppError, ErrorCode, type FieldProblem } from '../../lib/errors.js';
import { recordAudit } from '../identity/audit.js';
import { credentialView, storeGatewayCredentials, type GatewayCredentialView } from '../payment/gateway-credentials.js';

/**
 * Office management by the agency's administrator (seed 002 §3.I.ii–v): the agency's regional and local
 * offices (address, state and GSTIN for GST, e-mail, e-wallet enabled or not, who signs its certificates,
 * active or not) and the payment gateway parameters of the agency or of one office. An administrator
 * manages only their own agency; the platform administrator any. Every change is one transaction with its
 * audit event (who, what, before and after; of a gateway key only its last four characters). The worker
 * reads the offices from these rows (db/reference-index.ts, every 2 s): a change applies to new work at once.
 */

export interface Manager {
  id: string;
  name: string;
  /** an agency administrator's agency; undefined for the platform administrator */
  agencyCode: string | undefined;
  platform: boolean;
}

export function managerOf(p: Principal): Manager {
  const platform = p.roles.includes('admin');
  if (!platform && !p.roles.includes('agency-admin')) throw new AppError(ErrorCode.Forbidden, 'Only an agency administrator or a platform administrator manages offices.');
  return { id: p.sub, name: p.name, agencyCode: p.agencyCode, platform };
}

/**
 * The administrator acting, as the staff table says now (not as the token said when it was issued): an
 * agency administrator must be an active `agency-admin` staff user, and manages the agency of that row;
 * one deactivated or never approved is refused, saying so. A platform administrator (DGFT) is one by the
 * identity provider's role.
 */
export async function administratorOnDuty(em: EntityManager, p: Principal): Promise<Manager> {
  const m = managerOf(p);
  if (m.platform) return m;
  const staff = await em.findOne(StaffUserRow, { id: p.sub });
  if (!staff || staff.role !== 'agency-admin' || !staff.agencyCode) {
    throw new AppError(ErrorCode.Forbidden, `${p.name} (${p.sub}) is not a registered agency administrator: register as the agency's administrator (POST /v1/staff-registrations) and wait for DGFT's approval.`);
  }
  if (!staff.active) throw new AppError(ErrorCode.Forbidden, `Your administrator account (${p.sub}) is deactivated: ask the platform administrator to activate it again.`);
  return { ...m, name: staff.name, agencyCode: staff.agencyCode };
}

export function assertManages(m: Manager, agencyCode: string): void {
  if (m.platform) return;
  if (!m.agencyCode) throw new AppError(ErrorCode.Forbidden, 'Your administrator account is not mapped to an agency.');
  if (m.agencyCode !== agencyCode) throw new AppError(ErrorCode.Forbidden, `You administer ${m.agencyCode}; agency ${agencyCode} is managed by its own administrator.`);
}

const actorOf = (m: Manager) => `${m.id} (${m.name})`;

export interface OfficeView {
  code: string;
  agencyCode: string;
  name: string;
  active: boolean;
  fileNumberPrefix: string;
  address: RegionalOffice['address'];
  state: string;
  gstStateCode: string;
  gstin: string;
  email: string;
  phone: string;
  eWalletEnabled: boolean;
  certificateSigning: 'eseal' | 'officer-dsc';
  slackChannel: string | null;
  /** the parameters payments at this office use: its own, else the agency's; the key's last four characters only */
  paymentGateway: (GatewayCredentialView & { inherited: boolean }) | null;
}

function officeView(row: AgencyOfficeRow, own: GatewayCredentialRow | undefined, agency: GatewayCredentialRow | undefined): OfficeView {
  const o = row.data;
  const gw = own ?? agency;
  return {
    code: row.code,
    agencyCode: row.agencyCode,
    name: row.name,
    active: row.active,
    fileNumberPrefix: o.fileNumberPrefix,
    address: o.address,
    state: o.state,
    gstStateCode: o.gstStateCode,
    gstin: o.gstin,
    email: o.email,
    phone: o.phone,
    eWalletEnabled: o.eWallet.enabled,
    certificateSigning: o.certificateSigning ?? 'eseal',
    slackChannel: row.slackChannel ?? null,
    paymentGateway: gw ? { ...credentialView(gw), inherited: !own } : null,
  };
}

async function viewOf(em: EntityManager, row: AgencyOfficeRow): Promise<OfficeView> {
  const creds = await em.find(GatewayCredentialRow, { scope: { $in: [gatewayScopeKey({ agencyCode: row.agencyCode, officeCode: row.code }), gatewayScopeKey({ agencyCode: row.agencyCode })] } });
  return officeView(row, creds.find((c) => c.officeCode === row.code), creds.find((c) => c.officeCode === null));
}

export async function listOffices(em: EntityManager, m: Manager, agencyCode: string): Promise<OfficeView[]> {
  if (!(await em.findOne(IssuingAgencyRow, { code: agencyCode }))) throw new AppError(ErrorCode.NotFound, `Agency ${agencyCode} is not known.`);
  assertManages(m, agencyCode);
  const rows = await em.find(AgencyOfficeRow, { agencyCode }, { orderBy: { code: 'asc' } });
  return Promise.all(rows.map((r) => viewOf(em, r)));
}

function invalid(problems: FieldProblem[]): AppError {
  return new AppError(ErrorCode.ValidationFailed, `The office cannot be saved: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}.`, { problems });
}

/** The rules an office's record follows (the reference data's schema, the GSTIN's check character, its state code). */
function checkOffice(o: RegionalOffice): RegionalOffice {
  const parsed = RegionalOfficeSchema.safeParse(o);
  if (!parsed.success) throw invalid(parsed.error.issues.map((i) => ({ path: `body/${i.path.join('/')}`, message: i.message })));
  const problems: FieldProblem[] = [];
  if (!isValidGstin(o.gstin)) problems.push({ path: 'body/gstin', message: `GSTIN ${o.gstin} is not valid (15 characters with its check character)` });
  else if (o.gstin.slice(0, 2) !== o.gstStateCode) problems.push({ path: 'body/gstin', message: `GSTIN ${o.gstin} belongs to state code ${o.gstin.slice(0, 2)}, not the office's ${o.gstStateCode}` });
  if (!o.code.startsWith(`${o.agencyCode}-`)) problems.push({ path: 'body/code', message: `an office of ${o.agencyCode} has a code starting "${o.agencyCode}-", e.g. ${o.agencyCode}-PUN` });
  if (problems.length) throw invalid(problems);
  return parsed.data;
}

export type NewOffice = Omit<RegionalOffice, 'agencyCode' | 'paymentGateway' | 'eWallet' | 'active'> & { eWalletEnabled: boolean };

export async function addOffice(em: EntityManager, m: Manager, agencyCode: string, input: NewOffice): Promise<OfficeView> {
  return em.transactional(async (tx) => {
    if (!(await tx.findOne(IssuingAgencyRow, { code: agencyCode }))) throw new AppError(ErrorCode.NotFound, `Agency ${agencyCode} is not known.`);
    assertManages(m, agencyCode);
    const { eWalletEnabled, ...rest } = input;
    const office = checkOffice({ ...rest, agencyCode, eWallet: { enabled: eWalletEnabled, openingBalancePaise: 0 }, active: true });
    if (await tx.findOne(AgencyOfficeRow, { code: office.code })) throw new AppError(ErrorCode.Conflict, `Office ${office.code} already exists: edit it instead.`);
    const prefixTaken = await tx.getConnection().execute<{ code: string }[]>(`select code from agency_office where data->>'fileNumberPrefix' = ?`, [office.fileNumberPrefix], 'all', tx.getTransactionContext());
    if (prefixTaken.length) {
      throw new AppError(ErrorCode.Conflict, `File number prefix ${office.fileNumberPrefix} is used by ${prefixTaken[0]!.code}: file numbers must tell offices apart.`, {
        problems: [{ path: 'body/fileNumberPrefix', message: `used by ${prefixTaken[0]!.code}` }],
      });
    }
    const row = tx.create(AgencyOfficeRow, { code: office.code, agencyCode, name: office.name, state: office.state, active: true, slackChannel: null, data: office });
    recordAudit(tx, { subjectType: 'office', subjectId: office.code, action: 'office.added', actor: actorOf(m), channel: 'api', details: { after: office } });
    await tx.flush();
    return viewOf(tx, row);
  });
}

export type OfficeChanges = Partial<Pick<RegionalOffice, 'name' | 'address' | 'state' | 'gstStateCode' | 'gstin' | 'email' | 'phone' | 'certificateSigning'>> & {
  eWalletEnabled?: boolean;
  active?: boolean;
};

/** Edits an office (deactivating included: `active: false` closes it to new applications). */
export async function editOffice(em: EntityManager, m: Manager, code: string, changes: OfficeChanges): Promise<OfficeView> {
  return em.transactional(async (tx) => {
    const row = await tx.findOne(AgencyOfficeRow, { code });
    if (!row) throw new AppError(ErrorCode.NotFound, `Office ${code} is not known.`);
    assertManages(m, row.agencyCode);
    const before: RegionalOffice = { ...row.data, name: row.name, active: row.active };
    const { eWalletEnabled, active, ...fields } = changes;
    const after = checkOffice({
      ...before,
      ...fields,
      ...(eWalletEnabled !== undefined ? { eWallet: { ...before.eWallet, enabled: eWalletEnabled } } : {}),
      ...(active !== undefined ? { active } : {}),
    });
    row.data = after;
    row.name = after.name;
    row.state = after.state;
    row.active = after.active;
    const changed = Object.fromEntries(
      (Object.keys(after) as (keyof RegionalOffice)[]).filter((k) => !isDeepStrictEqual(after[k], before[k])).map((k) => [k, { before: before[k], after: after[k] }]),
    );
    if (Object.keys(changed).length) {
      recordAudit(tx, { subjectType: 'office', subjectId: code, action: active === false && before.active ? 'office.deactivated' : 'office.edited', actor: actorOf(m), channel: 'api', details: { changed } });
    }
    await tx.flush();
    return viewOf(tx, row);
  });
}

/** Sets the gateway parameters of an agency or of one office (seed 002 §3.I.iii), audited with the key's last four characters. */
export async function setGatewayParameters(em: EntityManager, keys: CodecKeys, m: Manager, scope: CredentialScope, input: { merchantId?: unknown; checksumKey?: unknown }): Promise<GatewayCredentialView> {
  return em.transactional(async (tx) => {
    if (scope.officeCode) {
      const office = await tx.findOne(AgencyOfficeRow, { code: scope.officeCode });
      if (!office) throw new AppError(ErrorCode.NotFound, `Office ${scope.officeCode} is not known.`);
      scope = { agencyCode: office.agencyCode, officeCode: office.code };
    } else if (!(await tx.findOne(IssuingAgencyRow, { code: scope.agencyCode }))) {
      throw new AppError(ErrorCode.NotFound, `Agency ${scope.agencyCode} is not known.`);
    }
    assertManages(m, scope.agencyCode);
    const { before, after } = await storeGatewayCredentials(tx, keys, scope, input, actorOf(m));
    const shown = (v: GatewayCredentialView | null) => (v ? { merchantId: v.merchantId, checksumKeyLast4: v.checksumKeyLast4 } : null);
    recordAudit(tx, {
      subjectType: scope.officeCode ? 'office' : 'agency',
      subjectId: scope.officeCode ?? scope.agencyCode,
      action: 'payment-gateway.set',
      actor: actorOf(m),
      channel: 'api',
      details: { before: shown(before), after: shown(after) },
    });
    await tx.flush();
    return after;
  });
}
