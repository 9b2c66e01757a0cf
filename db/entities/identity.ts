import { defineEntity, p } from '@mikro-orm/core';

/** Exporter users (ExporterUser) and staff (StaffUserRow) share these tables; `userKind` tells which. */
export type UserKind = 'exporter' | 'staff';

/**
 * A DSC registered to a user after every DSC rule passed, the name matched the profile, and the user
 * proved possession of the key by signing a server challenge. Signatures are accepted only from these.
 */
export const UserDscSchema = defineEntity({
  name: 'UserDsc',
  tableName: 'user_dsc',
  uniques: [{ properties: ['userId', 'fingerprintSha256'] }],
  properties: {
    id: p.uuid().primary(),
    userId: p.string().length(60).index(),
    userKind: p.string().length(10).$type<UserKind>(),
    /** the IEC it carries (exporters), null for officers */
    iec: p.string().length(10).nullable(),
    fingerprintSha256: p.string().length(64).index(),
    serialNumber: p.string().length(80),
    subject: p.text(),
    subjectCommonName: p.string(),
    issuer: p.text(),
    notBefore: p.datetime(),
    notAfter: p.datetime(),
    dscClass: p.integer().nullable(),
    certificatePem: p.text(),
    /** 'active' | 'revoked' (the user was unmapped from the IEC) */
    status: p.string().length(12),
    /** the signing request whose challenge proved possession of the key */
    challengeId: p.uuid(),
    registeredAt: p.datetime().onCreate(() => new Date()),
  },
});
export class UserDsc extends UserDscSchema.class {}
UserDscSchema.setClass(UserDsc);

export interface FreezeDetails {
  /** what the name was compared with: 'dsc' or 'esign' */
  source: 'dsc' | 'esign';
  profileName: string;
  certificateName: string;
  differences: { kind: string; description: string; certificateText: string; profileText: string }[];
  fingerprintSha256?: string;
  context: string;
}

/**
 * The identity-matching threshold's state per user (seed 000): a name mismatch between the profile and
 * a DSC or eSign freezes automated verification until a helpdesk or admin user unfreezes it. The latest
 * freeze and unfreeze are kept here; the full history is in the audit trail.
 */
export const UserIdentityStateSchema = defineEntity({
  name: 'UserIdentityState',
  tableName: 'user_identity',
  properties: {
    userId: p.string().length(60).primary(),
    userKind: p.string().length(10).$type<UserKind>(),
    frozen: p.boolean().default(false),
    frozenAt: p.datetime().nullable(),
    /** the error code that froze it, e.g. dsc_name_mismatch */
    frozenCode: p.string().length(40).nullable(),
    /** the explanation shown to the user and the helpdesk */
    frozenReason: p.text().nullable(),
    frozenDetails: p.json<FreezeDetails>().nullable(),
    freezeCount: p.integer().default(0),
    unfrozenAt: p.datetime().nullable(),
    unfrozenBy: p.string().length(120).nullable(),
    unfrozenReason: p.text().nullable(),
    /** certificate/eSign names a helpdesk user verified by hand for this user (exact, normalised) */
    acceptedNames: p.json<string[]>().nullable(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export class UserIdentityState extends UserIdentityStateSchema.class {}
UserIdentityStateSchema.setClass(UserIdentityState);

export type SigningRequestStatus = 'pending' | 'signed';

/**
 * Bytes the server asked a user to sign: a document in canonical form (domain/identity/canonical.ts), or
 * the challenge of a DSC registration (purpose 'dsc-registration').
 */
export const SigningRequestSchema = defineEntity({
  name: 'SigningRequest',
  tableName: 'signing_request',
  properties: {
    id: p.uuid().primary(),
    userId: p.string().length(60).index(),
    userKind: p.string().length(10).$type<UserKind>(),
    iec: p.string().length(10).nullable().index(),
    officeCode: p.string().length(20).nullable().index(),
    purpose: p.string().length(40),
    reference: p.string().length(80).nullable(),
    content: p.blob(),
    contentSha256: p.string().length(64),
    status: p.string().length(12).$type<SigningRequestStatus>(),
    expiresAt: p.datetime(),
    esignTransactionId: p.string().length(100).nullable(),
    signedDocumentId: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class SigningRequest extends SigningRequestSchema.class {}
SigningRequestSchema.setClass(SigningRequest);

/** Signed content stored with its detached CMS signature and the verified facts about the signer. */
export const SignedDocumentSchema = defineEntity({
  name: 'SignedDocument',
  tableName: 'signed_document',
  properties: {
    id: p.uuid().primary(),
    /** idempotency: one stored document per signing request, or per caller-chosen key */
    signingKey: p.string().length(120).unique(),
    signingRequestId: p.uuid().nullable(),
    userId: p.string().length(60).index(),
    userKind: p.string().length(10).$type<UserKind>(),
    iec: p.string().length(10).nullable().index(),
    officeCode: p.string().length(20).nullable().index(),
    purpose: p.string().length(40),
    reference: p.string().length(80).nullable(),
    content: p.blob(),
    contentSha256: p.string().length(64),
    /** 'dsc' | 'esign' */
    method: p.string().length(8),
    signatureBase64: p.text(),
    signerName: p.string(),
    signerFingerprintSha256: p.string().length(64),
    signerSerialNumber: p.string().length(80),
    dscId: p.uuid().nullable(),
    signingTime: p.datetime().nullable(),
    esignTransactionId: p.string().length(100).nullable(),
    aadhaarLast4: p.string().length(4).nullable(),
    verifiedAt: p.datetime().onCreate(() => new Date()),
  },
});
export class SignedDocument extends SignedDocumentSchema.class {}
SignedDocumentSchema.setClass(SignedDocument);
