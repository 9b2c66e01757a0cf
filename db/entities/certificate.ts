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
