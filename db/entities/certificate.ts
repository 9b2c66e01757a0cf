import { BlobType, defineEntity, p } from '@mikro-orm/core';
import type { CertificateKind, CertificateSource, CertificateStatus } from '../../domain/certificate/life.js';

/**
 * An issued certificate of origin and its live record: issued, superseded (by an in-lieu certificate) or
 * cancelled (domain/certificate/life.ts). A duplicate or in-lieu certificate names its original; the
 * original names the in-lieu certificate that superseded it. Certificates of the legacy platform are
 * imported as records (`source` 'legacy', no application).
 */
export const CertificateRowSchema = defineEntity({
  name: 'CertificateRow',
  tableName: 'certificate',
  properties: {
    number: p.string().length(60).primary(),
    /** the file it was issued for (an application, or a request for a duplicate / in-lieu); null for a legacy record */
    applicationId: p.string().length(36).unique().nullable(),
    /** 'original' | 'duplicate' | 'in-lieu' (CertificateKind) */
    kind: p.string().length(12).$type<CertificateKind>(),
    /** for a duplicate or an in-lieu certificate: the certificate it was issued from */
    originalNumber: p.string().length(60).nullable().index(),
    /** 'platform' (issued here) | 'legacy' (imported from the legacy platform's export) */
    source: p.string().length(10).default('platform').$type<CertificateSource>(),
    iec: p.string().length(10).index(),
    agencyCode: p.string().length(10),
    officeCode: p.string().length(20),
    agreementCode: p.string().length(10),
    /** 'issued' | 'superseded' | 'cancelled' (CertificateStatus) */
    status: p.string().length(12).$type<CertificateStatus>(),
    /** status superseded: the in-lieu certificate that replaced this one */
    supersededBy: p.string().length(60).nullable(),
    /** when the status last changed from issued, by whom ("<id> (<name>)") and why */
    statusChangedAt: p.datetime().nullable(),
    statusChangedBy: p.string().length(120).nullable(),
    statusReason: p.text().nullable(),
    /** a legacy record: what the legacy platform's export said (LegacyCertificateRecord) */
    legacy: p.json<Record<string, unknown>>().nullable(),
    issuedBy: p.string().length(60),
    issuedAt: p.datetime(),
    /** what the certificate says (domain/certificate CertificateDocument) */
    document: p.json<Record<string, unknown>>(),
    /** the signed PDF, once rendered */
    pdf: p.type(BlobType).lazy().nullable(),
    pdfSha256: p.string().length(64).nullable(),
    /** where the issuing officer signs with a DSC: the finished PDF with an empty signature field, until signed */
    preparedPdf: p.type(BlobType).lazy().nullable(),
    /** SHA-256 of the bytes the officer signs (the prepared PDF but the signature's room) */
    signingContentSha256: p.string().length(64).nullable(),
    /** unguessable token that lets the QR link open the verification page without a captcha */
    verificationToken: p.string().length(64),
    history: p.json<{ at: string; event: string; note?: string }[]>(),
  },
});
export class CertificateRow extends CertificateRowSchema.class {}
CertificateRowSchema.setClass(CertificateRow);

/**
 * A tab-6 attachment the exporter marked "Attest", as the approving officer dealt with it at issuance: an
 * attested copy (the document with the attestation block, sealed like the certificate) or declined with a
 * remark (by the officer, or by the system for a file that cannot be reproduced as a copy). One row per
 * certificate and attachment, so a retried issuance adds nothing.
 */
export const AttestedDocumentRowSchema = defineEntity({
  name: 'AttestedDocumentRow',
  tableName: 'attested_document',
  primaryKeys: ['certificateNumber', 'attachmentId'],
  properties: {
    certificateNumber: p.string().length(60).primary(),
    /** the attachment's id: also the attested copy's id in its download path */
    attachmentId: p.string().length(36).primary(),
    applicationId: p.string().length(36).index(),
    documentType: p.string().length(40),
    fileName: p.string().length(160),
    /** 'attested' | 'declined' */
    status: p.string().length(10).$type<'attested' | 'declined'>(),
    /** declined: why, as the exporter reads it */
    remark: p.text().nullable(),
    /** "<officer id> (<name>)", or "system" for a file that cannot be attested as a copy */
    decidedBy: p.string().length(120),
    pdf: p.type(BlobType).lazy().nullable(),
    pdfSha256: p.string().length(64).nullable(),
    pageCount: p.integer().nullable(),
    /** true when the attestation block is on a page added after the document's own pages */
    appendedPage: p.boolean().default(false),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class AttestedDocumentRow extends AttestedDocumentRowSchema.class {}
AttestedDocumentRowSchema.setClass(AttestedDocumentRow);
