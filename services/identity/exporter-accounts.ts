import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { ExporterAccount, ExporterUser } from '../../db/entities/exporter.js';
import { UserDsc, UserIdentityState } from '../../db/entities/identity.js';
import { IecRecord } from '../../db/entities/iec-record.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { iecStatusProblem } from '../../domain/identity/check-iec-status.js';
import { CONTACT_DETAILS_FROM_IEC, differingContactDetails } from '../../domain/identity/check-contact-details.js';
import { iecUsersOf, masterUserOf } from '../../domain/identity/iec-users.js';
import type { ExporterActor } from './actors.js';
import { recordAudit } from './audit.js';

export interface ExporterRegistrationInput {
  iec: string;
  /** the registrant's user id (token `sub`); must be the IEC's master user */
  requestedBy: string;
  /** contact details the registrant sent, if any: refused when they differ from the IEC master's */
  email?: string;
  mobile?: string;
  workflowId: string;
}

export interface ExporterAccountSummary {
  iec: string;
  firmName: string;
  status: string;
  masterUserId: string;
  registeredAt: string;
  outcome: 'created' | 'existing';
}

function summary(a: ExporterAccount, outcome: ExporterAccountSummary['outcome']): ExporterAccountSummary {
  return { iec: a.iec, firmName: a.firmName, status: a.status, masterUserId: a.masterUserId, registeredAt: a.registeredAt.toISOString(), outcome };
}

function onlyMaster(iec: string, masterName: string | null): AppError {
  return new AppError(
    ErrorCode.Forbidden,
    `Only the master user of IEC ${iec}${masterName ? ` (${masterName}, as listed in DGFT's IEC master)` : ''} can register it on this portal and map its other users.`,
  );
}

/** Throws the FAQ 5 answer when the registrant asks for other contact details than the IEC master's. */
export function assertContactDetailsFromIec(iec: string, sent: { email?: string | undefined; mobile?: string | undefined }, known: { email: string; mobile: string }[]): void {
  if (sent.email === undefined && sent.mobile === undefined) return;
  const differing = known.map((k) => differingContactDetails(sent, k));
  const worst = differing.reduce((a, b) => (a.length <= b.length ? a : b), ['email', 'mobile'] as ('email' | 'mobile')[]);
  if (worst.length === 0) return;
  throw new AppError(ErrorCode.ContactDetailsFromIec, CONTACT_DETAILS_FROM_IEC, {
    details: { iec, fields: worst, faq: 'seed 001, FAQ 5' },
    problems: worst.map((f) => ({ path: `body/${f}`, message: `differs from the ${f === 'email' ? 'e-mail address' : 'mobile number'} in the IEC master` })),
  });
}

/**
 * Creates the account of an IEC from the local copy of its IEC master record (saved just before by the
 * registration workflow), with its master user. Idempotent: a second call returns the existing account.
 * Refuses an IEC that is not active, a registrant who is not the master user, and other contact details.
 */
export async function createExporterAccount(em: EntityManager, input: ExporterRegistrationInput): Promise<ExporterAccountSummary> {
  return em.transactional(async (tx) => {
    const rec = await tx.findOne(IecRecord, { iec: input.iec });
    if (!rec) throw new AppError(ErrorCode.NotFound, `IEC ${input.iec} is not in the local IEC master yet.`);
    const master = masterUserOf(rec.data as { iec: string; users?: unknown });
    const existing = await tx.findOne(ExporterAccount, { iec: input.iec });
    if (existing) {
      if (input.requestedBy !== existing.masterUserId) throw onlyMaster(input.iec, master?.name ?? null);
      return summary(existing, 'existing');
    }
    const problem = iecStatusProblem({ iec: input.iec, status: rec.status, statusReason: rec.data.statusReason });
    if (problem) throw new AppError(ErrorCode.IecInactive, problem, { details: { iecStatus: rec.status } });
    if (!master) {
      throw new AppError(ErrorCode.Conflict, `DGFT's IEC master lists no master user for IEC ${input.iec}; the IEC holder must complete the IEC's user details at DGFT first.`);
    }
    if (input.requestedBy !== master.id) throw onlyMaster(input.iec, master.name);
    const data = rec.data as { email?: unknown; mobile?: unknown };
    assertContactDetailsFromIec(input.iec, input, [
      { email: master.email, mobile: master.mobile },
      { email: typeof data.email === 'string' ? data.email : master.email, mobile: typeof data.mobile === 'string' ? data.mobile : master.mobile },
    ]);

    const account = tx.create(ExporterAccount, {
      iec: input.iec,
      firmName: rec.firmName,
      status: 'active',
      masterUserId: master.id,
      registeredBy: input.requestedBy,
      workflowId: input.workflowId,
    });
    const now = new Date();
    tx.create(ExporterUser, {
      id: master.id,
      iec: input.iec,
      role: 'master',
      name: master.name,
      email: master.email,
      mobile: master.mobile,
      status: 'active',
      mappedBy: input.requestedBy,
      activatedAt: now,
      removedAt: null,
      removedBy: null,
    });
    recordAudit(tx, {
      key: `exporter.registered/${input.iec}`,
      subjectType: 'exporter',
      subjectId: input.iec,
      action: 'exporter.registered',
      actor: input.requestedBy,
      channel: 'workflow',
      details: { firmName: rec.firmName, masterUserId: master.id, workflowId: input.workflowId },
    });
    await tx.flush();
    return summary(account, 'created');
  });
}

export interface MapUserResult {
  outcome: 'mapped' | 'existing' | 'remapped';
  user: ExporterUserView;
  nextStep: string | null;
}

/**
 * The master user maps a person listed for the IEC in DGFT's IEC master (identified by e-mail) as an
 * additional user. The mapping stays pending until that person registers a valid DSC carrying the IEC.
 */
export async function mapExporterUser(em: EntityManager, actor: ExporterActor, iec: string, email: string): Promise<MapUserResult> {
  try {
    return await mapOnce(em, actor, iec, email);
  } catch (e) {
    // mapped twice at the same moment: the second call finds the first one's mapping
    if (e instanceof UniqueConstraintViolationException) return mapOnce(em.fork(), actor, iec, email);
    throw e;
  }
}

async function mapOnce(em: EntityManager, actor: ExporterActor, iec: string, email: string): Promise<MapUserResult> {
  if (actor.role !== 'master') throw onlyMaster(iec, null);
  return em.transactional(async (tx) => {
    const rec = await tx.findOneOrFail(IecRecord, { iec });
    const listed = iecUsersOf(rec.data as { iec: string; users?: unknown });
    const person = listed.find((u) => u.email.toLowerCase() === email.trim().toLowerCase());
    if (!person) {
      throw new AppError(
        ErrorCode.ValidationFailed,
        `No user with the e-mail ${email} is listed for IEC ${iec} in DGFT's IEC master. Additional users are added to the IEC on the DGFT portal first; ` +
          `then refresh the IEC record here (POST /v1/iec-master/${iec}/refresh) and map them.`,
        { problems: [{ path: 'body/email', message: 'not a user of this IEC in the IEC master' }], details: { listedUsers: listed.length } },
      );
    }
    if (person.role === 'master') {
      throw new AppError(ErrorCode.Conflict, `${person.name} is the master user of IEC ${iec}; only additional users are mapped.`);
    }
    const next = (u: ExporterUser) =>
      u.status === 'pending_dsc'
        ? `${u.name} signs in and registers a valid DSC carrying IEC ${iec} (POST /v1/me/dsc/challenge, then POST /v1/me/dsc); the mapping is complete then.`
        : null;
    const existing = await tx.findOne(ExporterUser, { id: person.id });
    if (existing) {
      if (existing.iec !== iec || existing.email.toLowerCase() !== person.email.toLowerCase()) {
        throw new AppError(
          ErrorCode.Conflict,
          `The IEC master's list of users for IEC ${iec} changed since user ${person.id} was mapped (it was ${existing.email}). Ask the helpdesk to reconcile the users of this IEC.`,
        );
      }
      if (existing.status !== 'removed') return { outcome: 'existing', user: exporterUserView(existing, null, 0), nextStep: next(existing) };
      existing.status = 'pending_dsc';
      existing.mappedBy = actor.userId;
      existing.mappedAt = new Date();
      existing.activatedAt = null;
      existing.removedAt = null;
      existing.removedBy = null;
      existing.name = person.name;
      existing.mobile = person.mobile;
      recordAudit(tx, { subjectType: 'user', subjectId: person.id, action: 'exporter.user-remapped', actor: actor.userId, channel: 'api', details: { iec } });
      return { outcome: 'remapped', user: exporterUserView(existing, null, 0), nextStep: next(existing) };
    }
    const user = tx.create(ExporterUser, {
      id: person.id,
      iec,
      role: 'additional',
      name: person.name,
      email: person.email,
      mobile: person.mobile,
      status: 'pending_dsc',
      mappedBy: actor.userId,
      activatedAt: null,
      removedAt: null,
      removedBy: null,
    });
    recordAudit(tx, { subjectType: 'user', subjectId: person.id, action: 'exporter.user-mapped', actor: actor.userId, channel: 'api', details: { iec, email: person.email } });
    await tx.flush();
    return { outcome: 'mapped', user: exporterUserView(user, null, 0), nextStep: next(user) };
  });
}

/** The master user removes an additional user; that user's DSCs stop being accepted for the IEC. */
export async function removeExporterUser(em: EntityManager, actor: ExporterActor, iec: string, userId: string): Promise<ExporterUserView> {
  if (actor.role !== 'master') throw onlyMaster(iec, null);
  return em.transactional(async (tx) => {
    const user = await tx.findOne(ExporterUser, { id: userId, iec });
    if (!user) throw new AppError(ErrorCode.NotFound, `User ${userId} is not mapped to IEC ${iec}.`);
    if (user.role === 'master') throw new AppError(ErrorCode.Conflict, 'The master user cannot be removed from the IEC.');
    if (user.status !== 'removed') {
      user.status = 'removed';
      user.removedAt = new Date();
      user.removedBy = actor.userId;
      const dscs = await tx.find(UserDsc, { userId, status: 'active' });
      for (const d of dscs) d.status = 'revoked';
      recordAudit(tx, { subjectType: 'user', subjectId: userId, action: 'exporter.user-removed', actor: actor.userId, channel: 'api', details: { iec, revokedDscs: dscs.length } });
    }
    return exporterUserView(user, null, 0);
  });
}

export type ExporterUserView = ReturnType<typeof exporterUserView>;

export function exporterUserView(u: ExporterUser, state: UserIdentityState | null, activeDscs: number) {
  return {
    id: u.id,
    iec: u.iec,
    role: u.role,
    name: u.name,
    email: u.email,
    mobile: u.mobile,
    status: u.status,
    mappedBy: u.mappedBy,
    mappedAt: u.mappedAt.toISOString(),
    activatedAt: u.activatedAt?.toISOString() ?? null,
    frozen: state?.frozen ?? false,
    activeDscs,
  };
}

/** The account with the company data from the IEC master and the users of the IEC. */
export async function exporterView(em: EntityManager, iec: string) {
  const account = await em.findOne(ExporterAccount, { iec });
  if (!account) return null;
  const [rec, users] = await Promise.all([em.findOne(IecRecord, { iec }), em.find(ExporterUser, { iec }, { orderBy: { id: 'asc' } })]);
  const ids = users.map((u) => u.id);
  const [states, dscs] = await Promise.all([em.find(UserIdentityState, { userId: { $in: ids } }), em.find(UserDsc, { userId: { $in: ids }, status: 'active' })]);
  const data = (rec?.data ?? {}) as Record<string, unknown>;
  const mapped = new Set(ids);
  return {
    iec: account.iec,
    firmName: rec?.firmName ?? account.firmName,
    status: account.status,
    iecStatus: rec?.status ?? null,
    registeredAt: account.registeredAt.toISOString(),
    masterUserId: account.masterUserId,
    company: {
      email: data.email ?? null,
      mobile: data.mobile ?? null,
      registeredAddress: data.registeredAddress ?? null,
      directors: data.directors ?? [],
      branches: data.branches ?? [],
      aeoNumber: data.aeoNumber ?? null,
      source: rec?.source ?? null,
      fetchedAt: rec?.fetchedAt.toISOString() ?? null,
    },
    users: users.map((u) =>
      exporterUserView(
        u,
        states.find((s) => s.userId === u.id) ?? null,
        dscs.filter((d) => d.userId === u.id).length,
      ),
    ),
    /** people the IEC master lists for this IEC who are not mapped yet */
    unmappedIecUsers: iecUsersOf({ iec, users: data.users }).filter((u) => !mapped.has(u.id)).map((u) => ({ name: u.name, email: u.email, role: u.role })),
  };
}
