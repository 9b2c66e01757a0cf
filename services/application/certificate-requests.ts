import crypto from 'node:crypto';
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import { ApplicationRow, AttachmentRow, AuditEvent, CertificateRow } from '../../db/entities/index.js';
import { nextSequence } from '../../db/sequence.js';
import { APPLICATION_ATTACHMENT_POLICY, inspectUpload } from '../../domain/application/check-upload.js';
import { FINAL_STATUSES } from '../../domain/application/file-status.js';
import { checkRequestTarget, requestKindLabel, type RequestKind } from '../../domain/certificate/life.js';
import { diffTabs, type FieldChange } from '../../domain/certificate/request-diff.js';
import { formatRequestNumber } from '../../domain/numbering/application-number.js';
import { normaliseCertificateNumber } from '../../domain/numbering/certificate-number.js';
import { AppError, ErrorCode, type FieldProblem } from '../../lib/errors.js';

/**
 * Requests for a duplicate or a certificate in lieu of an issued one (issue 11; seed 001 "Duplicate/In-lieu
 * Certificate for CoO"). A request is a file (application.kind 'duplicate' | 'in-lieu') made against an
 * issued certificate of the requester's own IEC: it starts as a draft carrying the tabs the original was
 * issued from, the exporter's reason and a supporting document; an in-lieu request's tabs are then
 * corrected through the ordinary tab operations, by the application's rules. Submitted, it is signed,
 * paid, reviewed and issued by its workflow (workflows/certificate-request).
 */

export const REQUEST_SEQUENCE = 'request-number';
export const SUPPORTING_DOCUMENT = 'supporting-document';
const OPEN_REQUEST_INDEX = 'application_one_open_request';

export interface Requester {
  userId: string;
  iec: string;
}

/** The request open against a certificate (any status but Approved, Rejected, Expired), if any. */
export async function openRequestOf(em: EntityManager, certificateNumber: string): Promise<ApplicationRow | null> {
  return em.findOne(ApplicationRow, {
    originalCertificateNumber: certificateNumber,
    kind: { $ne: 'application' },
    status: { $nin: [...FINAL_STATUSES] },
  });
}

function openRequestConflict(certificateNumber: string, open: Pick<ApplicationRow, 'number' | 'kind' | 'status'>): AppError {
  return new AppError(
    ErrorCode.Conflict,
    `Certificate ${certificateNumber} already has an open request, ${open.number} (${open.kind === 'in-lieu' ? 'in lieu' : 'duplicate'}, ${open.status}): one request per certificate at a time. Continue or delete that one first.`,
    { details: { openRequest: open.number }, problems: [{ path: 'certificateNumber', message: `open request ${open.number}` }] },
  );
}

/**
 * Creates the draft of a request against an issued certificate. Only the certificate's own IEC may request;
 * a legacy record, a superseded or a cancelled certificate is refused (domain/certificate/life.ts); a
 * certificate with an open request is refused naming it (a partial unique index decides between two
 * requests made at the same moment).
 */
export async function createCertificateRequest(
  em: EntityManager,
  requester: Requester,
  input: { certificateNumber: string; kind: RequestKind; reason: string },
  now = new Date(),
): Promise<ApplicationRow> {
  const number = normaliseCertificateNumber(input.certificateNumber);
  const reason = input.reason.trim();
  if (!reason) throw new AppError(ErrorCode.ValidationFailed, 'Give the reason for the request: the officer reads it, and it is recorded with the certificate.', { problems: [{ path: 'reason', message: 'required' }] });
  const certificate = await em.findOne(CertificateRow, { number });
  if (!certificate) throw new AppError(ErrorCode.NotFound, `Certificate ${number} was not found among the certificates issued to IEC ${requester.iec}.`);
  checkRequestTarget(certificate, requester.iec, input.kind);
  const open = await openRequestOf(em, number);
  if (open) throw openRequestConflict(number, open);
  const stored = certificate.document as { tabs?: Record<string, unknown> };
  const original = certificate.applicationId ? await em.findOne(ApplicationRow, { id: certificate.applicationId }) : null;
  const sequence = await nextSequence(em, REQUEST_SEQUENCE);
  try {
    return await em.transactional(async (tx) => {
      const row = tx.create(ApplicationRow, {
        id: crypto.randomUUID(),
        number: formatRequestNumber(sequence, now),
        kind: input.kind,
        originalCertificateNumber: number,
        requestReason: reason,
        iec: requester.iec,
        createdBy: requester.userId.slice(0, 60),
        status: 'Draft',
        agreementCode: certificate.agreementCode,
        agencyCode: certificate.agencyCode,
        officeCode: certificate.officeCode,
        importerCountry: original?.importerCountry ?? null,
        invoiceNumber: original?.invoiceNumber ?? null,
        invoiceValueUsd: original?.invoiceValueUsd ?? null,
        // the tabs as the original was issued from them (a deep copy: the request never changes the original)
        tabs: structuredClone(stored.tabs ?? {}),
        deficiencyRound: 0,
        createdAt: now,
        updatedAt: now,
        statusChangedAt: now,
      });
      tx.create(AuditEvent, {
        eventKey: `certificate-request/${row.number}/created`,
        subjectType: 'certificate-request',
        subjectId: row.number,
        action: 'certificate-request.created',
        actor: requester.userId.slice(0, 120),
        channel: 'api',
        details: { kind: input.kind, certificate: number, reason },
      });
      return row;
    });
  } catch (e) {
    if (e instanceof UniqueConstraintViolationException && String(e.message).includes(OPEN_REQUEST_INDEX)) {
      const winner = await em.fork().findOne(ApplicationRow, { originalCertificateNumber: number, kind: { $ne: 'application' }, status: { $nin: [...FINAL_STATUSES] } });
      throw openRequestConflict(number, winner ?? { number: 'another request', kind: input.kind, status: 'Draft' });
    }
    throw e;
  }
}

/** Stores the supporting document of a request (seed 001: "Upload requisite document"), by the upload rules of attachments. */
export async function uploadSupportingDocument(
  em: EntityManager,
  row: ApplicationRow,
  uploadedBy: string,
  file: { fileName: string; bytes: Uint8Array },
): Promise<AttachmentRow> {
  if (row.kind === 'application') throw new AppError(ErrorCode.NotFound, `${row.number} is an application, not a request for a duplicate or in-lieu certificate.`);
  if (row.status !== 'Draft') throw new AppError(ErrorCode.IllegalTransition, `Request ${row.number} is ${row.status}: its supporting documents are attached while it is a draft.`);
  const policy = APPLICATION_ATTACHMENT_POLICY;
  const inspected = await inspectUpload({ fileName: file.fileName, bytes: file.bytes }, policy, 'body');
  if (!inspected.ok) {
    throw new AppError(ErrorCode.AttachmentRejected, inspected.problems.map((p) => p.message).join('; '), {
      status: file.bytes.length > policy.maxBytes ? 413 : 422,
      problems: inspected.problems,
    });
  }
  const count = await em.count(AttachmentRow, { applicationId: row.id, purpose: SUPPORTING_DOCUMENT });
  if (count >= policy.maxFiles) {
    throw new AppError(ErrorCode.AttachmentRejected, `Request ${row.number} already has ${count} supporting documents, the most it can carry; delete one first.`, { status: 409 });
  }
  const attachment = em.create(AttachmentRow, {
    id: crypto.randomUUID(),
    applicationId: row.id,
    purpose: SUPPORTING_DOCUMENT,
    round: null,
    documentType: SUPPORTING_DOCUMENT,
    fileName: inspected.safeName,
    contentType: inspected.type,
    sizeBytes: inspected.sizeBytes,
    sha256: crypto.createHash('sha256').update(file.bytes).digest('hex'),
    content: Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength),
    uploadedBy: uploadedBy.slice(0, 60),
    // signed with the request
    submitted: true,
    createdAt: new Date(),
  });
  await em.flush();
  return attachment;
}

export async function supportingDocumentsOf(em: EntityManager, requestId: string): Promise<AttachmentRow[]> {
  return em.find(AttachmentRow, { applicationId: requestId, purpose: SUPPORTING_DOCUMENT }, { orderBy: { createdAt: 'asc' } });
}

/** The application the original certificate was issued for: an invoice it holds is the same export, not a second use. */
export async function originalApplicationIdOf(em: EntityManager, row: Pick<ApplicationRow, 'kind' | 'originalCertificateNumber'>): Promise<string | null> {
  if (row.kind === 'application' || !row.originalCertificateNumber) return null;
  return (await em.findOne(CertificateRow, { number: row.originalCertificateNumber }, { fields: ['applicationId'] }))?.applicationId ?? null;
}

/**
 * What a request needs beyond the application's rules before it can be signed: the reason, a supporting
 * document, the original still in force; a duplicate carries the original's content unchanged, an in-lieu
 * request keeps the original's agreement, agency and office and corrects at least one field.
 */
export async function requestProblems(em: EntityManager, row: ApplicationRow): Promise<FieldProblem[]> {
  if (row.kind === 'application') return [];
  const problems: FieldProblem[] = [];
  if (!row.requestReason?.trim()) problems.push({ path: 'reason', message: 'Give the reason for the request' });
  if ((await em.count(AttachmentRow, { applicationId: row.id, purpose: SUPPORTING_DOCUMENT })) === 0) {
    problems.push({ path: 'supportingDocuments', message: 'Attach the supporting document of the request (seed 001: "Upload requisite document")' });
  }
  const original = await em.findOne(CertificateRow, { number: row.originalCertificateNumber! });
  if (!original) {
    problems.push({ path: 'certificateNumber', message: `Certificate ${row.originalCertificateNumber} does not exist` });
    return problems;
  }
  if (original.status !== 'issued') {
    problems.push({ path: 'certificateNumber', message: `Certificate ${original.number} is ${original.status}: no ${requestKindLabel(row.kind === 'duplicate' ? 'duplicate' : 'in-lieu')} can be issued for it` });
  }
  const changes = diffTabs((original.document as { tabs?: Record<string, unknown> }).tabs ?? {}, row.tabs);
  if (row.kind === 'duplicate' && changes.length > 0) {
    problems.push({ path: changes[0]!.path, message: 'A duplicate carries the original certificate unchanged: request a certificate in lieu to correct it' });
  }
  if (row.kind === 'in-lieu') {
    if (changes.length === 0) problems.push({ path: 'tabs', message: 'An in-lieu certificate corrects the original: change at least one field, or request a duplicate' });
    if (row.agreementCode !== original.agreementCode || row.agencyCode !== original.agencyCode || row.officeCode !== original.officeCode) {
      problems.push({
        path: 'certificateDetails',
        message: `An in-lieu certificate is issued under the original's agreement by the office that issued it (${original.agreementCode}, ${original.officeCode})`,
      });
    }
  }
  return problems;
}

export interface CertificateRequestView {
  id: string;
  number: string;
  kind: RequestKind;
  status: string;
  fileNumber: string | null;
  originalCertificateNumber: string;
  reason: string;
  iec: string;
  agencyCode: string | null;
  officeCode: string | null;
  agreementCode: string | null;
  feeTotalPaise: number | null;
  certificateNumber: string | null;
  rejectionReason: string | null;
  discrepancyRound: number;
  supportingDocuments: { id: string; fileName: string; contentType: string; sizeBytes: number; sha256: string }[];
  /** in-lieu: each corrected field, the original's value and the new one */
  changes: FieldChange[];
  createdAt: string;
  submittedAt: string | null;
  statusChangedAt: string;
}

/** The request as the exporter and the reviewing officer see it, with the field-by-field difference from the original. */
export async function certificateRequestView(em: EntityManager, row: ApplicationRow): Promise<CertificateRequestView> {
  const original = await em.findOne(CertificateRow, { number: row.originalCertificateNumber! });
  const docs = await supportingDocumentsOf(em, row.id);
  return {
    id: row.id,
    number: row.number,
    kind: row.kind === 'duplicate' ? 'duplicate' : 'in-lieu',
    status: row.status,
    fileNumber: row.fileNumber ?? null,
    originalCertificateNumber: row.originalCertificateNumber!,
    reason: row.requestReason ?? '',
    iec: row.iec,
    agencyCode: row.agencyCode ?? null,
    officeCode: row.officeCode ?? null,
    agreementCode: row.agreementCode ?? null,
    feeTotalPaise: row.feeTotalPaise ?? null,
    certificateNumber: row.certificateNumber ?? null,
    rejectionReason: row.rejectionReason ?? null,
    discrepancyRound: row.deficiencyRound,
    supportingDocuments: docs.map((d) => ({ id: d.id, fileName: d.fileName, contentType: d.contentType, sizeBytes: d.sizeBytes, sha256: d.sha256 })),
    changes: original ? diffTabs((original.document as { tabs?: Record<string, unknown> }).tabs ?? {}, row.tabs) : [],
    createdAt: row.createdAt.toISOString(),
    submittedAt: row.submittedAt?.toISOString() ?? null,
    statusChangedAt: row.statusChangedAt.toISOString(),
  };
}
