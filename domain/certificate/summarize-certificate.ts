import type { CertificateDocument } from './types.js';

export interface CertificateSummary {
  /** distinct HS codes in item order */
  hsCodes: string[];
  totalValue: number;
  currency: string;
  totalPackages: number;
  itemCount: number;
}

/** Totals and distinct HS codes, for the QR payload and the goods table's closing line. */
export function summarizeCertificate(doc: CertificateDocument): CertificateSummary {
  const hsCodes: string[] = [];
  let cents = 0;
  let packages = 0;
  for (const item of doc.goods) {
    if (!hsCodes.includes(item.hsCode)) hsCodes.push(item.hsCode);
    cents += Math.round(item.value * 100);
    packages += item.packages.count;
  }
  return {
    hsCodes,
    totalValue: cents / 100,
    currency: doc.invoice.currency,
    totalPackages: packages,
    itemCount: doc.goods.length,
  };
}
