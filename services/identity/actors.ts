import type { EntityManager } from '@mikro-orm/postgresql';
import { ExporterAccount, ExporterUser } from '../../db/entities/exporter.js';
import type { UserKind } from '../../db/entities/identity.js';
import { StaffUserRow } from '../../db/entities/staff-user.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { Principal } from '../../lib/auth/roles.js';

/**
 * Who is acting, as this system knows them. The bearer token's `sub` is the user id: an ExporterUser for
 * exporters (whose token's `iec` must be the IEC the user is mapped to), a StaffUserRow for staff. Office
 * and agency come from the staff table, not from the token.
 */
export interface ExporterActor {
  kind: 'exporter';
  userId: string;
  name: string;
  iec: string;
  role: 'master' | 'additional';
  status: ExporterUser['status'];
}

export interface StaffActor {
  kind: 'staff';
  userId: string;
  name: string;
  role: string;
  officeCode: string | null;
  agencyCode: string | null;
}

export type Actor = ExporterActor | StaffActor;

export interface ResolveOptions {
  /** additional users whose mapping still waits for their DSC may act (to register it) */
  allowPendingMapping?: boolean;
}

export async function resolveActor(em: EntityManager, principal: Principal, opts: ResolveOptions = {}): Promise<Actor> {
  if (principal.roles.includes('exporter')) return resolveExporter(em, principal, opts);
  const staff = await em.findOne(StaffUserRow, { id: principal.sub });
  if (!staff || !staff.active) {
    throw new AppError(ErrorCode.AccountNotRegistered, `Your sign-in (${principal.sub}) is not a registered staff account of this portal. Ask your agency administrator to add you.`);
  }
  if (!principal.roles.some((r) => r === staff.role)) {
    throw new AppError(ErrorCode.Forbidden, `Your staff account is registered with the role ${staff.role}, which your token does not carry.`);
  }
  return { kind: 'staff', userId: staff.id, name: staff.name, role: staff.role, officeCode: staff.officeCode ?? null, agencyCode: staff.agencyCode ?? null };
}

async function resolveExporter(em: EntityManager, principal: Principal, opts: ResolveOptions): Promise<ExporterActor> {
  const user = await em.findOne(ExporterUser, { id: principal.sub });
  if (!user || user.status === 'removed') {
    const iec = principal.iec;
    const account = iec ? await em.findOne(ExporterAccount, { iec }) : null;
    throw new AppError(
      ErrorCode.AccountNotRegistered,
      !iec
        ? 'Your token carries no IEC: exporters sign in with the account mapped to their IEC.'
        : !account
          ? `IEC ${iec} is not registered on this portal yet. Its master user registers it first (POST /v1/exporters).`
          : user
            ? `Your user (${principal.sub}) has been removed from IEC ${iec} by its master user.`
            : `Your user (${principal.sub}) is not mapped to IEC ${iec}. The master user of the IEC maps additional users (POST /v1/exporters/${iec}/users).`,
    );
  }
  if (principal.iec !== user.iec) {
    throw new AppError(
      ErrorCode.Forbidden,
      `Your token is for IEC ${principal.iec ?? '(none)'}, but your user (${user.id}) is mapped to IEC ${user.iec}. Sign in again with the right IEC.`,
    );
  }
  if (user.status === 'pending_dsc' && !opts.allowPendingMapping) {
    throw new AppError(
      ErrorCode.Forbidden,
      `Your mapping to IEC ${user.iec} is not complete: register a valid DSC carrying IEC ${user.iec} first (POST /v1/me/dsc/challenge, then POST /v1/me/dsc).`,
      { details: { userStatus: user.status } },
    );
  }
  return { kind: 'exporter', userId: user.id, name: user.name, iec: user.iec, role: user.role === 'master' ? 'master' : 'additional', status: user.status };
}

export function isHelpdeskOrAdmin(actor: Actor): boolean {
  return actor.kind === 'staff' && (actor.role === 'helpdesk' || actor.role === 'admin');
}

/**
 * Who may see a record made by or for a user (signing requests, signed documents): the users of the same
 * IEC, the officers of the same office, and helpdesk/admin staff. Everyone else is told it does not exist.
 */
export function maySee(actor: Actor, row: { userId: string; userKind: UserKind; iec?: string | null; officeCode?: string | null }): boolean {
  if (row.userId === actor.userId) return true;
  if (actor.kind === 'exporter') return row.userKind === 'exporter' && row.iec === actor.iec;
  if (isHelpdeskOrAdmin(actor)) return true;
  if (actor.role === 'officer') return row.userKind === 'staff' && !!row.officeCode && row.officeCode === actor.officeCode;
  return false;
}

/** The kind and identity columns stored with everything a user signs. */
export function actorColumns(actor: Actor): { userId: string; userKind: UserKind; iec: string | null; officeCode: string | null } {
  return actor.kind === 'exporter'
    ? { userId: actor.userId, userKind: 'exporter', iec: actor.iec, officeCode: null }
    : { userId: actor.userId, userKind: 'staff', iec: null, officeCode: actor.officeCode };
}
