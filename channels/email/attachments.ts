/**
 * Attachment policy for deficiency replies (seed 004: "Maximum 5 Attachment of 5 MB Allowed (Only
 * PDF,JPG,xls,xlsx are allowed)"): the deficiency-response policy of the API uploads
 * (domain/application/check-upload.ts), with the same detection of the type from the content
 * (domain/application/detect-file-type.ts: magic bytes and, for Office files, the container's
 * directory; never the file name or the declared MIME type) and the same sanitised names
 * (domain/application/sanitize-file-name.ts), so a file accepted from an e-mail is one the workflow
 * accepts too. A name made to escape a folder or to disguise a file (fileNameRefusal) is refused, not
 * repaired. Files are only ever kept as bytes: nothing here (or downstream) opens or runs them.
 */
import { createHash } from 'node:crypto';
import { CONTENT_TYPES, DEFICIENCY_RESPONSE_POLICY, TYPE_NAMES } from '../../domain/application/check-upload.js';
import { identifyFile } from '../../domain/application/detect-file-type.js';
import { fileNameRefusal, sanitizeFileName } from '../../domain/application/sanitize-file-name.js';
import type { DetectedFileType } from '../../domain/application/schemas.js';

export const ATTACHMENT_RULES = {
  maxFiles: DEFICIENCY_RESPONSE_POLICY.maxFiles,
  maxBytesPerFile: DEFICIENCY_RESPONSE_POLICY.maxBytes,
} as const;

/** "only PDF, JPG, XLS, XLSX": the types of the API's uploads, from the same policy */
export const ALLOWED_TYPES_TEXT = `only ${DEFICIENCY_RESPONSE_POLICY.allowed.map((t) => TYPE_NAMES[t]).join(', ')}`;

const TYPE_NAME: Record<DetectedFileType, string> = { pdf: 'a PDF', jpeg: 'a JPG image', png: 'a PNG image', xls: 'an XLS workbook', xlsx: 'an XLSX workbook' };

export interface IncomingAttachment {
  filename?: string | null | undefined;
  content: Buffer;
  /** declared MIME type (informational only) */
  contentType?: string | undefined;
  /** part of the HTML body (an embedded logo in a signature), not a file the sender attached */
  embedded?: boolean | undefined;
}

export interface AcceptedAttachment {
  /** sanitised (sanitizeFileName), with the extension of its real type */
  filename: string;
  originalFilename: string | null;
  type: DetectedFileType;
  mediaType: string;
  size: number;
  sha256: string;
  content: Buffer;
}

export interface AttachmentCheck {
  /** true when nothing was refused */
  ok: boolean;
  accepted: AcceptedAttachment[];
  /** one sentence per refused file or broken rule, in plain words */
  problems: string[];
  refused: { filename: string; reason: string }[];
  /** embedded images in the HTML body: neither accepted nor a problem */
  ignored: { filename: string; reason: string }[];
}

/** Another file of the reply already has the name: "invoice.pdf", "invoice_2.pdf" (still a sanitised name). */
function uniqueName(name: string, taken: Set<string>): string {
  if (!taken.has(name.toLowerCase())) return name;
  const dot = name.lastIndexOf('.');
  const base = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  for (let i = 2; ; i++) {
    const candidate = `${base}_${i}${ext}`;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}

export function formatMegabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? mb.toFixed(0) : mb.toFixed(1)} MB`;
}

function claimedType(name: string): DetectedFileType | null {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (ext === 'pdf') return 'pdf';
  if (['jpg', 'jpeg', 'jpe', 'jfif'].includes(ext)) return 'jpeg';
  if (ext === 'xls') return 'xls';
  if (ext === 'xlsx') return 'xlsx';
  return null;
}

export async function checkAttachments(files: IncomingAttachment[], rules: Partial<typeof ATTACHMENT_RULES> = {}): Promise<AttachmentCheck> {
  const maxFiles = rules.maxFiles ?? ATTACHMENT_RULES.maxFiles;
  const maxBytes = rules.maxBytesPerFile ?? ATTACHMENT_RULES.maxBytesPerFile;
  const allowed = DEFICIENCY_RESPONSE_POLICY.allowed;
  const accepted: AcceptedAttachment[] = [];
  const refused: AttachmentCheck['refused'] = [];
  const ignored: AttachmentCheck['ignored'] = [];
  const problems: string[] = [];
  const overCount: string[] = [];
  const taken = new Set<string>();

  for (const [index, file] of files.entries()) {
    const given = file.filename ?? '';
    const shown = sanitizeFileName(given.trim() === '' ? `attachment-${index + 1}` : given);
    if (file.embedded) {
      ignored.push({ filename: shown, reason: 'embedded in the message body' });
      continue;
    }
    const refuse = (reason: string) => {
      refused.push({ filename: shown, reason });
      problems.push(`${shown}: ${reason}`);
    };
    const badName = fileNameRefusal(given);
    if (badName) {
      refuse(`the file name is not accepted: ${badName}; rename the file (letters, digits, spaces, "-" and "_") and attach it again`);
      continue;
    }
    if (file.content.length === 0) {
      refuse('the file is empty');
      continue;
    }
    // a file over the limit is not parsed
    if (file.content.length > maxBytes) {
      refuse(`${formatMegabytes(file.content.length)} is over the ${formatMegabytes(maxBytes).replace('.0 ', ' ')} limit per file`);
      continue;
    }
    const detected = await identifyFile(file.content);
    if (detected.type === null && detected.damaged) {
      refuse(`not accepted: it is ${detected.reason}; save or scan it again and attach it`);
      continue;
    }
    if (detected.type === null || !allowed.includes(detected.type)) {
      const claimed = claimedType(given);
      const what = detected.type !== null ? `; it is ${TYPE_NAME[detected.type]}` : detected.reason.startsWith('its content') ? '' : `; it is ${detected.reason}`;
      refuse(claimed && claimed !== detected.type ? `type not allowed (${ALLOWED_TYPES_TEXT}): the content is not ${TYPE_NAME[claimed]}${what}` : `type not allowed (${ALLOWED_TYPES_TEXT})`);
      continue;
    }
    if (accepted.length >= maxFiles) {
      overCount.push(shown);
      refused.push({ filename: shown, reason: `more than ${maxFiles} files` });
      continue;
    }
    const filename = uniqueName(sanitizeFileName(given.trim() === '' ? `attachment-${index + 1}` : given, detected.type), taken);
    taken.add(filename.toLowerCase());
    accepted.push({
      filename,
      originalFilename: file.filename ?? null,
      type: detected.type,
      mediaType: CONTENT_TYPES[detected.type],
      size: file.content.length,
      sha256: createHash('sha256').update(file.content).digest('hex'),
      content: file.content,
    });
  }
  if (overCount.length > 0) {
    problems.push(`At most ${maxFiles} files are allowed in one reply; these were not taken: ${overCount.join(', ')}`);
  }
  return { ok: refused.length === 0, accepted, problems, refused, ignored };
}
