import { BlobType, defineEntity, p } from '@mikro-orm/core';

/** An issued certificate of origin and its live record (issued, superseded by a duplicate, revoked). */
export const CertificateRowSchema = defineEntity({
  name: 'CertificateRow',
  tableName: 'certificate',
  properties: {
    number: p.string().length(60).primary(),
    applicationId: p.string().length(36).unique(),
    kind: p.string().length(12),
    /** for duplicates: the certificate it replaces */
    originalNumber: p.string().length(60).nullable(),
    iec: p.string().length(10).index(),
    agencyCode: p.string().length(10),
    officeCode: p.string().length(20),
    agreementCode: p.string().length(10),
    status: p.string().length(12),
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
