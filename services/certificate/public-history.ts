import { CertificateRow } from '../../db/entities/index.js';
import type { CertificateDocument, CertificateHistoryEvent, CertificateHistoryEventType, CertificateRecord, CertificateStatus } from '../../domain/certificate/types.js';

import { type StoredCertificateDocument } from './certificate-document.js';
import { type HistoryEntry } from './load-certificate.js';

const HISTORY_TYPES: ReadonlySet<string> = new Set<CertificateHistoryEventType>(['issued', 'duplicate_requested', 'superseded', 'cancelled', 'duplicate_issued', 'imported', 'reinstated', 'note']);
const CERTIFICATE_NUMBER_IN_TEXT = /[A-Z]{2,10}\/\d{4}\/\d{3}\/\d{7}[A-Z](?:\/\d{8})?/;

/**
 * The stored history ({at, event, note}) as the public sees it: a fixed sentence per event type, the
 * office as actor. The note of the issue event names the officer and is not repeated.
 */
export function publicHistory(history: HistoryEntry[], officeName: string): CertificateHistoryEvent[] {
  return history.map((h): CertificateHistoryEvent => {
    const type = (HISTORY_TYPES.has(h.event) ? h.event : 'note') as CertificateHistoryEventType;
    const related = CERTIFICATE_NUMBER_IN_TEXT.exec(h.note ?? '')?.[0];
    const note = h.note?.trim();
    let description: string;
    switch (type) {
      case 'issued':
        description = 'Certificate issued and digitally signed';
        break;
      case 'duplicate_requested':
        description = `A duplicate certificate was requested${note ? `: ${note}` : ''}`;
        break;
      case 'superseded':
        description = related ? `Superseded by duplicate certificate ${related}` : `Superseded by a duplicate certificate${note ? `: ${note}` : ''}`;
        break;
      case 'cancelled':
        description = `Cancelled${note ? `: ${note}` : ''}`;
        break;
      case 'reinstated':
        description = `Reinstated${note ? `: ${note}` : ''}`;
        break;
      default:
        description = note || h.event;
    }
    return { at: h.at, type, description, actor: officeName, ...(related ? { relatedCertificateNumber: related } : {}) };
  });
}

const STATUSES: ReadonlySet<string> = new Set<CertificateStatus>(['issued', 'superseded', 'cancelled']);

/** The record the verification page and the JSON API show. `supersededBy`: the newest duplicate, if any. */
export function certificateRecordOf(row: CertificateRow, document: CertificateDocument, supersededBy?: string): CertificateRecord {
  const stored = row.document as unknown as StoredCertificateDocument;
  const history = row.history as HistoryEntry[];
  // an unknown status is never shown as valid
  const status: CertificateStatus = STATUSES.has(row.status) ? (row.status as CertificateStatus) : 'cancelled';
  const cancelledEvent = [...history].reverse().find((h) => h.event === 'cancelled');
  return {
    certificateNumber: row.number,
    status,
    issuedAt: row.issuedAt.toISOString(),
    document,
    ...(status === 'superseded' && supersededBy ? { supersededBy } : {}),
    ...(status === 'cancelled'
      ? { cancellation: { at: cancelledEvent?.at ?? row.issuedAt.toISOString(), reason: cancelledEvent?.note ?? (row.status === 'cancelled' ? 'Cancelled by the issuing agency.' : `Status: ${row.status}.`) } }
      : {}),
    history: publicHistory(history, document.certification.officeName),
    ...(row.pdfSha256 ? { pdfSha256: row.pdfSha256 } : {}),
    ...(stored.signature
      ? { signedBy: { commonName: stored.signature.commonName, serialNumber: stored.signature.serialNumber, ...(stored.signature.organization ? { organization: stored.signature.organization } : {}) } }
      : {}),
  };
}
