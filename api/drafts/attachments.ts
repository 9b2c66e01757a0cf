import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import { BodyTooLarge, readRawBody } from './raw-body.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AttachmentRow, type ApplicationRow } from '../../db/entities/index.js';
import { APPLICATION_ATTACHMENT_POLICY, formatMegabytes, inspectUpload, type UploadPolicy } from '../../domain/application/check-upload.js';
import { sanitizeFileName } from '../../domain/application/sanitize-file-name.js';
import type { Attachment, AttachmentDocumentType, Attachments } from '../../domain/application/schemas.js';
import { checkTabOrder, savedTabsOf } from '../../domain/application/tab-order.js';
import { validateTab } from '../../domain/application/validate-application.js';
import type { Principal } from '../../lib/auth/roles.js';
import { AppError, ErrorCode, type FieldProblem } from '../../lib/errors.js';
import { assertEditable, seesUnsubmitted } from './access.js';
import { tabEntry } from './attachment-views.js';
import { findVisible, lockOwned } from './draft-service.js';
import { loadIecForRules, ruleContext } from './iec-context.js';
import { loadReferenceIndex } from '../../db/reference-index.js';
import { assertVersion } from './version.js';

export interface UploadRequest {
  documentType: AttachmentDocumentType;
  fileName: string;
  attest: boolean;
  description?: string | undefined;
  bytes: Uint8Array;
}

export interface UploadResult {
  row: ApplicationRow;
  attachment: AttachmentRow;
  /** Problems of tab 6 after the upload (e.g. the commercial invoice still missing); they block submission. */
  warnings: FieldProblem[];
}

/**
 * The refusal for a file larger than the policy allows, when the body was cut off at the limit
 * before it could be inspected (the declared length is then the only size known).
 */
export function fileTooLarge(fileName: string, declaredBytes: number | undefined, policy: UploadPolicy = APPLICATION_ATTACHMENT_POLICY): AppError {
  const shown = sanitizeFileName(fileName);
  const size = declaredBytes === undefined ? 'larger than that' : formatMegabytes(declaredBytes);
  const message = `${shown} is ${size}; files for ${policy.purpose} can be at most ${formatMegabytes(policy.maxBytes)}`;
  return new AppError(ErrorCode.AttachmentRejected, message, { status: 413, problems: [{ path: 'body', message }] });
}

/** Reads an uploaded file's body within the policy's size, or refuses it as too large (413, naming the file). */
export async function readUpload(req: Request, res: Response, fileName: string, policy: UploadPolicy = APPLICATION_ATTACHMENT_POLICY): Promise<Buffer> {
  try {
    return await readRawBody(req, res, policy.maxBytes);
  } catch (e) {
    if (e instanceof BodyTooLarge) throw fileTooLarge(fileName, e.declaredBytes, policy);
    throw e;
  }
}

/**
 * Stores a file for tab 6 and lists it there. The type is detected from the bytes (the name is
 * only sanitised and given the detected type's extension); size and type follow
 * APPLICATION_ATTACHMENT_POLICY. Uploading saves tab 6, so tabs 1-5 must be saved first.
 */
export async function uploadAttachment(
  em: EntityManager,
  principal: Principal,
  id: string,
  req: UploadRequest,
  expected: number | undefined,
): Promise<UploadResult> {
  const policy = APPLICATION_ATTACHMENT_POLICY;
  const inspected = await inspectUpload({ fileName: req.fileName, bytes: req.bytes }, policy, 'body');
  return em.transactional(async (tx) => {
    const row = await lockOwned(tx, principal, id);
    assertVersion(row.number, row.version, expected);
    assertEditable(row, 'uploading an attachment');
    const order = checkTabOrder(savedTabsOf(row.tabs), 'attachments');
    if (order.length > 0) throw new AppError(ErrorCode.TabOrder, order[0]!.message, { problems: order });
    if (!inspected.ok) {
      const tooLarge = req.bytes.length > policy.maxBytes;
      throw new AppError(ErrorCode.AttachmentRejected, inspected.problems.map((p) => p.message).join('; '), {
        status: tooLarge ? 413 : 422,
        problems: inspected.problems,
      });
    }
    const count = await tx.count(AttachmentRow, { applicationId: row.id, purpose: 'application' });
    if (count >= policy.maxFiles) {
      throw new AppError(
        ErrorCode.AttachmentRejected,
        `Application ${row.number} already has ${count} attachments, the most ${policy.purpose} can carry; delete one first`,
        { status: 409, problems: [{ path: 'body', message: `at most ${policy.maxFiles} attachments` }] },
      );
    }
    const attachment = tx.create(AttachmentRow, {
      id: crypto.randomUUID(),
      applicationId: row.id,
      purpose: 'application',
      round: row.status === 'Deficient' ? row.deficiencyRound : null,
      documentType: req.documentType,
      fileName: inspected.safeName,
      contentType: inspected.type,
      sizeBytes: inspected.sizeBytes,
      sha256: crypto.createHash('sha256').update(req.bytes).digest('hex'),
      content: Buffer.from(req.bytes.buffer, req.bytes.byteOffset, req.bytes.byteLength),
      uploadedBy: principal.sub.slice(0, 60),
      // tab 6 is part of the application the exporter signs
      submitted: true,
      createdAt: new Date(),
    });
    const files: Attachment[] = [...currentFiles(row), tabEntry(attachment, { attest: req.attest, description: req.description })];
    const warnings = await writeAttachmentsTab(tx, row, files);
    await tx.flush();
    return { row, attachment, warnings };
  });
}

/** Removes an uploaded file from a draft (or an application being edited after a deficiency). */
export async function deleteAttachment(
  em: EntityManager,
  principal: Principal,
  id: string,
  attachmentId: string,
  expected: number | undefined,
): Promise<{ row: ApplicationRow; warnings: FieldProblem[] }> {
  return em.transactional(async (tx) => {
    const row = await lockOwned(tx, principal, id);
    assertVersion(row.number, row.version, expected);
    const attachment = await tx.findOne(AttachmentRow, { id: attachmentId, applicationId: row.id });
    if (!attachment) throw attachmentNotFound(attachmentId);
    if (attachment.purpose !== 'application') {
      throw new AppError(ErrorCode.IllegalTransition, `${attachment.fileName} belongs to a deficiency response, which cannot be changed once sent.`);
    }
    assertEditable(row, 'deleting an attachment');
    await tx.nativeDelete(AttachmentRow, { id: attachment.id });
    const warnings = await writeAttachmentsTab(
      tx,
      row,
      currentFiles(row).filter((f) => f.id !== attachment.id),
    );
    await tx.flush();
    return { row, warnings };
  });
}

/** A stored file with its bytes, for the caller allowed to see the application. */
export async function readAttachment(em: EntityManager, principal: Principal, id: string, attachmentId: string): Promise<AttachmentRow> {
  const row = await findVisible(em, principal, id);
  const attachment = await em.findOne(AttachmentRow, { id: attachmentId, applicationId: row.id }, { populate: ['content'] });
  // a file not submitted to the office answers an officer as a file that does not exist
  if (!attachment || (!attachment.submitted && !seesUnsubmitted(principal, row))) throw attachmentNotFound(attachmentId);
  return attachment;
}

function attachmentNotFound(attachmentId: string): AppError {
  return new AppError(ErrorCode.NotFound, `Attachment ${attachmentId} was not found on this application.`);
}

function currentFiles(row: ApplicationRow): Attachment[] {
  return ((row.tabs.attachments as Attachments | undefined)?.files ?? []).slice();
}

/** Writes tab 6 and returns its problems (shape is guaranteed; the rules may still object). */
async function writeAttachmentsTab(tx: EntityManager, row: ApplicationRow, files: Attachment[]): Promise<FieldProblem[]> {
  const tab: Attachments = { files };
  row.tabs = { ...row.tabs, attachments: tab };
  const ctx = ruleContext(await loadReferenceIndex(tx), await loadIecForRules(tx, row.iec), null);
  return validateTab('attachments', tab, row.tabs, ctx).problems;
}
