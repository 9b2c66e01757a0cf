/**
 * Attachment policy for deficiency replies (seed 004: "Maximum 5 Attachment of 5 MB Allowed (Only
 * PDF,JPG,xls,xlsx are allowed)"). The type is decided by the content (magic bytes and, for Office files,
 * the container's directory), never by the file name or the declared MIME type. Names are sanitised for
 * storage and display. Files are only ever kept as bytes: nothing here (or downstream) opens or runs them.
 */
import { createHash } from 'node:crypto';

export const ATTACHMENT_RULES = {
  maxFiles: 5,
  maxBytesPerFile: 5 * 1024 * 1024,
  maxNameLength: 100,
} as const;

export type AllowedType = 'pdf' | 'jpg' | 'xls' | 'xlsx';

export const ALLOWED_TYPES_TEXT = 'only PDF, JPG, XLS, XLSX';

const MEDIA_TYPE: Record<AllowedType, string> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
const EXTENSIONS: Record<AllowedType, string[]> = {
  pdf: ['pdf'],
  jpg: ['jpg', 'jpeg', 'jpe', 'jfif'],
  xls: ['xls'],
  xlsx: ['xlsx'],
};
const TYPE_NAME: Record<AllowedType, string> = { pdf: 'a PDF', jpg: 'a JPG image', xls: 'an XLS workbook', xlsx: 'an XLSX workbook' };

export interface DetectedType {
  /** set when the content is one of the allowed types */
  allowed: AllowedType | null;
  /** what the content is, in words ("a Windows program", "a Word document (DOCX)", "an unknown kind of file") */
  description: string;
}

export interface IncomingAttachment {
  filename?: string | null | undefined;
  content: Buffer;
  /** declared MIME type (informational only) */
  contentType?: string | undefined;
  /** part of the HTML body (an embedded logo in a signature), not a file the sender attached */
  embedded?: boolean | undefined;
}

export interface AcceptedAttachment {
  /** sanitised, with the extension of its real type */
  filename: string;
  originalFilename: string | null;
  type: AllowedType;
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

function startsWith(buf: Buffer, bytes: number[], at = 0): boolean {
  if (buf.length < at + bytes.length) return false;
  return bytes.every((b, i) => buf[at + i] === b);
}

/** File names inside a ZIP's central directory, or null when it cannot be read. */
function zipEntryNames(buf: Buffer): string[] | null {
  const minEocd = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= minEocd; i--) {
    if (buf.readUInt32LE(i) !== 0x06054b50) continue;
    const count = buf.readUInt16LE(i + 10);
    const size = buf.readUInt32LE(i + 12);
    let offset = buf.readUInt32LE(i + 16);
    if (offset === 0xffffffff || offset + size > buf.length) return null;
    const names: string[] = [];
    for (let n = 0; n < Math.min(count, 20_000); n++) {
      if (offset + 46 > buf.length || buf.readUInt32LE(offset) !== 0x02014b50) return null;
      const nameLen = buf.readUInt16LE(offset + 28);
      const extraLen = buf.readUInt16LE(offset + 30);
      const commentLen = buf.readUInt16LE(offset + 32);
      if (offset + 46 + nameLen > buf.length) return null;
      names.push(buf.toString('utf8', offset + 46, offset + 46 + nameLen));
      offset += 46 + nameLen + extraLen + commentLen;
    }
    return names;
  }
  return null;
}

/** Stream and storage names in an OLE2 compound file (legacy Office formats), or null when it cannot be read. */
function cfbEntryNames(buf: Buffer): string[] | null {
  if (buf.length < 512) return null;
  const shift = buf.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) return null;
  const sectorSize = 1 << shift;
  const sectorOffset = (n: number) => (n + 1) * sectorSize;
  const fatSectors: number[] = [];
  const fatCount = Math.min(buf.readUInt32LE(0x2c), 109);
  for (let i = 0; i < fatCount; i++) fatSectors.push(buf.readUInt32LE(0x4c + i * 4));
  const fat: number[] = [];
  for (const s of fatSectors) {
    const start = sectorOffset(s);
    if (start + sectorSize > buf.length) return null;
    for (let i = 0; i < sectorSize; i += 4) fat.push(buf.readUInt32LE(start + i));
  }
  const names: string[] = [];
  let sector = buf.readUInt32LE(0x30);
  const seen = new Set<number>();
  while (sector < 0xfffffffa && !seen.has(sector) && seen.size < 10_000) {
    seen.add(sector);
    const start = sectorOffset(sector);
    if (start + sectorSize > buf.length) return null;
    for (let e = start; e < start + sectorSize; e += 128) {
      const nameBytes = buf.readUInt16LE(e + 64);
      const kind = buf[e + 66];
      if (kind === 0 || nameBytes < 2 || nameBytes > 64) continue;
      names.push(buf.toString('utf16le', e, e + nameBytes - 2));
    }
    sector = fat[sector] ?? 0xfffffffe;
  }
  return names;
}

export function detectFileType(buf: Buffer): DetectedType {
  const no = (description: string): DetectedType => ({ allowed: null, description });
  if (buf.length === 0) return no('an empty file');
  // "%PDF-" must open the file (after at most a BOM or blank space): a PDF header further in would let
  // other containers (a ZIP holding a PDF) pass as PDFs.
  if (/^(\ufeff|\xef\xbb\xbf)?[\s]{0,16}%PDF-/.test(buf.subarray(0, 40).toString('latin1'))) return { allowed: 'pdf', description: 'a PDF' };
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return { allowed: 'jpg', description: 'a JPG image' };
  if (startsWith(buf, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    const names = cfbEntryNames(buf);
    if (!names) return no('a damaged Office file');
    if (names.includes('Workbook') || names.includes('Book')) return { allowed: 'xls', description: 'an XLS workbook' };
    if (names.includes('EncryptedPackage')) return no('a password-protected Office file');
    if (names.includes('WordDocument')) return no('a Word document (DOC)');
    if (names.includes('PowerPoint Document')) return no('a PowerPoint presentation (PPT)');
    if (names.some((n) => n.includes('\u4840'))) return no('a Windows installer (MSI)');
    return no('an Office file that is not a workbook');
  }
  if (startsWith(buf, [0x50, 0x4b, 0x03, 0x04]) || startsWith(buf, [0x50, 0x4b, 0x05, 0x06])) {
    const names = zipEntryNames(buf);
    if (!names) return no('a damaged or unsupported ZIP file');
    const has = (n: string) => names.includes(n);
    if (has('xl/workbook.xml') && has('[Content_Types].xml')) {
      if (has('xl/vbaProject.bin')) return no('a macro-enabled workbook (XLSM)');
      return { allowed: 'xlsx', description: 'an XLSX workbook' };
    }
    if (has('xl/workbook.bin')) return no('a binary workbook (XLSB)');
    if (has('word/document.xml')) return no('a Word document (DOCX)');
    if (names.some((n) => n.startsWith('ppt/'))) return no('a PowerPoint presentation (PPTX)');
    if (has('AndroidManifest.xml')) return no('an Android app (APK)');
    if (has('META-INF/MANIFEST.MF')) return no('a Java archive (JAR)');
    return no('a ZIP archive');
  }
  if (startsWith(buf, [0x4d, 0x5a])) return no('a Windows program');
  if (startsWith(buf, [0x7f, 0x45, 0x4c, 0x46])) return no('a Linux program');
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47])) return no('a PNG image');
  if (startsWith(buf, [0x47, 0x49, 0x46, 0x38])) return no('a GIF image');
  if (startsWith(buf, [0x49, 0x49, 0x2a, 0x00]) || startsWith(buf, [0x4d, 0x4d, 0x00, 0x2a])) return no('a TIFF image');
  if (startsWith(buf, [0x52, 0x61, 0x72, 0x21])) return no('a RAR archive');
  if (startsWith(buf, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return no('a 7-Zip archive');
  if (startsWith(buf, [0x1f, 0x8b])) return no('a GZIP archive');
  if (startsWith(buf, [0x23, 0x21])) return no('a script');
  const head = buf.subarray(0, 512).toString('latin1').trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || head.startsWith('<script')) return no('a web page (HTML)');
  if (head.startsWith('{\\rtf')) return no('an RTF document');
  return no('an unknown kind of file');
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/**
 * A file name safe to store and show: no folders, no control or direction-changing characters,
 * no characters Windows forbids, no leading dot, at most `maxLength` characters with the extension kept.
 */
export function sanitiseFilename(name: string | null | undefined, fallback = 'attachment', maxLength: number = ATTACHMENT_RULES.maxNameLength): string {
  let n = (name ?? '').normalize('NFC');
  n = n.split(/[/\\]/).pop() ?? '';
  // control characters (Cc) and invisible format characters (Cf): direction overrides, zero-width, BOM
  n = n.replace(/[\p{Cc}\p{Cf}]/gu, '');
  n = n.replace(/[<>:"|?*]/g, '_');
  n = n.replace(/\s+/g, ' ').replace(/^[\s.]+|[\s.]+$/g, '');
  if (n === '') n = fallback;
  const dot = n.lastIndexOf('.');
  let base = dot > 0 ? n.slice(0, dot) : n;
  let ext = dot > 0 ? n.slice(dot + 1) : '';
  if (WINDOWS_RESERVED.test(base)) base = `_${base}`;
  if ([...ext].length > 10) {
    base = n;
    ext = '';
  }
  const suffix = ext ? `.${ext}` : '';
  const room = Math.max(1, maxLength - [...suffix].length);
  const chars = [...base];
  if (chars.length > room) base = chars.slice(0, room).join('').replace(/[\s.]+$/, '');
  return `${base}${suffix}`;
}

/** Gives the name the extension of the detected type ("scan" → "scan.pdf", "photo.pdf" holding a JPG → "photo.jpg"). */
function withExtension(name: string, type: AllowedType): string {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (EXTENSIONS[type].includes(ext)) return name;
  const base = dot > 0 && ext.length <= 10 ? name.slice(0, dot) : name;
  return sanitiseFilename(`${base}.${type}`);
}

function uniqueName(name: string, taken: Set<string>): string {
  if (!taken.has(name.toLowerCase())) return name;
  const dot = name.lastIndexOf('.');
  const base = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  for (let i = 2; ; i++) {
    const candidate = `${base} (${i})${ext}`;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}

export function formatMegabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${mb >= 10 ? mb.toFixed(0) : mb.toFixed(1)} MB`;
}

function claimedType(name: string): AllowedType | null {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  for (const [type, exts] of Object.entries(EXTENSIONS) as [AllowedType, string[]][]) if (exts.includes(ext)) return type;
  return null;
}

export function checkAttachments(files: IncomingAttachment[], rules: Partial<typeof ATTACHMENT_RULES> = {}): AttachmentCheck {
  const maxFiles = rules.maxFiles ?? ATTACHMENT_RULES.maxFiles;
  const maxBytes = rules.maxBytesPerFile ?? ATTACHMENT_RULES.maxBytesPerFile;
  const maxName = rules.maxNameLength ?? ATTACHMENT_RULES.maxNameLength;
  const accepted: AcceptedAttachment[] = [];
  const refused: AttachmentCheck['refused'] = [];
  const ignored: AttachmentCheck['ignored'] = [];
  const problems: string[] = [];
  const overCount: string[] = [];
  const taken = new Set<string>();

  files.forEach((file, index) => {
    const shown = sanitiseFilename(file.filename, `attachment-${index + 1}`, maxName);
    if (file.embedded) {
      ignored.push({ filename: shown, reason: 'embedded in the message body' });
      return;
    }
    const refuse = (reason: string) => {
      refused.push({ filename: shown, reason });
      problems.push(`${shown}: ${reason}`);
    };
    if (file.content.length === 0) {
      refuse('the file is empty');
      return;
    }
    const detected = detectFileType(file.content);
    if (!detected.allowed) {
      const claimed = claimedType(shown);
      const what = detected.description === 'an unknown kind of file' ? '' : `; it is ${detected.description}`;
      refuse(claimed ? `type not allowed (${ALLOWED_TYPES_TEXT}): the content is not ${TYPE_NAME[claimed]}${what}` : `type not allowed (${ALLOWED_TYPES_TEXT})`);
      return;
    }
    if (file.content.length > maxBytes) {
      refuse(`${formatMegabytes(file.content.length)} is over the ${formatMegabytes(maxBytes).replace('.0 ', ' ')} limit per file`);
      return;
    }
    if (accepted.length >= maxFiles) {
      overCount.push(shown);
      refused.push({ filename: shown, reason: `more than ${maxFiles} files` });
      return;
    }
    const filename = uniqueName(withExtension(shown, detected.allowed), taken);
    taken.add(filename.toLowerCase());
    accepted.push({
      filename,
      originalFilename: file.filename ?? null,
      type: detected.allowed,
      mediaType: MEDIA_TYPE[detected.allowed],
      size: file.content.length,
      sha256: createHash('sha256').update(file.content).digest('hex'),
      content: file.content,
    });
  });
  if (overCount.length > 0) {
    problems.push(`At most ${maxFiles} files are allowed in one reply; these were not taken: ${overCount.join(', ')}`);
  }
  return { ok: refused.length === 0, accepted, problems, refused, ignored };
}
