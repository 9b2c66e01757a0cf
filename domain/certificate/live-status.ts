import { indianDateOf } from '../application/financial-year.js';
import { formatCertificateDate } from './format.js';
import { LEGACY_PLATFORM } from './life.js';
import type { CertificateRecord, RelatedCertificate } from './types.js';

/**
 * What verification says of a certificate's live record, in words, once for the page, its JSON and the
 * QR code's link (they open the same record): whether it is in force, what replaced it or why it was
 * cancelled, what it replaces, its duplicates. Dates as printed on certificates ("02 JUN 2026"), instants
 * read in India's time zone.
 */

export interface LiveStatusLine {
  text: string;
  /** the certificate the line names, to link to its verification */
  related?: RelatedCertificate;
}

export interface LiveStatus {
  /** true only for a certificate in force */
  valid: boolean;
  /** e.g. "Valid — issued", "Superseded — not in force", "Cancelled — not valid" */
  title: string;
  /** the status first, then what the certificate replaces or what was issued of it */
  lines: LiveStatusLine[];
  /** how the QR code's offline summary relates to the live status (absent for a legacy record) */
  qrNotice?: string;
}

export const STATUS_TITLE = {
  issued: 'Valid — issued',
  superseded: 'Superseded — not in force',
  cancelled: 'Cancelled — not valid',
  legacy: 'Issued on the legacy platform',
} as const;

/** "2026-07-01T04:00:00Z" → "01 JUL 2026" (the day in India); a bare date as it is. */
export function liveDate(at: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(at)) return formatCertificateDate(at);
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? at : formatCertificateDate(indianDateOf(d));
}

function reasonSuffix(reason: string | undefined): string {
  const r = reason?.trim();
  return r ? ` — ${r}` : '';
}

export const QR_NOTICE =
  "The QR code printed on the certificate carries a summary signed at issuance. That summary keeps verifying cryptographically even after the certificate is superseded or cancelled: it proves what was issued, not that it is still in force. The live status shown here is what counts.";

export function describeLiveStatus(record: CertificateRecord): LiveStatus {
  const lines: LiveStatusLine[] = [];
  const legacy = record.source === 'legacy';
  let title: string;
  switch (record.status) {
    case 'superseded': {
      title = STATUS_TITLE.superseded;
      const by = record.superseded?.by;
      const number = by?.certificateNumber ?? record.supersededBy;
      const at = record.superseded?.at;
      lines.push({
        text: `Superseded by ${number ?? 'a certificate issued in lieu of it'}${at ? ` on ${liveDate(at)}` : ''}${reasonSuffix(record.superseded?.reason)}`,
        ...(by ? { related: by } : {}),
      });
      lines.push({ text: `Only ${number ? `certificate ${number}` : 'the certificate issued in lieu of it'} may be used to claim preference.` });
      break;
    }
    case 'cancelled': {
      title = STATUS_TITLE.cancelled;
      const c = record.cancellation;
      lines.push({ text: `Cancelled${c ? ` on ${liveDate(c.at)}` : ''}${c?.by ? ` by ${c.by}` : ''}${reasonSuffix(c?.reason)}` });
      lines.push({ text: 'This certificate is NOT valid: it must not be accepted to claim preference.' });
      break;
    }
    default:
      if (legacy) {
        title = STATUS_TITLE.legacy;
        const date = record.legacy?.issueDate ?? record.issuedAt.slice(0, 10);
        lines.push({ text: `Issued on ${liveDate(date)} on ${LEGACY_PLATFORM}; its record was imported here when the platforms changed.` });
        lines.push({
          text: `Its verification continues on the legacy platform (DGFT Trade Notice 23/2024-25, para 6): confirm it there, where whatever follows from it (a duplicate, a certificate in lieu) is also filed.`,
        });
      } else {
        title = STATUS_TITLE.issued;
        lines.push({ text: `Issued on ${liveDate(record.document?.issueDate ?? record.issuedAt)} and in force.` });
      }
  }
  const r = record.replaces;
  if (r) {
    const dated = ` dated ${liveDate(r.issueDate)}`;
    lines.push({
      text: record.kind === 'in-lieu' ? `Issued in lieu of ${r.certificateNumber}${dated}` : `Duplicate of ${r.certificateNumber}${dated}`,
      related: r,
    });
  }
  for (const d of record.duplicates ?? []) {
    lines.push({ text: `Duplicate ${d.certificateNumber} issued on ${liveDate(d.issueDate)}: the same certificate, both in force while this one is`, related: d });
  }
  return { valid: record.status === 'issued', title, lines, ...(legacy ? {} : { qrNotice: QR_NOTICE }) };
}
