import { BlobType, defineEntity, p } from '@mikro-orm/core';
import type { ApplicationStatus, FileKind } from '../../domain/application/file-status.js';

/**
 * The read model of an application: drafts are edited through the API; from submission on, every
 * status change is written here by the application workflow's activities (lists and searches read it).
 */
export { APPLICATION_STATUSES, type ApplicationStatus } from '../../domain/application/file-status.js';

export const ApplicationRowSchema = defineEntity({
  name: 'ApplicationRow',
  tableName: 'application',
  indexes: [{ properties: ['iec', 'status'] }, { properties: ['officeCode', 'status'] }],
  properties: {
    id: p.string().length(36).primary(),
    /**
     * 'application' (a CoO application) or a request against an issued certificate: 'duplicate' or
     * 'in-lieu' (FileKind). A request is a file like an application: the same statuses, signature,
     * payment, officer review and discrepancy rounds; its own workflow (workflows/certificate-request).
     */
    kind: p.string().length(12).default('application').$type<FileKind>(),
    /** a request: the certificate it is made against */
    originalCertificateNumber: p.string().length(60).nullable().index(),
    /** a request: the exporter's reason / comments (mandatory) */
    requestReason: p.text().nullable(),
    /** DRAFTCOOAPPLY… : the application's number from its creation; the workflow ID derives from it */
    number: p.string().length(40).unique(),
    /** given after payment, per office and financial year (HQRCCOAPPLY…) */
    fileNumber: p.string().length(40).nullable().unique(),
    iec: p.string().length(10),
    createdBy: p.string().length(60),
    status: p.string().length(30).$type<ApplicationStatus>(),
    agreementCode: p.string().length(10).nullable().index(),
    agencyCode: p.string().length(10).nullable().index(),
    officeCode: p.string().length(20).nullable(),
    importerCountry: p.string().length(2).nullable(),
    invoiceNumber: p.string().length(40).nullable(),
    invoiceValueUsd: p.decimal('number').precision(18).scale(2).nullable(),
    /** the tabs saved so far (domain/application/schemas.ts) */
    tabs: p.json<Record<string, unknown>>(),
    workflowId: p.string().nullable(),
    /** SHA-256 of the signed, frozen summary */
    signedHash: p.string().length(64).nullable(),
    feeTotalPaise: p.bigint('number').nullable(),
    deficiencyRound: p.integer().default(0),
    certificateNumber: p.string().length(60).nullable().index(),
    rejectionReason: p.text().nullable(),
    submittedAt: p.datetime().nullable(),
    statusChangedAt: p.datetime().onCreate(() => new Date()),
    decidedAt: p.datetime().nullable(),
    decidedBy: p.string().length(60).nullable(),
    version: p.integer().version(),
    createdAt: p.datetime().onCreate(() => new Date()).index(),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export class ApplicationRow extends ApplicationRowSchema.class {}
ApplicationRowSchema.setClass(ApplicationRow);

/** Invoice number + date are unique per IEC within a financial year: one claim row per key. */
export const InvoiceClaimSchema = defineEntity({
  name: 'InvoiceClaim',
  tableName: 'invoice_claim',
  properties: {
    key: p.string().length(120).primary(),
    applicationId: p.string().length(36).index(),
  },
});
export class InvoiceClaim extends InvoiceClaimSchema.class {}
InvoiceClaimSchema.setClass(InvoiceClaim);

/** Uploaded files: type detected from the content, name sanitised, bytes kept in the database. */
export const AttachmentRowSchema = defineEntity({
  name: 'AttachmentRow',
  tableName: 'attachment',
  properties: {
    id: p.string().length(36).primary(),
    applicationId: p.string().length(36).index(),
    /** 'application' (tab 6) or 'deficiency-response' */
    purpose: p.string().length(30),
    round: p.integer().nullable(),
    documentType: p.string().length(40),
    fileName: p.string().length(160),
    contentType: p.string().length(10),
    sizeBytes: p.integer(),
    sha256: p.string().length(64),
    content: p.type(BlobType).lazy(),
    uploadedBy: p.string().length(60),
    /**
     * Part of what the exporter signed, so shown to officers: an application's files (tab 6, signed with
     * the application) and the files of a signed deficiency response. A deficiency-response file is
     * stored `false` and becomes `true` when a signed response carries it (services/application/
     * signed-version.ts); one no signed response carries (an unsigned attempt, a reply superseded by a
     * later signed one) stays kept, shown to the exporter as not submitted, never to officers.
     */
    submitted: p.boolean().default(false),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class AttachmentRow extends AttachmentRowSchema.class {}
AttachmentRowSchema.setClass(AttachmentRow);

/** Every signed version: the submitted summary, edits after a deficiency, clarifications. */
export const SignedVersionSchema = defineEntity({
  name: 'SignedVersion',
  tableName: 'signed_version',
  properties: {
    id: p.bigint().primary().autoincrement(),
    applicationId: p.string().length(36).index(),
    /** idempotency: one row per workflow signing step */
    stepKey: p.string().unique(),
    purpose: p.string().length(30),
    round: p.integer().default(0),
    sha256: p.string().length(64),
    content: p.json<unknown>(),
    signatureB64: p.text(),
    signerId: p.string().length(60),
    signerCertFingerprint: p.string().length(64).nullable(),
    /** how the exporter signed: 'dsc' (a detached CMS from the registered DSC), 'esign' (Aadhaar eSign), 'smime' (a signed e-mail) */
    method: p.string().length(10),
    /** the verified signer's name: the DSC's subject CN, or the name Aadhaar eSign returned (null in rows from before it was kept) */
    signerName: p.string().length(200).nullable(),
    /** eSign: the provider's transaction and the last 4 digits of the Aadhaar number (never the number itself) */
    esignTransactionId: p.string().length(100).nullable(),
    aadhaarLast4: p.string().length(4).nullable(),
    signedAt: p.datetime().onCreate(() => new Date()),
  },
});
export class SignedVersion extends SignedVersionSchema.class {}
SignedVersionSchema.setClass(SignedVersion);

/**
 * Aadhaar eSign of a file's signing payload (the submission, a deficiency or discrepancy response): started at
 * the eSign service provider for the payload's SHA-256 by the exporter who signs, completed with the OTP.
 * The provider's signature is kept once returned, so a retry after a lost answer sends the same signature
 * to the workflow without a second OTP. The Aadhaar number is passed on to the provider, never stored.
 */
export const FileEsignRowSchema = defineEntity({
  name: 'FileEsignRow',
  tableName: 'file_esign',
  indexes: [{ properties: ['applicationId', 'userId'] }],
  properties: {
    /** the provider's transaction id */
    transactionId: p.string().length(100).primary(),
    provider: p.string().length(40),
    applicationId: p.string().length(36),
    userId: p.string().length(60),
    /** the signing payload it signs: purpose, round and SHA-256 */
    purpose: p.string().length(30),
    round: p.integer(),
    payloadSha256: p.string().length(64),
    /** 'started' (OTP sent) | 'signed' (the provider returned the signature) */
    status: p.string().length(12).$type<'started' | 'signed'>(),
    expiresAt: p.datetime(),
    signatureB64: p.text().nullable(),
    signerName: p.string().length(200).nullable(),
    aadhaarLast4: p.string().length(4).nullable(),
    startedAt: p.datetime().onCreate(() => new Date()),
    completedAt: p.datetime().nullable(),
  },
});
export class FileEsignRow extends FileEsignRowSchema.class {}
FileEsignRowSchema.setClass(FileEsignRow);

/** Named counters (draft numbers, file numbers per office and year, certificate numbers per agency and year). */
export const NumberSequenceSchema = defineEntity({
  name: 'NumberSequence',
  tableName: 'number_sequence',
  properties: {
    name: p.string().length(80).primary(),
    value: p.bigint('number'),
  },
});
export class NumberSequence extends NumberSequenceSchema.class {}
NumberSequenceSchema.setClass(NumberSequence);
