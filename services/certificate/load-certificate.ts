import type { EntityManager } from '@mikro-orm/postgresql';
import { CertificateRow, IecRecord, SignedVersion, StaffUserRow } from '../../db/entities/index.js';
import { indianDateOf } from '../../domain/application/financial-year.js';
import type { CertificateDocument } from '../../domain/certificate/types.js';
import type { ReferenceIndex, ReferenceSource } from '../../domain/reference/reference-index.js';
import type { IecRecord as IecMasterRecord } from '../../domain/reference/types.js';

import { buildCertificateDocument, invalid, type CertificateSources, type StoredCertificateDocument } from './certificate-document.js';

export type HistoryEntry = { at: string; event: string; note?: string };

/** The officer who approved: the staff directory, else the name recorded with the issue event ("by <name>"). */
async function approvingOfficer(em: EntityManager, row: CertificateRow): Promise<{ name: string; designation?: string }> {
  const staff = await em.findOne(StaffUserRow, { id: row.issuedBy });
  if (staff) return { name: staff.name, designation: staff.designation };
  const issued = (row.history as HistoryEntry[]).find((h) => h.event === 'issued');
  const name = /^by (.+)$/.exec(issued?.note ?? '')?.[1]?.trim();
  return { name: name || row.issuedBy };
}

/** Everything {@link buildCertificateDocument} needs, read for one certificate row. */
export async function loadCertificateSources(em: EntityManager, reference: ReferenceIndex, row: CertificateRow): Promise<CertificateSources> {
  const stored = row.document as unknown as StoredCertificateDocument;
  const agreement = reference.agreement(row.agreementCode);
  const agency = reference.agency(row.agencyCode);
  const office = reference.office(row.officeCode);
  if (!agreement || !agency || !office) {
    throw invalid(`Certificate ${row.number}: agreement ${row.agreementCode}, agency ${row.agencyCode} or office ${row.officeCode} is missing from the reference data.`, 'reference');
  }
  const iec = await em.findOne(IecRecord, { iec: row.iec });
  if (!iec) throw invalid(`Certificate ${row.number}: IEC ${row.iec} has no record in the local copy of the IEC master.`, 'iec');
  const signed = await em.findOne(
    SignedVersion,
    { applicationId: row.applicationId, purpose: { $in: ['submission', 'deficiency-edit'] } },
    { orderBy: { signedAt: 'desc' } },
  );
  const original = row.originalNumber && row.kind !== 'original' ? await em.findOne(CertificateRow, { number: row.originalNumber }) : null;
  return {
    certificateNumber: row.number,
    issuedAt: row.issuedAt,
    ...(original && row.kind !== 'original' ? { replaces: { kind: row.kind, number: original.number, issueDate: indianDateOf(original.issuedAt) } } : {}),
    tabs: stored.tabs ?? {},
    agreement,
    agency,
    office,
    exporter: iec.data as unknown as IecMasterRecord,
    officer: await approvingOfficer(em, row),
    declaredOn: signed ? indianDateOf(signed.signedAt) : undefined,
  };
}

/** The frozen document, or (before the first render) the document as it would be drawn now. */
export async function certificateDocumentOf(em: EntityManager, reference: ReferenceSource, row: CertificateRow): Promise<CertificateDocument> {
  const stored = row.document as unknown as StoredCertificateDocument;
  return stored.certificate ?? buildCertificateDocument(await loadCertificateSources(em, await reference({ office: row.officeCode, agency: row.agencyCode }), row));
}

// ---- the live record ----
