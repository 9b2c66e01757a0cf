import type { EntityManager } from '@mikro-orm/postgresql';
import { CertificateRow } from '../../db/entities/index.js';
import type { CertificateKind } from '../../domain/certificate/life.js';
import type { CertificateRecord, RelatedCertificate } from '../../domain/certificate/types.js';
import type { ReferenceSource } from '../../domain/reference/reference-index.js';
import { indianDateOf } from '../../domain/application/financial-year.js';
import { certificateDocumentOf } from './load-certificate.js';
import { certificateRecordOf } from './public-history.js';
import { verificationUrl } from './qr-payload.js';

/**
 * A certificate's live record as verification shows it, with the other certificates of its life read
 * from their columns: the in-lieu certificate that superseded it (`superseded_by`), the original of a
 * duplicate or in-lieu certificate (`original_number`), the duplicates of an original. Each related
 * certificate carries the link of its own QR code, so the page of one opens the other.
 */
export async function loadCertificateRecord(
  em: EntityManager,
  reference: ReferenceSource,
  row: CertificateRow,
  publicBaseUrl: string,
): Promise<CertificateRecord> {
  const related = (r: CertificateRow): RelatedCertificate => ({
    certificateNumber: r.number,
    kind: r.kind as CertificateKind,
    issueDate: issueDateOf(r),
    verificationUrl: verificationUrl(publicBaseUrl, r.number, r.verificationToken),
  });
  const find = (number: string) => em.findOne(CertificateRow, { number }, { disableIdentityMap: true });
  const superseding = row.status === 'superseded' && row.supersededBy ? await find(row.supersededBy) : null;
  const original = row.kind !== 'original' && row.originalNumber ? await find(row.originalNumber) : null;
  const duplicates =
    row.kind === 'original'
      ? await em.find(CertificateRow, { originalNumber: row.number, kind: 'duplicate' }, { disableIdentityMap: true, orderBy: { issuedAt: 'asc' } })
      : [];
  if (row.source === 'legacy') {
    const ref = await reference({ office: row.officeCode });
    return certificateRecordOf(row, undefined, { officeName: ref.office(row.officeCode)?.name ?? row.officeCode });
  }
  const document = await certificateDocumentOf(em, reference, row);
  return certificateRecordOf(row, document, {
    ...(superseding ? { supersededBy: related(superseding) } : {}),
    ...(original ? { replaces: related(original) } : {}),
    duplicates: duplicates.map(related),
  });
}

/** The date printed on the certificate, else the day of issue in India. */
function issueDateOf(r: CertificateRow): string {
  const doc = r.document as { certificate?: { issueDate?: string }; legacy?: { issueDate?: string } } | null;
  return doc?.certificate?.issueDate ?? doc?.legacy?.issueDate ?? indianDateOf(r.issuedAt);
}
