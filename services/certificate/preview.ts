import type { EntityManager } from '@mikro-orm/postgresql';
import { CertificateRow, IecRecord, type ApplicationRow } from '../../db/entities/index.js';
import { indianDateOf } from '../../domain/application/financial-year.js';
import { parseTab } from '../../domain/application/parse-tab.js';
import type { ApplicationDraft, TabId } from '../../domain/application/schemas.js';
import { TAB_LABELS } from '../../domain/application/tab-order.js';
import { resolveAgreementForm } from '../../domain/certificate/agreement-forms.js';
import type { CertificateDocument } from '../../domain/certificate/types.js';
import { assertCertificateDocument } from '../../domain/certificate/validate-certificate-document.js';
import { certificateYearOf } from '../../domain/numbering/certificate-number.js';
import type { ReferenceIndex } from '../../domain/reference/reference-index.js';
import type { IecRecord as IecMasterRecord } from '../../domain/reference/types.js';
import { AppError, ErrorCode, type FieldProblem } from '../../lib/errors.js';
import { prepareImage } from '../pdf/pdf-image.js';
import { buildCertificateDocument, invalid, type CertificateSources } from './certificate-document.js';
import { renderCertificate } from './render-certificate.js';

/** Printed across every page of a preview (seed 001 "PREVIEW CERTIFICATE": the draft before payment). */
export const PREVIEW_WATERMARK = 'DRAFT – NOT VALID';

/** A transparent pixel: a preview carries no officer's signature image and no stamp. */
const NOTHING = prepareImage({ width: 1, height: 1, data: new Uint8Array(4) });

/** The tabs a certificate prints from (attachments are not printed). */
const PRINTED_TABS: readonly TabId[] = ['basicDetails', 'certificateDetails', 'exportProducts', 'importDetails', 'shipment', 'declaration'];

function listed(names: string[]): string {
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * The certificate a file would be issued as, before it is signed and paid (seed 001 step 5 "Click Preview
 * Certificate to View draft CoO"; for duplicate / in-lieu requests "PREVIEW CERTIFICATE … Click to View the
 * draft certificate"): the agreement's layout with what the file says now, "DRAFT – NOT VALID" across every
 * page; no signature image, no stamp, no QR code and no digital signature, so nothing about it verifies.
 * Nothing is numbered for it: an application shows where its number will go
 * (`EIC/2026/031/PREVIEW`), a request the number it would get now (the next of its original's sequence,
 * counted, not taken).
 */
export async function renderPreview(em: EntityManager, reference: ReferenceIndex, row: ApplicationRow, now = new Date()): Promise<Uint8Array> {
  const doc = row.kind === 'application' ? await applicationPreviewDocument(em, reference, row, now) : await requestPreviewDocument(em, reference, row, now);
  resolveAgreementForm(doc.agreement);
  assertCertificateDocument(doc);
  const { pdf } = await renderCertificate({
    document: doc,
    images: { signature: NOTHING, stamp: NOTHING },
    verifyAtUrl: 'no address: a preview cannot be verified',
    createdAt: now,
    watermark: PREVIEW_WATERMARK,
  });
  pdf.setTitle(`PREVIEW — ${PREVIEW_WATERMARK} — ${row.kind === 'application' ? 'application' : 'request'} ${row.number}`);
  pdf.setKeywords(['preview', 'not valid', row.number]);
  return pdf.save();
}

const OFFICER = { name: 'To be signed by the issuing officer' };

async function exporterOf(em: EntityManager, row: ApplicationRow): Promise<IecMasterRecord> {
  const iec = await em.findOne(IecRecord, { iec: row.iec });
  if (!iec) throw invalid(`${row.number}: IEC ${row.iec} has no record in the local copy of the IEC master.`, 'iec');
  return iec.data as unknown as IecMasterRecord;
}

/** An application's preview: every tab the certificate prints must be saved (422 naming the missing ones). */
async function applicationPreviewDocument(em: EntityManager, reference: ReferenceIndex, row: ApplicationRow, now: Date): Promise<CertificateDocument> {
  const stored = row.tabs as Partial<Record<TabId, unknown>>;
  const missing = PRINTED_TABS.filter((t) => stored[t] === undefined);
  if (missing.length > 0) {
    const names = missing.map((t) => `"${TAB_LABELS[t]}"`);
    throw new AppError(
      ErrorCode.ValidationFailed,
      `The certificate cannot be previewed yet: save the ${listed(names)} tab${missing.length > 1 ? 's' : ''} of application ${row.number} first (the preview prints what the saved tabs say).`,
      { problems: missing.map((t): FieldProblem => ({ path: t, message: `The "${TAB_LABELS[t]}" tab has not been saved` })) },
    );
  }
  const tabs: ApplicationDraft = {};
  const problems: FieldProblem[] = [];
  for (const t of PRINTED_TABS) {
    const parsed = parseTab(t, stored[t]);
    if (parsed.ok) (tabs as Record<TabId, unknown>)[t] = parsed.value;
    else problems.push(...parsed.problems);
  }
  if (problems.length > 0) {
    throw new AppError(ErrorCode.ValidationFailed, `The certificate cannot be previewed: ${problems[0]!.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}.`, { problems });
  }
  const details = tabs.certificateDetails!;
  const agreement = reference.agreement(details.agreementCode);
  const agency = reference.agency(details.agencyCode);
  const office = reference.office(details.officeCode);
  if (!agreement || !agency || !office) {
    throw invalid(`The certificate cannot be previewed: agreement ${details.agreementCode}, agency ${details.agencyCode} or office ${details.officeCode} is not in the reference data; correct the "Certificate Details" tab.`, 'certificateDetails');
  }
  const sources: CertificateSources = {
    // no number is taken for a preview: the agency, year and agreement of the number it will get, and where its sequence goes
    certificateNumber: row.certificateNumber ?? `${agency.code}/${certificateYearOf(now)}/${agreement.numericCode}/PREVIEW`,
    issuedAt: now,
    tabs,
    agreement,
    agency,
    office,
    exporter: await exporterOf(em, row),
    officer: OFFICER,
  };
  return buildCertificateDocument(sources);
}

/** A duplicate / in-lieu request's preview: the content it carries, its DUPLICATE / IN LIEU mark, the number it would get. */
async function requestPreviewDocument(em: EntityManager, reference: ReferenceIndex, row: ApplicationRow, now: Date): Promise<CertificateDocument> {
  if (!row.originalCertificateNumber) throw new AppError(ErrorCode.NotFound, `${row.number} names no original certificate.`);
  const original = await em.findOne(CertificateRow, { number: row.originalCertificateNumber });
  if (!original) throw new AppError(ErrorCode.NotFound, `Certificate ${row.originalCertificateNumber} no longer exists.`);
  const agreement = reference.agreement(row.agreementCode ?? '');
  const agency = reference.agency(row.agencyCode ?? '');
  const office = reference.office(row.officeCode ?? '');
  if (!agreement || !agency || !office) throw invalid(`Request ${row.number}: its agreement, agency or office is missing from the reference data.`, 'reference');
  // the number it would get now: the next of the original's sequence
  const next = (await em.count(CertificateRow, { originalNumber: original.number, kind: { $ne: 'original' } })) + 1;
  return buildCertificateDocument({
    certificateNumber: row.certificateNumber ?? `${original.number}/${String(next).padStart(8, '0')}`,
    issuedAt: now,
    tabs: row.tabs as ApplicationDraft,
    agreement,
    agency,
    office,
    exporter: await exporterOf(em, row),
    officer: OFFICER,
    replaces: { kind: row.kind === 'duplicate' ? 'duplicate' : 'in-lieu', number: original.number, issueDate: indianDateOf(original.issuedAt) },
  });
}
