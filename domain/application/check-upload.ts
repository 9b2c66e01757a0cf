import type { FieldProblem } from '../../lib/errors.js';
import { identifyFile } from './detect-file-type.js';
import { sanitizeFileName } from './sanitize-file-name.js';
import type { DetectedFileType } from './schemas.js';

export const MEGABYTE = 1024 * 1024;

export interface UploadPolicy {
  /** For messages: "an application attachment", "a deficiency response". */
  purpose: string;
  maxBytes: number;
  maxFiles: number;
  allowed: readonly DetectedFileType[];
}

/**
 * The types of an exporter's documents, wherever they come from (an application's attachments, a request's
 * supporting document, a deficiency response through the API or by e-mail): "Only PDF,JPG,xls,xlsx are
 * allowed" (seed 004), the only list the seeds give.
 */
export const EXPORTER_DOCUMENT_TYPES: readonly DetectedFileType[] = ['pdf', 'jpeg', 'xls', 'xlsx'];

/**
 * Attachments to an application: up to 5 MB each (MB = 1,048,576 bytes). The seeds give no limit for
 * eCoO 2.0 attachments (eCoO 1.0 had 2 MB); 5 MB matches the deficiency response limit so that one scan fits both.
 */
export const APPLICATION_ATTACHMENT_POLICY: UploadPolicy = {
  purpose: 'an application',
  maxBytes: 5 * MEGABYTE,
  maxFiles: 20,
  allowed: EXPORTER_DOCUMENT_TYPES,
};

/** "Maximum 5 Attachment of 5 MB Allowed (Only PDF,JPG,xls,xlsx are allowed)" (seed 004). */
export const DEFICIENCY_RESPONSE_POLICY: UploadPolicy = {
  purpose: 'a deficiency response',
  maxBytes: 5 * MEGABYTE,
  maxFiles: 5,
  allowed: EXPORTER_DOCUMENT_TYPES,
};

export const TYPE_NAMES: Record<DetectedFileType, string> = { pdf: 'PDF', jpeg: 'JPG', png: 'PNG', xls: 'XLS', xlsx: 'XLSX' };

export const CONTENT_TYPES: Record<DetectedFileType, string> = {
  pdf: 'application/pdf',
  jpeg: 'image/jpeg',
  png: 'image/png',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export interface UploadedFile {
  fileName: string;
  bytes: Uint8Array;
}

export type InspectedUpload =
  | { ok: true; type: DetectedFileType; contentType: string; safeName: string; sizeBytes: number }
  | { ok: false; problems: FieldProblem[] };

/** Checks one uploaded file against a policy: size, then its type by its content, which must parse as that type (identifyFile). */
export async function inspectUpload(file: UploadedFile, policy: UploadPolicy, path = 'file'): Promise<InspectedUpload> {
  const shown = sanitizeFileName(file.fileName);
  const problems: FieldProblem[] = [];
  if (file.bytes.length > policy.maxBytes) {
    problems.push({
      path,
      message: `${shown} is ${formatMegabytes(file.bytes.length)}; files for ${policy.purpose} can be at most ${formatMegabytes(policy.maxBytes)}`,
    });
  }
  // a file over the limit is not parsed
  const detected = problems.length > 0 ? { type: null, reason: '' } : await identifyFile(file.bytes);
  if (detected.type === null && detected.reason === '') {
    // too large: said above
  } else if (detected.type === null) {
    problems.push({ path, message: `${shown} cannot be accepted: ${detected.reason}. ${allowedSentence(policy)}` });
  } else if (!policy.allowed.includes(detected.type)) {
    problems.push({ path, message: `${shown} is a ${TYPE_NAMES[detected.type]} file, which is not accepted for ${policy.purpose}. ${allowedSentence(policy)}` });
  }
  if (problems.length > 0 || detected.type === null) return { ok: false, problems };
  return {
    ok: true,
    type: detected.type,
    contentType: CONTENT_TYPES[detected.type],
    safeName: sanitizeFileName(file.fileName, detected.type),
    sizeBytes: file.bytes.length,
  };
}

/** Checks a batch of files: count, then each file. */
export async function checkUploads(files: readonly UploadedFile[], policy: UploadPolicy, alreadyAttached = 0): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  if (files.length + alreadyAttached > policy.maxFiles) {
    problems.push({
      path: 'files',
      message: `${capitalise(policy.purpose)} can carry at most ${policy.maxFiles} files (${files.length + alreadyAttached} given)`,
    });
  }
  for (const [i, f] of files.entries()) {
    const r = await inspectUpload(f, policy, `files/${i}`);
    if (!r.ok) problems.push(...r.problems);
  }
  return problems;
}

/** The files of a deficiency response (at most 5 of 5 MB, PDF/JPG/XLS/XLSX). */
export function checkDeficiencyResponseFiles(files: readonly UploadedFile[]): Promise<FieldProblem[]> {
  return checkUploads(files, DEFICIENCY_RESPONSE_POLICY);
}

export function allowedSentence(policy: UploadPolicy): string {
  const names = policy.allowed.map((t) => TYPE_NAMES[t]);
  return `Only ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} files are accepted.`;
}

export function formatMegabytes(bytes: number): string {
  return `${(bytes / MEGABYTE).toFixed(bytes % MEGABYTE === 0 ? 0 : 2)} MB`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
