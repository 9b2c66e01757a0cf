import type { AttachmentRow } from '../../db/entities/index.js';
import { CONTENT_TYPES } from '../../domain/application/check-upload.js';
import type { Attachment, DetectedFileType } from '../../domain/application/schemas.js';
import type { FieldProblem } from '../../lib/errors.js';

export interface AttachmentView {
  id: string;
  purpose: string;
  round: number | null;
  documentType: string;
  fileName: string;
  fileType: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: string;
  /** part of what the exporter signed (always, for the files officers see); false: kept, not submitted */
  submitted: boolean;
  createdAt: string;
}

export function attachmentView(a: AttachmentRow): AttachmentView {
  return {
    id: a.id,
    purpose: a.purpose,
    round: a.round ?? null,
    documentType: a.documentType,
    fileName: a.fileName,
    fileType: a.contentType,
    contentType: CONTENT_TYPES[a.contentType as DetectedFileType] ?? 'application/octet-stream',
    sizeBytes: a.sizeBytes,
    sha256: a.sha256,
    uploadedBy: a.uploadedBy,
    submitted: a.submitted,
    createdAt: a.createdAt.toISOString(),
  };
}

/** The entry of tab 6 for a stored file; attest and description are the exporter's choice. */
export function tabEntry(a: AttachmentRow, choice: { attest: boolean; description?: string | undefined }): Attachment {
  return {
    id: a.id,
    documentType: a.documentType as Attachment['documentType'],
    fileName: a.fileName,
    contentType: a.contentType as DetectedFileType,
    sizeBytes: a.sizeBytes,
    sha256: a.sha256,
    attest: choice.attest,
    ...(choice.description === undefined ? {} : { description: choice.description }),
  };
}

/**
 * Tab 6 as the exporter sends it, reconciled with the files actually uploaded: each entry must be
 * an uploaded file of this application and every uploaded file must be listed (delete a file to
 * drop it). What the server measured (name, type, size, hash) always comes from the stored file;
 * the exporter chooses the document type, "attest" and a description. Entries that are not
 * objects are left for the schema to report.
 */
export function mergeStoredAttachments(input: unknown, stored: AttachmentRow[]): { value: unknown; problems: FieldProblem[] } {
  if (typeof input !== 'object' || input === null || !Array.isArray((input as { files?: unknown }).files)) {
    return { value: input, problems: [] };
  }
  const byId = new Map(stored.map((a) => [a.id, a]));
  const problems: FieldProblem[] = [];
  const listed = new Set<string>();
  const files = ((input as { files: unknown[] }).files).map((f, i) => {
    if (typeof f !== 'object' || f === null) return f;
    const entry = f as Record<string, unknown>;
    const id = typeof entry.id === 'string' ? entry.id : '';
    const row = byId.get(id);
    if (row === undefined) {
      problems.push({
        path: `attachments/files/${i}/id`,
        message: `Attachment "${id}" was not uploaded to this application: upload the file first (POST /v1/applications/{id}/attachments)`,
      });
      return f;
    }
    listed.add(id);
    return { ...entry, id: row.id, fileName: row.fileName, contentType: row.contentType, sizeBytes: row.sizeBytes, sha256: row.sha256 };
  });
  for (const a of stored) {
    if (!listed.has(a.id)) {
      problems.push({
        path: 'attachments/files',
        message: `Uploaded file ${a.fileName} (${a.id}) is missing from the list: list every uploaded file, or delete the file (DELETE /v1/applications/{id}/attachments/${a.id})`,
      });
    }
  }
  return { value: { ...(input as Record<string, unknown>), files }, problems };
}
