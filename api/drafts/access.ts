import type { ApplicationRow, ApplicationStatus } from '../../db/entities/index.js';
import type { Principal } from '../../lib/auth/roles.js';
import { AppError, ErrorCode } from '../../lib/errors.js';

/** Statuses in which the exporter may change the application: a draft, or the "Yes" answer to a deficiency. */
export const EDITABLE_STATUSES: readonly ApplicationStatus[] = ['Draft', 'Deficient'];

/** Files submitted to an office (after payment): what officers work on. */
export const SUBMITTED_STATUSES: readonly ApplicationStatus[] = ['In-Process', 'Deficient', 'Approved Pending Issuance', 'Approved', 'Rejected'];

/**
 * Who sees which applications (lists, reading one, downloading its files):
 * - an exporter: every application of the IEC their account is mapped to;
 * - an officer: the files submitted to their office (never drafts or unpaid applications);
 * - an agency administrator: every application of their agency except drafts;
 * - helpdesk and platform administrators: all.
 * A principal with several roles sees the union.
 */
export interface VisibilityScope {
  all: boolean;
  iec?: string;
  officeCode?: string;
  agencyCode?: string;
}

export function visibilityOf(p: Principal): VisibilityScope {
  const scope: VisibilityScope = { all: p.roles.includes('admin') || p.roles.includes('helpdesk') };
  if (p.roles.includes('exporter') && p.iec) scope.iec = p.iec;
  if (p.roles.includes('officer') && p.officeCode) scope.officeCode = p.officeCode;
  if (p.roles.includes('agency-admin') && p.agencyCode) scope.agencyCode = p.agencyCode;
  return scope;
}

export function canSee(p: Principal, row: Pick<ApplicationRow, 'iec' | 'officeCode' | 'agencyCode' | 'status'>): boolean {
  const s = visibilityOf(p);
  if (s.all) return true;
  if (s.iec !== undefined && row.iec === s.iec) return true;
  if (s.officeCode !== undefined && row.officeCode === s.officeCode && SUBMITTED_STATUSES.includes(row.status)) return true;
  if (s.agencyCode !== undefined && row.agencyCode === s.agencyCode && row.status !== 'Draft') return true;
  return false;
}

/**
 * Who also sees the files of an application that were not submitted to the office (a deficiency
 * response's unsigned attempt, a reply superseded by a later signed one: `attachment.submitted` false)
 * and the response waiting for a signature: the exporter of the IEC, helpdesk and administrators. Officers
 * and agency administrators see only what the exporter signed.
 */
export function seesUnsubmitted(p: Principal, row: Pick<ApplicationRow, 'iec'>): boolean {
  return isOwner(p, row) || visibilityOf(p).all;
}

/** The same answer for an application that does not exist and one the caller may not see: no probing of ids. */
export function applicationNotFound(id: string): AppError {
  return new AppError(ErrorCode.NotFound, `Application ${id} was not found.`);
}

/** Only the exporter whose IEC filed the application changes it. */
export function isOwner(p: Principal, row: Pick<ApplicationRow, 'iec'>): boolean {
  return p.roles.includes('exporter') && p.iec !== undefined && p.iec === row.iec;
}

export function assertEditable(row: Pick<ApplicationRow, 'number' | 'status'>, what: string): void {
  if (EDITABLE_STATUSES.includes(row.status)) return;
  throw new AppError(
    ErrorCode.IllegalTransition,
    `Application ${row.number} is ${row.status}: ${what} is possible only while it is a Draft, or Deficient when you answer the officer's query by editing the application.`,
    { details: { applicationStatus: row.status } },
  );
}

/** The exporter's IEC, or a clear refusal for an exporter account not mapped to one. */
export function exporterIec(p: Principal): string {
  if (!p.iec) {
    throw new AppError(ErrorCode.Forbidden, 'Your account is not mapped to an IEC: sign in with the account of the IEC that files the application.');
  }
  return p.iec;
}
