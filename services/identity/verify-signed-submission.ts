/**
 * The one server-side check of a user's signature over bytes the server handed out, for every caller
 * (the signing API, the application workflow's activities):
 *
 *   const verdict = await verifySignedSubmission({ em, identity, userId, iec, contentBytes, signatureB64, now });
 *   await recordSignedDocument(em, { verdict, contentBytes, signatureB64, purpose: 'application', reference, signingKey });
 *
 * - `userId`: the acting user (token `sub`); `iec`: that exporter user's IEC, or null for staff (officers).
 * - `contentBytes`: the exact bytes the signer was given (e.g. `canonicalDocument(summary).bytes`).
 * - `signatureB64`: a detached CMS/PKCS#7 signature (DER as base64, or PEM) from the user's DSC, or the
 *   signature an Aadhaar eSign service provider returned (recognised by the ESP's certificate).
 * - `identity`: trusted CAs, IEC rule and accepted eSign providers (`IdentitySetupSource` gives it).
 *
 * Checks, each failure an AppError with its own code: the user exists, is mapped to `iec` and active
 * (not_found / forbidden), is not frozen (user_frozen, with the explanation); the CMS signature is valid
 * over the bytes (signature_invalid); for a DSC: every DSC rule at `now` (dsc_untrusted, dsc_expired,
 * dsc_not_yet_valid, dsc_key_usage, dsc_class_not_allowed, dsc_iec_not_matched), not revoked (dsc_revoked;
 * an unknown status by DSC_REVOCATION: services/identity/revocation.ts), the user has a registered
 * DSC (dsc_not_registered) and the signer is one of them (signer_not_acting_user); for eSign: an accepted
 * ESP and the signer's name; finally the identity-matching threshold: the profile name must match the DSC's
 * (or Aadhaar's) name, else the user is frozen and dsc_name_mismatch is thrown. Nothing is written except
 * that freeze; storing the signed document is `recordSignedDocument`.
 */
import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { ExporterUser } from '../../db/entities/exporter.js';
import { SignedDocument, UserDsc, type UserKind } from '../../db/entities/identity.js';
import { StaffUserRow } from '../../db/entities/staff-user.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { sha256Hex } from '../../domain/identity/canonical.js';
import { verifyESignSignature } from '../../domain/identity/verify-esign.js';
import { verifyDetachedSignature } from '../../domain/identity/verify-signature.js';
import { verifySignedContent } from '../../domain/identity/verify-signed-content.js';
import { recordAudit } from './audit.js';
import { assertNotFrozen, checkNameOrFreeze } from './freeze.js';
import type { IdentitySetup } from './identity-setup.js';

export interface VerifySignedSubmissionInput {
  em: EntityManager;
  identity: IdentitySetup;
  userId: string;
  /** the exporter user's IEC; null for staff */
  iec: string | null;
  contentBytes: Uint8Array;
  signatureB64: string;
  now?: Date;
  /** for the record when a name mismatch freezes the user */
  context?: string;
  channel?: 'api' | 'workflow';
}

export interface VerifiedSubmission {
  method: 'dsc' | 'esign';
  userId: string;
  userKind: UserKind;
  iec: string | null;
  officeCode: string | null;
  profileName: string;
  /** the DSC subject CN, or the name Aadhaar eSign returned */
  signerName: string;
  signerFingerprintSha256: string;
  signerSerialNumber: string;
  /** the registered DSC that signed (method dsc) */
  dscId: string | null;
  signingTime: string | null;
  contentSha256: string;
  esign: { transactionId: string | null; aadhaarLast4: string | null } | null;
}

interface Signer {
  userKind: UserKind;
  name: string;
  officeCode: string | null;
}

async function loadSigner(em: EntityManager, userId: string, iec: string | null): Promise<Signer> {
  if (iec) {
    const u = await em.findOne(ExporterUser, { id: userId });
    if (!u || u.iec !== iec) throw new AppError(ErrorCode.NotFound, `User ${userId} is not a user of IEC ${iec}.`);
    if (u.status === 'removed') throw new AppError(ErrorCode.Forbidden, `User ${userId} has been removed from IEC ${iec}.`);
    if (u.status !== 'active') {
      throw new AppError(ErrorCode.Forbidden, `The mapping of user ${userId} to IEC ${iec} is not complete: a valid DSC carrying the IEC must be registered first.`);
    }
    return { userKind: 'exporter', name: u.name, officeCode: null };
  }
  const s = await em.findOne(StaffUserRow, { id: userId });
  if (!s || !s.active) throw new AppError(ErrorCode.NotFound, `Staff user ${userId} is not registered or not active.`);
  return { userKind: 'staff', name: s.name, officeCode: s.officeCode ?? null };
}

export async function verifySignedSubmission(input: VerifySignedSubmissionInput): Promise<VerifiedSubmission> {
  const { em, identity, userId, iec } = input;
  const now = input.now ?? new Date();
  const signer = await loadSigner(em, userId, iec);
  await assertNotFrozen(em, userId, identity.helpdeskAddress);

  const cms = verifyDetachedSignature({ signature: input.signatureB64, content: input.contentBytes });
  const base = { userId, userKind: signer.userKind, iec, officeCode: signer.officeCode, profileName: signer.name, contentSha256: sha256Hex(input.contentBytes) };
  let verdict: VerifiedSubmission;
  if (identity.espFingerprintsSha256.includes(cms.signerFingerprintSha256)) {
    const es = verifyESignSignature({
      signature: input.signatureB64,
      content: input.contentBytes,
      trustedCaPems: identity.trustedCaPems,
      espFingerprintsSha256: identity.espFingerprintsSha256,
      now,
    });
    verdict = {
      ...base,
      method: 'esign',
      signerName: es.signerName,
      signerFingerprintSha256: es.esp.fingerprintSha256,
      signerSerialNumber: es.esp.serialNumber,
      dscId: null,
      signingTime: es.signature.signingTime,
      esign: { transactionId: es.transactionId, aadhaarLast4: es.aadhaarLast4 },
    };
  } else {
    const dscs = await em.find(UserDsc, { userId, status: 'active' });
    if (dscs.length === 0) {
      throw new AppError(
        ErrorCode.DscNotRegistered,
        'You have no registered digital signature certificate. Register your DSC first (POST /v1/me/dsc/challenge, then POST /v1/me/dsc), or sign with Aadhaar eSign.',
      );
    }
    const res = verifySignedContent({
      signature: input.signatureB64,
      content: input.contentBytes,
      trustedCaPems: identity.trustedCaPems,
      expectedIec: iec,
      registeredFingerprintsSha256: dscs.map((d) => d.fingerprintSha256),
      now,
      options: { iecRule: identity.iecRule },
    });
    await identity.revocation?.assertNotRevoked(res.dsc);
    verdict = {
      ...base,
      method: 'dsc',
      signerName: res.dsc.subjectCommonName,
      signerFingerprintSha256: res.dsc.fingerprintSha256,
      signerSerialNumber: res.dsc.serialNumber,
      dscId: dscs.find((d) => d.fingerprintSha256 === res.dsc.fingerprintSha256)?.id ?? null,
      signingTime: res.signature.signingTime,
      esign: null,
    };
  }
  await checkNameOrFreeze({
    em,
    userId,
    userKind: signer.userKind,
    profileName: signer.name,
    certificateName: verdict.signerName,
    source: verdict.method,
    context: input.context ?? 'signature',
    fingerprintSha256: verdict.signerFingerprintSha256,
    channel: input.channel ?? 'api',
    helpdeskAddress: identity.helpdeskAddress,
  });
  return verdict;
}

export interface RecordSignedDocumentInput {
  verdict: VerifiedSubmission;
  contentBytes: Uint8Array;
  signatureB64: string;
  purpose: string;
  reference?: string | null;
  /** idempotency key: the same key stores once and returns the stored document afterwards */
  signingKey: string;
  signingRequestId?: string | null;
  channel?: 'api' | 'workflow';
}

/** Stores the signed content with its signature and the verified signer facts, once per signing key. */
export async function recordSignedDocument(em: EntityManager, input: RecordSignedDocumentInput): Promise<{ document: SignedDocument; created: boolean }> {
  return em.transactional(async (tx) => {
    await tx.getConnection().execute('select pg_advisory_xact_lock(hashtext(?))', [input.signingKey]);
    const existing = await tx.findOne(SignedDocument, { signingKey: input.signingKey }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (existing) return { document: existing, created: false };
    const v = input.verdict;
    const doc = tx.create(SignedDocument, {
      id: randomUUID(),
      signingKey: input.signingKey,
      signingRequestId: input.signingRequestId ?? null,
      userId: v.userId,
      userKind: v.userKind,
      iec: v.iec,
      officeCode: v.officeCode,
      purpose: input.purpose,
      reference: input.reference ?? null,
      content: Buffer.from(input.contentBytes),
      contentSha256: v.contentSha256,
      method: v.method,
      signatureBase64: input.signatureB64.replace(/\s+/g, ''),
      signerName: v.signerName,
      signerFingerprintSha256: v.signerFingerprintSha256,
      signerSerialNumber: v.signerSerialNumber,
      dscId: v.dscId,
      signingTime: v.signingTime ? new Date(v.signingTime) : null,
      esignTransactionId: v.esign?.transactionId ?? null,
      aadhaarLast4: v.esign?.aadhaarLast4 ?? null,
    });
    recordAudit(tx, {
      key: `document.signed/${input.signingKey}`,
      subjectType: 'signed-document',
      subjectId: doc.id,
      action: 'document.signed',
      actor: v.userId,
      channel: input.channel ?? 'api',
      details: { purpose: input.purpose, reference: input.reference ?? null, method: v.method, signerName: v.signerName, contentSha256: v.contentSha256 },
    });
    return { document: doc, created: true };
  });
}

export function signedDocumentView(d: SignedDocument) {
  return {
    id: d.id,
    signingRequestId: d.signingRequestId,
    userId: d.userId,
    iec: d.iec,
    officeCode: d.officeCode,
    purpose: d.purpose,
    reference: d.reference,
    method: d.method,
    contentBase64: Buffer.from(d.content).toString('base64'),
    contentSha256: d.contentSha256,
    signatureBase64: d.signatureBase64,
    signer: {
      name: d.signerName,
      fingerprintSha256: d.signerFingerprintSha256,
      serialNumber: d.signerSerialNumber,
      dscId: d.dscId,
      aadhaarLast4: d.aadhaarLast4,
      esignTransactionId: d.esignTransactionId,
    },
    signingTime: d.signingTime?.toISOString() ?? null,
    verifiedAt: d.verifiedAt.toISOString(),
  };
}
