import type { CertificateDocument } from '../../domain/certificate/types.js';
import { issueCertificatePdf } from '../../services/certificate/issue-certificate-pdf.js';
import type { QrSigningKey } from '../../services/certificate/qr-payload.js';
import type { CertificateImages } from '../../services/certificate/render-certificate.js';
import type { CmsSigner } from '../../services/pdf/sign-pdf.js';

/**
 * Temporal activities for the certificate. Signers and images are resolved by injected functions (the
 * worker's entry point builds them from configuration and the database, once, and caches them).
 */
export interface CertificateActivityDeps {
  /** the office's e-seal, or the officer's own DSC when `officerId` is given and configured */
  signerFor(officeCode: string, officerId?: string): Promise<CmsSigner> | CmsSigner;
  /** the officer's signature image and the office stamp, prepared for PDF */
  imagesFor(officeCode: string, officerId: string): Promise<CertificateImages> | CertificateImages;
  qrKey: QrSigningKey;
  publicBaseUrl: string;
  /** derive QR link tokens from this secret, unless the input carries the certificate's stored token */
  linkSecret?: string | Uint8Array;
  contactInfo?: string;
  /** stores the signed PDF and returns where (object key, row id…) */
  storePdf(certificateNumber: string, pdf: Buffer, sha256: string): Promise<string>;
}

export interface RenderAndSignCertificateInput {
  document: CertificateDocument;
  officeCode: string;
  officerId: string;
  /** sign with the officer's DSC instead of the office e-seal */
  useOfficerDsc?: boolean;
  /** ISO time; pass the workflow's time so a retry produces the same signing time */
  signedAt: string;
  /** the certificate's stored verification token (URL-safe, 16–64 characters), if tokens are stored */
  linkToken?: string;
}

export interface RenderAndSignCertificateResult {
  storedAt: string;
  sha256: string;
  pageCount: number;
  signedAt: string;
  signedBy: { commonName: string; serialNumber: string; organization?: string };
  qrUrl: string;
  qrVersion: number;
}

export function createCertificateActivities(deps: CertificateActivityDeps) {
  return {
    async renderAndSignCertificate(input: RenderAndSignCertificateInput): Promise<RenderAndSignCertificateResult> {
      const [signer, images] = await Promise.all([
        deps.signerFor(input.officeCode, input.useOfficerDsc ? input.officerId : undefined),
        deps.imagesFor(input.officeCode, input.officerId),
      ]);
      const issued = await issueCertificatePdf(
        input.document,
        {
          signer,
          images,
          qrKey: deps.qrKey,
          publicBaseUrl: deps.publicBaseUrl,
          ...(deps.linkSecret !== undefined ? { linkSecret: deps.linkSecret } : {}),
          ...(deps.contactInfo ? { contactInfo: deps.contactInfo } : {}),
        },
        new Date(input.signedAt),
        input.linkToken ? { linkToken: input.linkToken } : {},
      );
      const storedAt = await deps.storePdf(input.document.certificateNumber, issued.pdf, issued.sha256);
      const { commonName, serialNumber, organization } = issued.signedBy;
      return {
        storedAt,
        sha256: issued.sha256,
        pageCount: issued.pageCount,
        signedAt: issued.signedAt.toISOString(),
        signedBy: { commonName, serialNumber, ...(organization ? { organization } : {}) },
        qrUrl: issued.qr.url,
        qrVersion: issued.qr.version,
      };
    },
  };
}
