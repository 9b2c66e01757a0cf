import { summarizeCertificate } from './summarize-certificate.js';
import type { CertificateDocument } from './types.js';

/**
 * What the QR code's signed payload says about a certificate: enough for a border agent to match the
 * paper against the shipment without a network. Short names keep the QR code small; docs/verify-offline.md
 * documents each one.
 */
export interface CertificateQrClaims {
  /** payload format version */
  v: 1;
  /** certificate number */
  no: string;
  /** issue date, YYYY-MM-DD */
  dt: string;
  /** agreement code, e.g. "IOCEPA" */
  ag: string;
  /** exporter name */
  ex: string;
  /** exporter IEC */
  iec: string;
  /** importing country: ISO 3166 alpha-2 when known, else the name */
  ic: string;
  /** distinct HS codes of the goods, in item order */
  hs: string[];
  /** number of further distinct HS codes left out to keep the QR code scannable */
  hsMore?: number;
  /** total value of the goods, two decimals, in `cur` */
  tv: string;
  cur: string;
}

/** HS codes beyond this count are summarised as `hsMore` (the page behind the URL lists all of them). */
export const MAX_QR_HS_CODES = 20;

export function buildQrClaims(doc: CertificateDocument): CertificateQrClaims {
  const s = summarizeCertificate(doc);
  const hs = s.hsCodes.slice(0, MAX_QR_HS_CODES);
  return {
    v: 1,
    no: doc.certificateNumber,
    dt: doc.issueDate,
    ag: doc.agreement.code,
    ex: doc.exporter.name,
    iec: doc.exporter.iec,
    ic: doc.importer.countryCode ?? doc.importer.country,
    hs,
    ...(s.hsCodes.length > hs.length ? { hsMore: s.hsCodes.length - hs.length } : {}),
    tv: s.totalValue.toFixed(2),
    cur: s.currency,
  };
}
