import { CertificateRow } from '../../db/entities/index.js';
import type { LegacyCertificateRecord } from '../../domain/certificate/legacy.js';
import type { CertificateKind, CertificateSource } from '../../domain/certificate/life.js';
import type {
  CertificateDocument,
  CertificateHistoryEvent,
  CertificateHistoryEventType,
  CertificateRecord,
  CertificateStatus,
  RelatedCertificate,
} from '../../domain/certificate/types.js';

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
      case 'duplicate_issued':
        description = related ? `Duplicate certificate ${related} issued of it` : `A duplicate certificate was issued of it${note ? `: ${note}` : ''}`;
        break;
      case 'superseded':
        {
          // the note names the in-lieu certificate and the reason: the reason once, after the number
          const rest = related ? (note ?? '').replace(`by ${related}`, '').replace(related, '') : (note ?? '');
          const reason = rest.replace(/^[\s:,;.—-]+|[\s:,;.—-]+$/g, '');
          description = `Superseded by ${related ? `certificate ${related}, issued in lieu of it` : 'a certificate issued in lieu of it'}${reason ? ` — ${reason}` : ''}`;
        }
        break;
      case 'imported':
        description = 'Record imported from the legacy eCoO 1.0 platform';
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
const KINDS: ReadonlySet<string> = new Set<CertificateKind>(['original', 'duplicate', 'in-lieu']);

/** The other certificates of the same life, read by the caller (services/certificate/live-record.ts). */
export interface CertificateRelations {
  /** status superseded: the in-lieu certificate named by the row's superseded_by */
  supersededBy?: RelatedCertificate | undefined;
  /** a duplicate or in-lieu certificate: its original */
  replaces?: RelatedCertificate | undefined;
  /** an original: its duplicates */
  duplicates?: RelatedCertificate[];
  /** the issuing office's name, the public actor of the history */
  officeName?: string;
}

/** The record the verification page and the JSON API show; `document` is undefined for a legacy record. */
export function certificateRecordOf(row: CertificateRow, document: CertificateDocument | undefined, relations: CertificateRelations = {}): CertificateRecord {
  const stored = row.document as unknown as StoredCertificateDocument;
  const history = row.history as HistoryEntry[];
  // an unknown status is never shown as valid
  const status: CertificateStatus = STATUSES.has(row.status) ? (row.status as CertificateStatus) : 'cancelled';
  const kind: CertificateKind = KINDS.has(row.kind) ? row.kind : 'original';
  const source: CertificateSource = row.source === 'legacy' ? 'legacy' : 'platform';
  const lastEvent = (event: string) => [...history].reverse().find((h) => h.event === event);
  const officeName = relations.officeName ?? document?.certification.officeName ?? row.officeCode;
  const legacy = source === 'legacy' ? ((row.document as { legacy?: LegacyCertificateRecord }).legacy ?? undefined) : undefined;
  const changedAt = row.statusChangedAt?.toISOString();
  const supersededNumber = row.supersededBy ?? relations.supersededBy?.certificateNumber;
  const cancelledEvent = lastEvent('cancelled');
  const supersededEvent = lastEvent('superseded');
  return {
    certificateNumber: row.number,
    status,
    kind,
    source,
    issuedAt: row.issuedAt.toISOString(),
    ...(document ? { document } : {}),
    ...(legacy ? { legacy } : {}),
    ...(status === 'superseded' && supersededNumber ? { supersededBy: supersededNumber } : {}),
    ...(status === 'superseded'
      ? {
          superseded: {
            by: relations.supersededBy ?? { certificateNumber: supersededNumber ?? '', kind: 'in-lieu' as const, issueDate: (changedAt ?? supersededEvent?.at ?? '').slice(0, 10) },
            at: changedAt ?? supersededEvent?.at ?? row.issuedAt.toISOString(),
            reason: row.statusReason ?? '',
          },
        }
      : {}),
    ...(status === 'cancelled'
      ? {
          cancellation: {
            at: changedAt ?? cancelledEvent?.at ?? row.issuedAt.toISOString(),
            reason: row.statusReason ?? cancelledEvent?.note ?? (row.status === 'cancelled' ? 'Cancelled by the issuing agency.' : `Status: ${row.status}.`),
            by: officeName,
          },
        }
      : {}),
    ...(relations.replaces ? { replaces: relations.replaces } : {}),
    ...(relations.duplicates && relations.duplicates.length > 0 ? { duplicates: relations.duplicates } : {}),
    history: publicHistory(history, officeName),
    ...(row.pdfSha256 ? { pdfSha256: row.pdfSha256 } : {}),
    ...(stored.signature
      ? { signedBy: { commonName: stored.signature.commonName, serialNumber: stored.signature.serialNumber, ...(stored.signature.organization ? { organization: stored.signature.organization } : {}) } }
      : {}),
  };
}
