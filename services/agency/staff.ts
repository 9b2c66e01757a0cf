import { createHash, randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AgencyOfficeRow, IssuingAgencyRow, StaffRegistrationRow, StaffUserRow, type StaffRegistrationKind, type StaffRegistrationStatus } from '../../db/entities/index.js';
import { inspectUpload, type UploadPolicy } from '../../domain/application/check-upload.js';
import type { Principal } from '../../lib/auth/roles.js';
import { AppError, ErrorCode, type FieldProblem } from '../../lib/errors.js';
import { recordAudit, type AuditChannel } from '../identity/audit.js';
import type { Notifier } from '../notification/notifier.js';

/**
 * Administrators and officers of an agency (seed 002 §3.I.i, vi, viii; §3.II):
 * - a signed-in person asks to become an agency's administrator (with the authorisation letter on the
 *   agency's letterhead, a PDF) or an officer of one of its offices, with their official e-mail on the
 *   agency's domain (the domains of its offices' e-mails);
 * - the platform administrator decides administrators; the agency's administrator decides officers (the
 *   platform administrator may decide either); the applicant is told by e-mail (the outbox);
 * - an approval makes the applicant's sign-in (the token's subject) an active staff user of the agency;
 * - administrators activate, deactivate and map their agency's officers to its offices.
 * Every change is one transaction with its audit event (before and after for activation and mapping).
 */

export interface Decider {
  id: string;
  name: string;
  /** an agency administrator's agency; undefined for the platform administrator */
  agencyCode: string | undefined;
  platform: boolean;
}

const actorOf = (d: { id: string; name: string }) => `${d.id} (${d.name})`;

/** An administrator's request is decided by the platform administrator; an officer's by their agency's administrator (or the platform's). */
function assertDecides(d: Decider, r: Pick<StaffRegistrationRow, 'kind' | 'agencyCode'>): void {
  if (d.platform) return;
  if (r.kind === 'administrator') throw new AppError(ErrorCode.Forbidden, "A request to become an agency's administrator is decided by the platform administrator (DGFT).");
  assertAgency(d, r.agencyCode);
}

function assertAgency(d: Decider, agencyCode: string): void {
  if (d.platform) return;
  if (!d.agencyCode) throw new AppError(ErrorCode.Forbidden, 'Your administrator account is not mapped to an agency.');
  if (d.agencyCode !== agencyCode) throw new AppError(ErrorCode.Forbidden, `You administer ${d.agencyCode}; the staff of ${agencyCode} are managed by its own administrator.`);
}

// ---- registration requests ----

/** The authorisation letter: one PDF (detected by its content), at most 1 MB (it travels base64 in a JSON body). */
export const AUTHORISATION_LETTER_POLICY: UploadPolicy = { purpose: 'an authorisation letter', maxBytes: 1024 * 1024, maxFiles: 1, allowed: ['pdf'] };

export interface RegistrationInput {
  kind: StaffRegistrationKind;
  agencyCode: string;
  officeCode?: string | undefined;
  name: string;
  email: string;
  designation: string;
  letter?: { fileName: string; contentB64: string } | undefined;
}

export interface RegistrationView {
  id: string;
  kind: StaffRegistrationKind;
  requestedBy: string;
  agencyCode: string;
  officeCode: string | null;
  name: string;
  email: string;
  designation: string;
  letter: { fileName: string; contentType: string; sha256: string } | null;
  status: StaffRegistrationStatus;
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
  createdAt: string;
}

function registrationView(r: StaffRegistrationRow): RegistrationView {
  return {
    id: r.id,
    kind: r.kind,
    requestedBy: r.requestedBy,
    agencyCode: r.agencyCode,
    officeCode: r.officeCode ?? null,
    name: r.name,
    email: r.email,
    designation: r.designation,
    letter: r.letterFileName && r.letterContentType && r.letterSha256 ? { fileName: r.letterFileName, contentType: r.letterContentType, sha256: r.letterSha256 } : null,
    status: r.status,
    decidedBy: r.decidedBy ?? null,
    decidedAt: r.decidedAt ? r.decidedAt.toISOString() : null,
    reason: r.reason ?? null,
    createdAt: r.createdAt.toISOString(),
  };
}

/** The agency's e-mail domains: those of its offices' e-mails (the reference data, as the agency's administrator keeps it). */
export async function agencyDomains(em: EntityManager, agencyCode: string): Promise<string[]> {
  const offices = await em.find(AgencyOfficeRow, { agencyCode });
  const domains = new Set(offices.map((o) => o.data.email.split('@')[1]?.toLowerCase()).filter((d): d is string => !!d));
  return [...domains].sort();
}

function invalid(problems: FieldProblem[]): AppError {
  return new AppError(ErrorCode.ValidationFailed, `The registration cannot be accepted: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}.`, { problems });
}

/**
 * Where a request lands besides the API's list: an officer's request is posted in the Slack channel of the
 * office asked for, with Approve and Reject, and the message is rewritten with the decision however it was
 * taken (channels/slack/staff-registrations.ts). Neither call throws: Slack being away never fails a request
 * or a decision.
 */
export interface RegistrationBoard {
  announce(view: RegistrationView): Promise<void>;
  showDecision(view: RegistrationView): Promise<void>;
}

export async function requestRegistration(em: EntityManager, p: Principal, input: RegistrationInput, board?: RegistrationBoard): Promise<RegistrationView> {
  const view = await em.transactional(async (tx) => {
    const problems: FieldProblem[] = [];
    const agency = await tx.findOne(IssuingAgencyRow, { code: input.agencyCode });
    if (!agency) throw invalid([{ path: 'body/agencyCode', message: `agency ${input.agencyCode} is not an issuing agency of this portal` }]);
    if (input.kind === 'officer') {
      if (!input.officeCode) problems.push({ path: 'body/officeCode', message: 'an officer registers for one regional office of the agency' });
      else {
        const office = await tx.findOne(AgencyOfficeRow, { code: input.officeCode });
        if (!office || office.agencyCode !== input.agencyCode) problems.push({ path: 'body/officeCode', message: `${input.officeCode} is not an office of ${input.agencyCode}` });
        else if (!office.active) problems.push({ path: 'body/officeCode', message: `${input.officeCode} is deactivated` });
      }
      if (input.letter) problems.push({ path: 'body/letter', message: "an officer's registration carries no authorisation letter: it is the administrator's" });
    } else if (input.officeCode) {
      problems.push({ path: 'body/officeCode', message: 'an administrator registers for the agency, not for an office' });
    }
    const domains = await agencyDomains(tx, input.agencyCode);
    const domain = input.email.split('@')[1]?.toLowerCase() ?? '';
    if (!domains.includes(domain)) {
      problems.push({ path: 'body/email', message: `${input.email} is not an official e-mail of ${input.agencyCode}: use your address on ${domains.map((d) => `@${d}`).join(' or ') || "the agency's domain"}` });
    }
    let letter: { bytes: Buffer; fileName: string; contentType: string } | undefined;
    if (input.kind === 'administrator') {
      if (!input.letter) problems.push({ path: 'body/letter', message: "attach the authorisation letter on the agency's letterhead (a PDF)" });
      else {
        const bytes = Buffer.from(input.letter.contentB64, 'base64');
        const checked = inspectUpload({ fileName: input.letter.fileName, bytes }, AUTHORISATION_LETTER_POLICY, 'body/letter');
        if (!checked.ok) problems.push(...checked.problems);
        else letter = { bytes, fileName: checked.safeName, contentType: checked.contentType };
      }
    }
    if (problems.length) throw invalid(problems);
    const open = await tx.findOne(StaffRegistrationRow, { requestedBy: p.sub, status: 'pending' });
    if (open) throw new AppError(ErrorCode.Conflict, `You already have a registration waiting for a decision (${open.id}, as ${open.kind} of ${open.agencyCode}).`, { details: { registrationId: open.id } });
    const staff = await tx.findOne(StaffUserRow, { id: p.sub });
    if (staff?.active) throw new AppError(ErrorCode.Conflict, `Your sign-in (${p.sub}) is already an active ${staff.role} of ${staff.agencyCode ?? 'the platform'}.`);
    const row = tx.create(StaffRegistrationRow, {
      id: randomUUID(),
      kind: input.kind,
      requestedBy: p.sub,
      agencyCode: input.agencyCode,
      officeCode: input.officeCode ?? null,
      name: input.name,
      email: input.email,
      designation: input.designation,
      letterFileName: letter?.fileName ?? null,
      letterContentType: letter?.contentType ?? null,
      letter: letter?.bytes ?? null,
      letterSha256: letter ? createHash('sha256').update(letter.bytes).digest('hex') : null,
      status: 'pending',
      decidedBy: null,
      decidedAt: null,
      reason: null,
    });
    recordAudit(tx, {
      subjectType: 'staff-registration',
      subjectId: row.id,
      action: 'staff-registration.requested',
      actor: `${p.sub} (${p.name})`,
      channel: 'api',
      details: { after: { kind: row.kind, agencyCode: row.agencyCode, officeCode: row.officeCode, name: row.name, email: row.email, designation: row.designation, letterSha256: row.letterSha256 } },
    });
    await tx.flush();
    return registrationView(row);
  });
  await board?.announce(view);
  return view;
}

/** One request as its decider sees it. */
export async function getRegistration(em: EntityManager, id: string): Promise<RegistrationView | null> {
  const row = await em.findOne(StaffRegistrationRow, { id });
  return row ? registrationView(row) : null;
}

export async function listRegistrations(em: EntityManager, d: Decider, status?: StaffRegistrationStatus): Promise<RegistrationView[]> {
  const where = {
    ...(status ? { status } : {}),
    // an agency's administrator sees the officers' requests of their agency; the platform administrator every request
    ...(d.platform ? {} : { kind: 'officer' as const, agencyCode: d.agencyCode ?? '\u0000' }),
  };
  const rows = await em.find(StaffRegistrationRow, where, { orderBy: { createdAt: 'asc' }, limit: 500 });
  return rows.map(registrationView);
}

export interface DecisionDeps {
  notifier: Notifier;
  portalUrl: string;
  onNotifyError: (e: unknown, registrationId: string) => void;
  /** the request's Slack message, rewritten with the decision */
  board?: RegistrationBoard | undefined;
}

/** Where a decision was taken, for the audit trail. */
export type DecisionChannel = Extract<AuditChannel, 'api' | 'slack'>;

async function loadForDecision(tx: EntityManager, d: Decider, id: string): Promise<StaffRegistrationRow> {
  const row = await tx.findOne(StaffRegistrationRow, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!row) throw new AppError(ErrorCode.NotFound, `Registration ${id} was not found.`);
  assertDecides(d, row);
  if (row.status !== 'pending') {
    throw new AppError(ErrorCode.AlreadyDecided, `Registration ${id} was already ${row.status} by ${row.decidedBy} on ${row.decidedAt?.toISOString()}.`, { details: { status: row.status } });
  }
  return row;
}

export async function approveRegistration(em: EntityManager, deps: DecisionDeps, d: Decider, id: string, channel: DecisionChannel = 'api'): Promise<RegistrationView> {
  const row = await em.transactional(async (tx) => {
    const r = await loadForDecision(tx, d, id);
    if (r.officeCode) {
      const office = await tx.findOne(AgencyOfficeRow, { code: r.officeCode });
      if (!office?.active) throw new AppError(ErrorCode.Conflict, `Office ${r.officeCode} is no longer active: reject the request, or activate the office first.`);
    }
    const role = r.kind === 'administrator' ? 'agency-admin' : 'officer';
    const existing = await tx.findOne(StaffUserRow, { id: r.requestedBy });
    const before = existing ? staffSnapshot(existing) : null;
    const staff = existing ?? tx.create(StaffUserRow, { id: r.requestedBy, role, name: r.name, email: r.email, designation: r.designation, agencyCode: r.agencyCode, officeCode: r.officeCode ?? null, active: true });
    Object.assign(staff, { role, name: r.name, email: r.email, designation: r.designation, agencyCode: r.agencyCode, officeCode: r.officeCode ?? null, active: true });
    Object.assign(r, { status: 'approved', decidedBy: actorOf(d), decidedAt: new Date(), reason: null });
    recordAudit(tx, { subjectType: 'staff-registration', subjectId: r.id, action: 'staff-registration.approved', actor: actorOf(d), channel, details: { staffUserId: staff.id, role } });
    recordAudit(tx, { subjectType: 'user', subjectId: staff.id, action: 'staff.registered', actor: actorOf(d), channel, details: { before, after: staffSnapshot(staff), registrationId: r.id } });
    await tx.flush();
    return r;
  });
  return decided(deps, row);
}

export async function rejectRegistration(em: EntityManager, deps: DecisionDeps, d: Decider, id: string, reason: string, channel: DecisionChannel = 'api'): Promise<RegistrationView> {
  const row = await em.transactional(async (tx) => {
    const r = await loadForDecision(tx, d, id);
    Object.assign(r, { status: 'rejected', decidedBy: actorOf(d), decidedAt: new Date(), reason });
    recordAudit(tx, { subjectType: 'staff-registration', subjectId: r.id, action: 'staff-registration.rejected', actor: actorOf(d), channel, details: { reason } });
    await tx.flush();
    return r;
  });
  return decided(deps, row);
}

/** The applicant is told, and the request's Slack message shows the decision. */
async function decided(deps: DecisionDeps, row: StaffRegistrationRow): Promise<RegistrationView> {
  await tell(deps, row);
  const view = registrationView(row);
  await deps.board?.showDecision(view);
  return view;
}

/**
 * The agency administrator a staff user is, for a decision taken outside the API (a Slack click: the Slack
 * user's link names the staff user): the same rule as the API's (`administratorOnDuty`), an active, approved
 * `agency-admin` staff user, deciding for that row's agency.
 */
export async function agencyAdministrator(em: EntityManager, staffUserId: string): Promise<Decider> {
  const staff = await em.findOne(StaffUserRow, { id: staffUserId });
  if (!staff || staff.role !== 'agency-admin' || !staff.agencyCode) {
    const as = staff ? `${staff.name} (${staff.id}), ${staff.role === 'officer' ? `an officer of ${staff.officeCode ?? staff.agencyCode}` : `a ${staff.role} user`}` : `${staffUserId}, not a registered staff user`;
    throw new AppError(ErrorCode.Forbidden, `Only an administrator of the agency decides officers' registrations; your Slack account is linked to ${as}.`);
  }
  if (!staff.active) throw new AppError(ErrorCode.Forbidden, `Your administrator account (${staff.id}) is deactivated: registrations are decided by an active administrator of ${staff.agencyCode}.`);
  return { id: staff.id, name: staff.name, agencyCode: staff.agencyCode, platform: false };
}

/** The applicant is told by e-mail, through the outbox (once per decision, whatever the retries). */
async function tell(deps: DecisionDeps, r: StaffRegistrationRow): Promise<void> {
  const as = r.kind === 'administrator' ? `administrator of ${r.agencyCode}` : `officer of ${r.agencyCode} at ${r.officeCode}`;
  const decider = (r.decidedBy ?? '').replace(/^[^ ]+ \((.*)\)$/, '$1');
  const text =
    r.status === 'approved'
      ? `Dear ${r.name},\n\nYour registration as ${as} was approved by ${decider}. Sign in to ${deps.portalUrl} with the same account to start.\n`
      : `Dear ${r.name},\n\nYour registration as ${as} was rejected by ${decider}.\n\nReason: ${r.reason}\n\nYou may register again with the corrections asked for.\n`;
  try {
    await deps.notifier.send({
      key: `staff-registration/${r.id}/${r.status}`,
      channel: 'email',
      to: r.email,
      template: `staff-registration-${r.status}`,
      subject: `Your registration as ${as}: ${r.status}`,
      text,
    });
  } catch (e) {
    deps.onNotifyError(e, r.id);
  }
}

// ---- staff of an agency: activation, deactivation, mapping ----

export interface StaffView {
  id: string;
  role: string;
  name: string;
  email: string;
  designation: string;
  agencyCode: string | null;
  officeCode: string | null;
  active: boolean;
}

function staffSnapshot(s: StaffUserRow): StaffView {
  return { id: s.id, role: s.role, name: s.name, email: s.email, designation: s.designation, agencyCode: s.agencyCode ?? null, officeCode: s.officeCode ?? null, active: s.active };
}

export async function listStaff(em: EntityManager, d: Decider, agencyCode: string): Promise<StaffView[]> {
  if (!(await em.findOne(IssuingAgencyRow, { code: agencyCode }))) throw new AppError(ErrorCode.NotFound, `Agency ${agencyCode} is not known.`);
  assertAgency(d, agencyCode);
  const rows = await em.find(StaffUserRow, { agencyCode }, { orderBy: { role: 'asc', id: 'asc' } });
  return rows.map(staffSnapshot);
}

export interface StaffChanges {
  active?: boolean | undefined;
  officeCode?: string | undefined;
}

/**
 * Activates, deactivates or maps a staff user to an office of their agency. An agency's administrator
 * manages its officers; the platform administrator also its administrators. Nobody deactivates themselves.
 */
export async function updateStaff(em: EntityManager, d: Decider, id: string, changes: StaffChanges): Promise<StaffView> {
  return em.transactional(async (tx) => {
    const staff = await tx.findOne(StaffUserRow, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!staff || !staff.agencyCode) throw new AppError(ErrorCode.NotFound, `Staff user ${id} was not found.`);
    assertAgency(d, staff.agencyCode);
    if (!d.platform && staff.role !== 'officer') throw new AppError(ErrorCode.Forbidden, `${staff.name} is an agency administrator: the platform administrator manages administrators.`);
    if (staff.id === d.id && changes.active === false) throw new AppError(ErrorCode.Conflict, 'You cannot deactivate your own account.');
    const before = staffSnapshot(staff);
    if (changes.officeCode !== undefined) {
      if (staff.role !== 'officer') throw invalidStaff('body/officeCode', 'only officers are mapped to an office');
      const office = await tx.findOne(AgencyOfficeRow, { code: changes.officeCode });
      if (!office || office.agencyCode !== staff.agencyCode) throw invalidStaff('body/officeCode', `${changes.officeCode} is not an office of ${staff.agencyCode}`);
      if (!office.active) throw invalidStaff('body/officeCode', `${changes.officeCode} is deactivated`);
      staff.officeCode = office.code;
    }
    if (changes.active !== undefined) staff.active = changes.active;
    const after = staffSnapshot(staff);
    const actor = actorOf(d);
    if (before.officeCode !== after.officeCode) {
      recordAudit(tx, { subjectType: 'user', subjectId: staff.id, action: 'staff.mapped', actor, channel: 'api', details: { before: { officeCode: before.officeCode }, after: { officeCode: after.officeCode } } });
    }
    if (before.active !== after.active) {
      recordAudit(tx, { subjectType: 'user', subjectId: staff.id, action: after.active ? 'staff.activated' : 'staff.deactivated', actor, channel: 'api', details: { before: { active: before.active }, after: { active: after.active } } });
    }
    await tx.flush();
    return after;
  });
}

function invalidStaff(path: string, message: string): AppError {
  return new AppError(ErrorCode.ValidationFailed, `The change cannot be saved: ${path}: ${message}.`, { problems: [{ path, message }] });
}
