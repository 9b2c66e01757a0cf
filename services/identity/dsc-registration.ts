import { randomBytes, randomUUID } from 'node:crypto';
import { LockMode, UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { ExporterUser } from '../../db/entities/exporter.js';
import { SigningRequest, UserDsc } from '../../db/entities/identity.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { canonicalDocument } from '../../domain/identity/canonical.js';
import { verifyDsc, type DscFacts } from '../../domain/identity/verify-dsc.js';
import { verifyDetachedSignature } from '../../domain/identity/verify-signature.js';
import { actorColumns, type Actor } from './actors.js';
import { recordAudit } from './audit.js';
import { assertNotFrozen, checkNameOrFreeze } from './freeze.js';
import type { IdentitySetup } from './identity-setup.js';

/**
 * DSC registration: the user asks for a challenge (canonical bytes naming the user), signs it with the
 * DSC token, and sends the certificate and the signature. The server checks every DSC rule on the
 * certificate (with the user's IEC for exporters, none for officers), that the signature over the
 * challenge was made with that certificate's key (possession), and the identity-matching threshold.
 * For an additional exporter user this completes the mapping to the IEC (seed 000).
 */

export const DSC_CHALLENGE_PURPOSE = 'dsc-registration';
const CHALLENGE_TTL_MS = 10 * 60 * 1000;

export function assertMayRegisterDsc(actor: Actor): void {
  if (actor.kind === 'staff' && actor.role !== 'officer') {
    throw new AppError(ErrorCode.Forbidden, 'Only exporter users and officers register a digital signature certificate.');
  }
}

/** `helpdeskAddress`: this system's helpdesk, named when the account is frozen. */
export async function createDscChallenge(em: EntityManager, actor: Actor, helpdeskAddress: string) {
  assertMayRegisterDsc(actor);
  await assertNotFrozen(em, actor.userId, helpdeskAddress);
  const id = randomUUID();
  const issuedAt = new Date();
  const expiresAt = new Date(issuedAt.getTime() + CHALLENGE_TTL_MS);
  const cols = actorColumns(actor);
  const doc = canonicalDocument({
    purpose: DSC_CHALLENGE_PURPOSE,
    statement: 'I register the digital signature certificate that signs this challenge for my account on the Certificate of Origin portal.',
    challengeId: id,
    userId: actor.userId,
    name: actor.name,
    ...(cols.iec ? { iec: cols.iec } : { officeCode: cols.officeCode }),
    nonce: randomBytes(16).toString('hex'),
    issuedAt: issuedAt.toISOString(),
    expiresAt: expiresAt.toISOString(),
  });
  em.create(SigningRequest, {
    id,
    ...cols,
    purpose: DSC_CHALLENGE_PURPOSE,
    reference: null,
    content: doc.bytes,
    contentSha256: doc.sha256,
    status: 'pending',
    expiresAt,
    esignTransactionId: null,
    signedDocumentId: null,
  });
  await em.flush();
  return { challengeId: id, contentBase64: doc.base64, contentSha256: doc.sha256, expiresAt: expiresAt.toISOString() };
}

export interface RegisterDscInput {
  challengeId: string;
  /** PEM, or base64 DER */
  certificate: string;
  /** detached CMS signature over the challenge bytes, base64 */
  signature: string;
}

export function dscView(d: UserDsc) {
  return {
    id: d.id,
    userId: d.userId,
    iec: d.iec,
    subject: d.subject,
    subjectCommonName: d.subjectCommonName,
    issuer: d.issuer,
    serialNumber: d.serialNumber,
    fingerprintSha256: d.fingerprintSha256,
    notBefore: d.notBefore.toISOString(),
    notAfter: d.notAfter.toISOString(),
    class: d.dscClass,
    status: d.status,
    registeredAt: d.registeredAt.toISOString(),
  };
}

export async function registerDsc(em: EntityManager, identity: IdentitySetup, actor: Actor, input: RegisterDscInput, now = new Date()) {
  assertMayRegisterDsc(actor);
  await assertNotFrozen(em, actor.userId, identity.helpdeskAddress);
  const challenge = await em.findOne(SigningRequest, { id: input.challengeId, userId: actor.userId, purpose: DSC_CHALLENGE_PURPOSE });
  if (!challenge) throw new AppError(ErrorCode.NotFound, 'This DSC registration challenge does not exist for you. Ask for a new one (POST /v1/me/dsc/challenge).');
  if (challenge.status === 'pending' && challenge.expiresAt < now) {
    throw new AppError(ErrorCode.SigningRequestExpired, 'This DSC registration challenge has expired (they are valid for 10 minutes). Ask for a new one and sign it.');
  }

  const cols = actorColumns(actor);
  const facts: DscFacts = verifyDsc({ certificate: input.certificate, trustedCaPems: identity.trustedCaPems, expectedIec: cols.iec, now, options: { iecRule: identity.iecRule } });
  const signature = verifyDetachedSignature({ signature: input.signature, content: challenge.content });
  if (signature.signerFingerprintSha256 !== facts.fingerprintSha256) {
    throw new AppError(
      ErrorCode.SignatureInvalid,
      `The challenge was signed with another certificate than the one you are registering ("${facts.subjectCommonName}"). Sign the challenge with the DSC you register.`,
      { details: { reason: 'signer certificate differs from the registered certificate', signerFingerprintSha256: signature.signerFingerprintSha256 } },
    );
  }
  await identity.revocation?.assertNotRevoked(facts);
  if (challenge.status === 'signed') {
    const done = await em.findOne(UserDsc, { userId: actor.userId, fingerprintSha256: facts.fingerprintSha256, status: 'active' });
    if (done) return { outcome: 'existing' as const, dsc: dscView(done), userStatus: await statusOf(em, actor) };
    throw new AppError(ErrorCode.AlreadyDone, 'This DSC registration challenge has already been used. Ask for a new one (POST /v1/me/dsc/challenge).');
  }

  await checkNameOrFreeze({
    em,
    userId: actor.userId,
    userKind: cols.userKind,
    profileName: actor.name,
    certificateName: facts.subjectCommonName,
    source: 'dsc',
    context: 'DSC registration',
    fingerprintSha256: facts.fingerprintSha256,
    channel: 'api',
    helpdeskAddress: identity.helpdeskAddress,
  });

  try {
    return await storeDsc(em, actor, challenge.id, facts);
  } catch (e) {
    // the same DSC registered at the same moment with another challenge: one wins, the other sees it
    if (!(e instanceof UniqueConstraintViolationException)) throw e;
    const done = await em.fork().findOne(UserDsc, { userId: actor.userId, fingerprintSha256: facts.fingerprintSha256 });
    if (!done) throw e;
    return { outcome: 'existing' as const, dsc: dscView(done), userStatus: await statusOf(em.fork(), actor) };
  }
}

async function storeDsc(em: EntityManager, actor: Actor, challengeId: string, facts: DscFacts) {
  const cols = actorColumns(actor);
  return em.transactional(async (tx) => {
    const ch = await tx.findOneOrFail(SigningRequest, { id: challengeId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (ch.status !== 'pending') throw new AppError(ErrorCode.AlreadyDone, 'This DSC registration challenge has just been used. Ask for a new one.');
    ch.status = 'signed';
    let outcome: 'registered' | 'existing' = 'registered';
    let dsc = await tx.findOne(UserDsc, { userId: actor.userId, fingerprintSha256: facts.fingerprintSha256 });
    if (dsc && dsc.status === 'active') {
      outcome = 'existing';
    } else if (dsc) {
      dsc.status = 'active';
      dsc.challengeId = ch.id;
    } else {
      dsc = tx.create(UserDsc, {
        id: randomUUID(),
        userId: actor.userId,
        userKind: cols.userKind,
        iec: facts.iec,
        fingerprintSha256: facts.fingerprintSha256,
        serialNumber: facts.serialNumber,
        subject: facts.subject,
        subjectCommonName: facts.subjectCommonName,
        issuer: facts.issuer,
        notBefore: new Date(facts.notBefore),
        notAfter: new Date(facts.notAfter),
        dscClass: facts.class,
        certificatePem: facts.certificatePem,
        status: 'active',
        challengeId: ch.id,
      });
    }
    if (outcome === 'registered') {
      recordAudit(tx, {
        subjectType: 'dsc',
        subjectId: dsc.id,
        action: 'dsc.registered',
        actor: actor.userId,
        channel: 'api',
        details: { userId: actor.userId, subject: facts.subject, fingerprintSha256: facts.fingerprintSha256, notAfter: facts.notAfter, chain: facts.chain },
      });
    }
    let userStatus: string | null = null;
    if (actor.kind === 'exporter') {
      const user = await tx.findOneOrFail(ExporterUser, { id: actor.userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (user.status === 'pending_dsc') {
        user.status = 'active';
        user.activatedAt = new Date();
        recordAudit(tx, {
          subjectType: 'user',
          subjectId: user.id,
          action: 'exporter.user-activated',
          actor: actor.userId,
          channel: 'api',
          details: { iec: user.iec, dscFingerprintSha256: facts.fingerprintSha256 },
        });
      }
      userStatus = user.status;
    }
    await tx.flush();
    return { outcome, dsc: dscView(dsc), userStatus };
  });
}

async function statusOf(em: EntityManager, actor: Actor): Promise<string | null> {
  if (actor.kind !== 'exporter') return null;
  return (await em.findOne(ExporterUser, { id: actor.userId }, { refresh: true }))?.status ?? null;
}
