import type { EntityManager } from '@mikro-orm/postgresql';
import { CertificateRow, IecRecord, type ApplicationRow } from '../../db/entities/index.js';
import { indianDateOf } from '../../domain/application/financial-year.js';
import type { ApplicationDraft } from '../../domain/application/schemas.js';
import { resolveAgreementForm } from '../../domain/certificate/agreement-forms.js';
import { assertCertificateDocument } from '../../domain/certificate/validate-certificate-document.js';
import type { ReferenceIndex } from '../../domain/reference/reference-index.js';
import type { IecRecord as IecMasterRecord } from '../../domain/reference/types.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { prepareImage } from '../pdf/pdf-image.js';
import { buildCertificateDocument, invalid } from './certificate-document.js';
import { renderCertificate } from './render-certificate.js';

/** Printed across every page of a preview (seed 001 "PREVIEW CERTIFICATE": the draft before payment). */
export const PREVIEW_WATERMARK = 'DRAFT – NOT VALID';

/** A transparent pixel: a preview carries no officer's signature image and no stamp. */
const NOTHING = prepareImage({ width: 1, height: 1, data: new Uint8Array(4) });

/**
 * The certificate a request for a duplicate or an in-lieu certificate would be issued as, before it is
 * paid (seed 001: "PREVIEW CERTIFICATE … Click to View the draft certificate"): the agreement's layout
 * with the content the request carries (the original's, or the corrected one), the number it would get,
 * the DUPLICATE / IN LIEU mark, "DRAFT – NOT VALID" across every page; no signature image, no stamp, no
 * digital signature, and a QR code that says it is a preview, so nothing about it verifies.
 */
export async function renderRequestPreview(em: EntityManager, reference: ReferenceIndex, row: ApplicationRow, now = new Date()): Promise<Uint8Array> {
  if (row.kind === 'application' || !row.originalCertificateNumber) {
    throw new AppError(ErrorCode.NotFound, `${row.number} is an application, not a request for a duplicate or in-lieu certificate.`);
  }
  const original = await em.findOne(CertificateRow, { number: row.originalCertificateNumber });
  if (!original) throw new AppError(ErrorCode.NotFound, `Certificate ${row.originalCertificateNumber} no longer exists.`);
  const agreement = reference.agreement(row.agreementCode ?? '');
  const agency = reference.agency(row.agencyCode ?? '');
  const office = reference.office(row.officeCode ?? '');
  if (!agreement || !agency || !office) throw invalid(`Request ${row.number}: its agreement, agency or office is missing from the reference data.`, 'reference');
  const iec = await em.findOne(IecRecord, { iec: row.iec });
  if (!iec) throw invalid(`Request ${row.number}: IEC ${row.iec} has no record in the local copy of the IEC master.`, 'iec');
  // the number it would get now: the next of the original's sequence
  const next = (await em.count(CertificateRow, { originalNumber: original.number, kind: { $ne: 'original' } })) + 1;
  const doc = buildCertificateDocument({
    certificateNumber: row.certificateNumber ?? `${original.number}/${String(next).padStart(8, '0')}`,
    issuedAt: now,
    tabs: row.tabs as ApplicationDraft,
    agreement,
    agency,
    office,
    exporter: iec.data as unknown as IecMasterRecord,
    officer: { name: 'To be signed by the issuing officer' },
    replaces: { kind: row.kind === 'duplicate' ? 'duplicate' : 'in-lieu', number: original.number, issueDate: indianDateOf(original.issuedAt) },
  });
  resolveAgreementForm(doc.agreement);
  assertCertificateDocument(doc);
  const { pdf } = await renderCertificate({
    document: doc,
    images: { signature: NOTHING, stamp: NOTHING },
    qrText: `PREVIEW ${row.number}: ${PREVIEW_WATERMARK}. Not a certificate of origin.`,
    verifyAtUrl: 'no address: a preview cannot be verified',
    createdAt: now,
    watermark: PREVIEW_WATERMARK,
  });
  pdf.setTitle(`PREVIEW — ${PREVIEW_WATERMARK} — request ${row.number}`);
  pdf.setKeywords(['preview', 'not valid', row.number]);
  return pdf.save();
}
