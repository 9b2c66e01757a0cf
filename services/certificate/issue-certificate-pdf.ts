import { createHash } from 'node:crypto';
import type { CertificateDocument } from '../../domain/certificate/types.js';
import { createCertificateQrContent, VERIFY_PATH, type QrSigningKey } from './qr-payload.js';
import { renderCertificate, type CertificateImages } from './render-certificate.js';
import { externalSigningContent, preparePdfForExternalSignature, signPdfDocument, type CmsSigner, type SignerIdentity } from '../pdf/sign-pdf.js';

/** Everything issuance needs besides the document; built once at start-up and reused. */
export interface CertificateIssuer {
  /** the office e-seal, or the officer's DSC where configured */
  signer: CmsSigner;
  qrKey: QrSigningKey;
  /** e.g. "https://trade.gov.in" */
  publicBaseUrl: string;
  /** HMAC secret of the QR link token that skips the captcha (unless a stored token is passed per certificate) */
  linkSecret?: string | Uint8Array;
  images: CertificateImages;
  /** contact printed in the signature dictionary: this system's helpdesk address */
  contactInfo: string;
}

export interface IssuedCertificatePdf {
  pdf: Buffer;
  /** hex SHA-256 of `pdf`, for the record and the verification page */
  sha256: string;
  pageCount: number;
  signedAt: Date;
  signedBy: SignerIdentity;
  qr: { text: string; url: string; version: number; modules: number };
}

async function drawCertificate(doc: CertificateDocument, issuer: Omit<CertificateIssuer, 'signer'>, signedAt: Date, opts: { linkToken?: string }) {
  const qr = await createCertificateQrContent({
    document: doc,
    key: issuer.qrKey,
    publicBaseUrl: issuer.publicBaseUrl,
    ...(issuer.linkSecret !== undefined ? { linkSecret: issuer.linkSecret } : {}),
    ...(opts.linkToken ? { linkToken: opts.linkToken } : {}),
  });
  const rendered = await renderCertificate({
    document: doc,
    images: issuer.images,
    qrText: qr.text,
    verifyAtUrl: `${issuer.publicBaseUrl.replace(/\/+$/, '')}${VERIFY_PATH}`,
    createdAt: signedAt,
  });
  const signatureInfo = (name: string) => ({
    reason: `Certificate of origin ${doc.certificateNumber} issued under ${doc.agreement.title}`,
    location: `${doc.certification.place}, INDIA`,
    contactInfo: issuer.contactInfo,
    name,
    signingTime: signedAt,
    widget: { page: 0, rect: rendered.signatureRect },
  });
  return { qr, rendered, signatureInfo };
}

/**
 * Renders the certificate with its QR code, then signs it (PAdES-style, detached CMS). `linkToken` is the
 * certificate's stored verification token, when tokens are stored rather than derived from `linkSecret`.
 */
export async function issueCertificatePdf(
  doc: CertificateDocument,
  issuer: CertificateIssuer,
  signedAt: Date = new Date(),
  opts: { linkToken?: string } = {},
): Promise<IssuedCertificatePdf> {
  const { qr, rendered, signatureInfo } = await drawCertificate(doc, issuer, signedAt, opts);
  const pdf = await signPdfDocument(rendered.pdf, issuer.signer, signatureInfo(`${doc.certification.officerName}, ${doc.certification.officeName}`));
  return {
    pdf,
    sha256: createHash('sha256').update(pdf).digest('hex'),
    pageCount: rendered.pageCount,
    signedAt,
    signedBy: issuer.signer.identity,
    qr: { text: qr.text, url: qr.url, version: rendered.qr!.version, modules: rendered.qr!.modules },
  };
}

export interface PreparedCertificatePdf {
  /** the finished certificate with an empty signature field */
  prepared: Buffer;
  /** what the officer signs (a detached CMS over it), and its SHA-256 */
  content: Buffer;
  contentSha256: string;
  pageCount: number;
}

/** Renders the certificate like `issueCertificatePdf`, for a signature the issuing officer makes with a DSC. */
export async function prepareCertificatePdf(
  doc: CertificateDocument,
  issuer: Omit<CertificateIssuer, 'signer'>,
  signedAt: Date,
  opts: { linkToken?: string } = {},
): Promise<PreparedCertificatePdf> {
  const { rendered, signatureInfo } = await drawCertificate(doc, issuer, signedAt, opts);
  const prepared = await preparePdfForExternalSignature(rendered.pdf, signatureInfo(`${doc.certification.officerName}, ${doc.certification.officeName}`));
  const content = await externalSigningContent(prepared);
  return { prepared, content, contentSha256: createHash('sha256').update(content).digest('hex'), pageCount: rendered.pageCount };
}
