import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { ExporterUser } from '../../db/entities/exporter.js';
import { UserIdentityState, type FreezeDetails, type UserKind } from '../../db/entities/identity.js';
import { IecRecord } from '../../db/entities/iec-record.js';
import { iecUsersOf } from '../../domain/identity/iec-users.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { matchNames, normaliseName } from '../../domain/identity/match-names.js';
import { recordAudit, type AuditChannel } from './audit.js';

/**
 * The identity-matching threshold (seed 000) as a state: a name mismatch freezes a user's automated
 * verification; while frozen, every signing attempt (DSC registration, signatures, eSign) is refused with
 * `user_frozen` and the explanation, until a helpdesk or admin user unfreezes it (who, when, why recorded).
 */

const day = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

/** `helpdeskAddress`: this system's helpdesk (HELPDESK_ADDRESS), where the user is told to write. */
export function frozenError(state: UserIdentityState, helpdeskAddress: string): AppError {
  const since = state.frozenAt ? ` since ${day(state.frozenAt)}` : '';
  return new AppError(
    ErrorCode.UserFrozen,
    `Automated verification of your account is frozen${since}. ${state.frozenReason ?? ''} ` +
      `A helpdesk or administrator user must resolve it before you can sign or register a DSC: write to the CoO helpdesk (${helpdeskAddress}) quoting your user id ${state.userId}.`,
    {
      details: {
        userId: state.userId,
        frozenAt: state.frozenAt?.toISOString() ?? null,
        reason: state.frozenCode,
        explanation: state.frozenReason,
        ...(state.frozenDetails ? { profileName: state.frozenDetails.profileName, certificateName: state.frozenDetails.certificateName, differences: state.frozenDetails.differences } : {}),
      },
    },
  );
}

export async function identityStateOf(em: EntityManager, userId: string): Promise<UserIdentityState | null> {
  return em.findOne(UserIdentityState, { userId }, { refresh: true });
}

export async function assertNotFrozen(em: EntityManager, userId: string, helpdeskAddress: string): Promise<void> {
  const state = await identityStateOf(em, userId);
  if (state?.frozen) throw frozenError(state, helpdeskAddress);
}

export interface NameCheckInput {
  em: EntityManager;
  userId: string;
  userKind: UserKind;
  profileName: string;
  certificateName: string;
  source: 'dsc' | 'esign';
  /** where it happened, for the record: "DSC registration", "signature on signing request …" */
  context: string;
  fingerprintSha256?: string;
  channel: 'api' | 'workflow';
  /** this system's helpdesk address, named in the message */
  helpdeskAddress: string;
}

/**
 * Applies the threshold: passes when the names match (or the certificate name was accepted by the
 * helpdesk for this user); otherwise freezes the user (committed on its own, since the caller's
 * operation fails) and throws `dsc_name_mismatch` with the explanation.
 */
export async function checkNameOrFreeze(input: NameCheckInput): Promise<void> {
  const state = await identityStateOf(input.em, input.userId);
  const accepted = (state?.acceptedNames ?? []).map((n) => normaliseName(n).toLowerCase());
  if (accepted.includes(normaliseName(input.certificateName).toLowerCase())) return;
  const result = matchNames({ profileName: input.profileName, certificateName: input.certificateName });
  if (result.match) return;

  const explanation =
    input.source === 'esign'
      ? result.explanation.replace('the name in your digital signature certificate', 'the name in your Aadhaar record (returned by eSign)')
      : result.explanation;
  const details: FreezeDetails = {
    source: input.source,
    profileName: input.profileName,
    certificateName: input.certificateName,
    differences: result.differences.map((d) => ({ kind: d.kind, description: d.description, certificateText: d.certificateText, profileText: d.profileText })),
    ...(input.fingerprintSha256 ? { fingerprintSha256: input.fingerprintSha256 } : {}),
    context: input.context,
  };
  const frozen = await freezeUser(input.em, { userId: input.userId, userKind: input.userKind, code: ErrorCode.DscNameMismatch, reason: explanation, details, channel: input.channel });
  throw new AppError(
    ErrorCode.DscNameMismatch,
    `${explanation} Automated verification of your account is now frozen until a helpdesk or administrator user resolves it (write to ${input.helpdeskAddress}).`,
    {
      status: 422,
      details: {
        frozen: true,
        frozenAt: frozen.frozenAt?.toISOString() ?? null,
        profileName: input.profileName,
        certificateName: input.certificateName,
        differences: details.differences,
      },
    },
  );
}

/** Freezes in its own transaction; a user already frozen keeps the first reason. */
export async function freezeUser(
  em: EntityManager,
  f: { userId: string; userKind: UserKind; code: string; reason: string; details: FreezeDetails; channel: 'api' | 'workflow' },
): Promise<UserIdentityState> {
  return em.fork().transactional(async (tx) => {
    await tx
      .getConnection()
      .execute('insert into "user_identity" ("user_id", "user_kind", "frozen", "freeze_count", "updated_at") values (?, ?, false, 0, now()) on conflict do nothing', [f.userId, f.userKind]);
    const state = await tx.findOneOrFail(UserIdentityState, { userId: f.userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (state.frozen) return state;
    state.frozen = true;
    state.frozenAt = new Date();
    state.frozenCode = f.code;
    state.frozenReason = f.reason;
    state.frozenDetails = f.details;
    state.freezeCount += 1;
    recordAudit(tx, {
      subjectType: 'user',
      subjectId: f.userId,
      action: 'identity.frozen',
      actor: 'system',
      channel: f.channel,
      details: { code: f.code, explanation: f.reason, ...f.details },
    });
    return state;
  });
}

/**
 * Unfreezes (helpdesk/admin), recorded in the audit trail with the channel it came through (the API, or Slack
 * from a helpdesk ticket). Optionally accepts the certificate name that froze the user as verified by hand.
 * An exporter user's profile name is taken again from the local IEC master copy, so a name corrected at DGFT
 * (then refreshed here: POST /v1/iec-master/{iec}/refresh) applies from now on.
 */
export async function unfreezeUser(
  em: EntityManager,
  u: { userId: string; by: string; byName: string; reason: string; acceptCertificateName: boolean; channel: AuditChannel },
): Promise<UserIdentityState> {
  return em.fork().transactional(async (tx) => {
    const state = await tx.findOne(UserIdentityState, { userId: u.userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!state?.frozen) {
      throw new AppError(ErrorCode.AlreadyDone, `User ${u.userId} is not frozen: there is nothing to unfreeze.`, {
        details: state?.unfrozenAt ? { unfrozenAt: state.unfrozenAt.toISOString(), unfrozenBy: state.unfrozenBy } : {},
      });
    }
    const acceptedName = u.acceptCertificateName ? (state.frozenDetails?.certificateName ?? null) : null;
    if (acceptedName) state.acceptedNames = [...new Set([...(state.acceptedNames ?? []), normaliseName(acceptedName)])];
    const profileName = await syncProfileName(tx, u.userId);
    state.frozen = false;
    state.unfrozenAt = new Date();
    state.unfrozenBy = u.by;
    state.unfrozenReason = u.reason;
    recordAudit(tx, {
      subjectType: 'user',
      subjectId: u.userId,
      action: 'identity.unfrozen',
      actor: u.by,
      channel: u.channel,
      details: {
        reason: u.reason,
        byName: u.byName,
        frozenAt: state.frozenAt?.toISOString() ?? null,
        frozenCode: state.frozenCode,
        ...(acceptedName ? { acceptedCertificateName: acceptedName } : {}),
        ...(profileName ? { profileName } : {}),
      },
    });
    return state;
  });
}

async function syncProfileName(em: EntityManager, userId: string): Promise<{ before: string; after: string } | null> {
  const user = await em.findOne(ExporterUser, { id: userId });
  if (!user) return null;
  const rec = await em.findOne(IecRecord, { iec: user.iec });
  const listed = rec ? iecUsersOf(rec.data as { iec: string; users?: unknown }).find((u) => u.id === userId) : undefined;
  if (!listed || listed.email.toLowerCase() !== user.email.toLowerCase() || listed.name === user.name) return null;
  const change = { before: user.name, after: listed.name };
  user.name = listed.name;
  return change;
}

export function identityStateView(state: UserIdentityState | null) {
  return {
    frozen: state?.frozen ?? false,
    frozenAt: state?.frozen ? (state.frozenAt?.toISOString() ?? null) : null,
    reason: state?.frozen ? state.frozenCode : null,
    explanation: state?.frozen ? state.frozenReason : null,
    differences: state?.frozen ? (state.frozenDetails?.differences ?? []) : [],
    profileName: state?.frozen ? (state.frozenDetails?.profileName ?? null) : null,
    certificateName: state?.frozen ? (state.frozenDetails?.certificateName ?? null) : null,
    freezeCount: state?.freezeCount ?? 0,
    lastUnfrozen: state?.unfrozenAt ? { at: state.unfrozenAt.toISOString(), by: state.unfrozenBy, reason: state.unfrozenReason } : null,
    acceptedNames: state?.acceptedNames ?? [],
  };
}
