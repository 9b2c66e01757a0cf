import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEvent } from '../../db/entities/audit-event.js';
import { StaffUserRow } from '../../db/entities/staff-user.js';
import type { Principal } from '../../lib/auth/roles.js';
import { AppError, ErrorCode } from '../../lib/errors.js';

/**
 * An officer's decisions (approve, deficiency, reject, signing the certificate) are taken only by an active
 * officer of the staff table, whatever the bearer token says: the token is minted by the identity provider
 * and lives up to AUTH_MAX_TOKEN_LIFETIME, while the agency's administrator deactivates or re-maps an officer
 * at once. So the staff row is read on every decision: an unknown or inactive staff user is refused (403), and
 * the row's office wins over a stale `officeCode` claim (an officer mapped to another office decides that
 * office's files from the next request on, without a new token).
 */

const when = (d: Date) => d.toLocaleString('en-IN', { timeZone: 'Asia/Kolkata', day: '2-digit', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });

/** "Your officer account is deactivated: …", naming who deactivated it and when (from the audit trail). */
export async function deactivationMessage(em: EntityManager, staff: Pick<StaffUserRow, 'id' | 'name'>): Promise<string> {
  const ev = await em.findOne(AuditEvent, { subjectType: 'user', subjectId: staff.id, action: 'staff.deactivated' }, { orderBy: { id: 'desc' } });
  const by = ev ? ` by ${ev.actor} on ${when(ev.at)} IST` : '';
  return `Your officer account is deactivated: ${staff.name} (${staff.id}) was deactivated${by}, and officer decisions are refused. Ask your agency administrator to activate it again.`;
}

/** Why a staff user cannot decide as an officer, or null when they can. */
export async function officerRefusal(em: EntityManager, staff: StaffUserRow | null, sub: string): Promise<AppError | null> {
  if (!staff || staff.role !== 'officer') {
    return new AppError(ErrorCode.AccountNotRegistered, `Your sign-in (${sub}) is not a registered officer of this portal: register as an officer (POST /v1/staff-registrations) and ask your agency administrator to approve it.`);
  }
  if (!staff.active) return new AppError(ErrorCode.AccountDeactivated, await deactivationMessage(em, staff), { details: { staffUserId: staff.id } });
  if (!staff.officeCode) return new AppError(ErrorCode.Forbidden, 'Your officer account is not mapped to an office: ask your agency administrator to map it.');
  return null;
}

/** The principal as the staff table knows them now: an active officer with the office of their staff row. */
export async function officerOnDuty(em: EntityManager, principal: Principal): Promise<Principal & { officeCode: string }> {
  const staff = await em.findOne(StaffUserRow, { id: principal.sub });
  const refusal = await officerRefusal(em, staff, principal.sub);
  if (refusal) throw refusal;
  return { ...principal, name: staff!.name, officeCode: staff!.officeCode!, ...(staff!.agencyCode ? { agencyCode: staff!.agencyCode } : {}) };
}
