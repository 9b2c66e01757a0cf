/**
 * An S/MIME-signed e-mail as the exporter's signature on a deficiency response (seed 004: the response
 * must be signed). Accepted only when every rule of a DSC signature on the portal holds:
 *
 * - the S/MIME signature is valid over the signed MIME entity (channels/email/verify-smime.ts);
 * - the signer's certificate passes every DSC rule at the time of checking (trusted chain, validity,
 *   key usage, class, the application's IEC in the subject: domain/identity/verify-dsc.ts);
 * - it is a DSC registered (active) to a user of that IEC, who is active, not frozen, and whose profile
 *   name matches the certificate's (the identity-matching threshold; a mismatch freezes the user);
 * - the signed entity carries exactly the response being signed: the same clarification text and the
 *   same files (SHA-256) as the signing payload the application workflow prepared.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { ExporterUser, SignedVersion, UserDsc } from '../../db/entities/index.js';
import { verifySmime } from '../../channels/email/verify-smime.js';
import { verifyDsc } from '../../domain/identity/verify-dsc.js';
import { sha256Hex } from '../../domain/identity/canonical.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { SigningPayload } from '../../workflows/application/contract.js';
import { assertNotFrozen, checkNameOrFreeze } from '../identity/freeze.js';
import type { IdentitySetup } from '../identity/identity-setup.js';
import { signedPartContent } from './response-content.js';
import { checkAttachments } from '../../channels/email/attachments.js';
import { recordSignedVersion } from '../application/signed-version.js';

export interface SmimeSigner {
  signerId: string;
  signerName: string;
  fingerprintSha256: string;
}

/** Checks the signature and the signer of an S/MIME message for an IEC (nothing written, except a freeze on a name mismatch). */
export async function verifySmimeSigner(em: EntityManager, identity: IdentitySetup, input: { raw: Buffer; iec: string; now?: Date }): Promise<SmimeSigner & { content: Buffer }> {
  const v = verifySmime(input.raw);
  if (!v.ok) throw new AppError(ErrorCode.SignatureInvalid, `The S/MIME signature of the e-mail is not valid: ${v.message}`);
  const dsc = verifyDsc({
    certificate: v.signerCertificatePem,
    trustedCaPems: identity.trustedCaPems,
    intermediatePems: v.certificatesPem.filter((c) => c !== v.signerCertificatePem),
    expectedIec: input.iec,
    ...(input.now ? { now: input.now } : {}),
    options: { iecRule: identity.iecRule },
  });
  const registered = await em.find(UserDsc, { fingerprintSha256: dsc.fingerprintSha256, status: 'active', iec: input.iec });
  if (registered.length === 0) {
    throw new AppError(
      ErrorCode.SignerNotActingUser,
      `The e-mail was signed with a certificate (${dsc.subjectCommonName}) that is not a DSC registered to a user of IEC ${input.iec}. Sign with your registered DSC, or register it first.`,
      { status: 403, details: { signerFingerprintSha256: dsc.fingerprintSha256 } },
    );
  }
  let user: ExporterUser | null = null;
  for (const r of registered) {
    const u = await em.findOne(ExporterUser, { id: r.userId, iec: input.iec });
    if (u?.status === 'active') {
      user = u;
      break;
    }
  }
  if (!user) throw new AppError(ErrorCode.Forbidden, `The user whose DSC signed the e-mail is no longer an active user of IEC ${input.iec}.`);
  await assertNotFrozen(em, user.id, identity.helpdeskAddress);
  await checkNameOrFreeze({
    em,
    userId: user.id,
    userKind: 'exporter',
    profileName: user.name,
    certificateName: dsc.subjectCommonName,
    source: 'dsc',
    context: 'S/MIME-signed deficiency reply',
    fingerprintSha256: dsc.fingerprintSha256,
    channel: 'workflow',
    helpdeskAddress: identity.helpdeskAddress,
  });
  return { signerId: user.id, signerName: dsc.subjectCommonName, fingerprintSha256: dsc.fingerprintSha256, content: v.content };
}

interface ClarificationDocument {
  document?: string;
  clarification?: string;
  attachments?: { sha256?: string }[];
}

/** The signed entity must carry exactly the clarification and files of the payload. */
export async function assertSignedContentMatches(content: Buffer, payload: SigningPayload): Promise<void> {
  let doc: ClarificationDocument;
  try {
    doc = JSON.parse(Buffer.from(payload.contentB64, 'base64').toString('utf8')) as ClarificationDocument;
  } catch {
    throw new AppError(ErrorCode.Internal, 'The signing payload is not a clarification document.');
  }
  if (payload.purpose !== 'clarification' || doc.document !== 'coo-deficiency-clarification') {
    throw new AppError(ErrorCode.ValidationFailed, 'A signed e-mail can only sign a clarification ("No" response), not an edited application.');
  }
  const signed = await signedPartContent(content);
  const files = checkAttachments(signed.attachments);
  const want = (doc.attachments ?? []).map((a) => a.sha256 ?? '').sort();
  const got = files.accepted.map((a) => a.sha256).sort();
  if ((doc.clarification ?? '').trim() !== signed.clarification || want.length !== got.length || want.some((h, i) => h !== got[i])) {
    throw new AppError(
      ErrorCode.SignatureInvalid,
      'The signed e-mail does not carry the response waiting for a signature (its text or files differ). Reply again to the deficiency e-mail, signed, with the clarification and files.',
    );
  }
}

export interface AcceptSmimeInput {
  applicationId: string;
  iec: string;
  /** the workflow's signing step key: one SignedVersion per step */
  stepKey: string;
  payload: SigningPayload;
  /** the exporter user the workflow was told signed (from the ingester's own check) */
  signerId: string;
  /** the inbound_mail row holding the signed message */
  mailId: string;
  raw: Buffer;
}

/**
 * For the application workflow's signUpdate with method 'smime': verifies and stores the signed
 * version once per step key with the same recordSignedVersion as verifyAndRecordSignature (a detached
 * CMS signature), so the files of the signed response become submitted to the officer either way.
 */
export async function acceptSmimeSignedResponse(em: EntityManager, identity: IdentitySetup, input: AcceptSmimeInput): Promise<{ sha256: string; signerId: string; signerName: string; fingerprintSha256: string }> {
  const done = await em.findOne(SignedVersion, { stepKey: input.stepKey });
  if (done) return { sha256: done.sha256, signerId: done.signerId, signerName: done.signerId, fingerprintSha256: done.signerCertFingerprint ?? '' };
  const content = Buffer.from(input.payload.contentB64, 'base64');
  if (sha256Hex(content) !== input.payload.sha256) throw new AppError(ErrorCode.Internal, 'signing payload corrupted');
  const signer = await verifySmimeSigner(em, identity, { raw: input.raw, iec: input.iec });
  if (signer.signerId !== input.signerId) {
    throw new AppError(ErrorCode.SignerNotActingUser, `The e-mail was signed by the DSC of ${signer.signerId}, not of ${input.signerId}.`, { status: 403 });
  }
  await assertSignedContentMatches(signer.content, input.payload);
  await recordSignedVersion(em, {
    applicationId: input.applicationId,
    stepKey: input.stepKey,
    payload: input.payload,
    signatureB64: `smime:inbound_mail/${input.mailId}`,
    signerId: signer.signerId,
    signerCertFingerprint: signer.fingerprintSha256,
    method: 'smime',
    signerName: signer.signerName,
  });
  return { sha256: input.payload.sha256, signerId: signer.signerId, signerName: signer.signerName, fingerprintSha256: signer.fingerprintSha256 };
}
