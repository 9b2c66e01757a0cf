import type { DetectedFileType } from './schemas.js';

export const FILE_EXTENSIONS: Readonly<Record<DetectedFileType, readonly string[]>> = {
  pdf: ['pdf'],
  jpeg: ['jpg', 'jpeg'],
  png: ['png'],
  xls: ['xls'],
  xlsx: ['xlsx'],
};

const MAX_STEM = 100;
const WINDOWS_RESERVED = /^(?:CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])$/i;
/** Longer names than this are refused outright (most file systems stop at 255). */
export const MAX_FILE_NAME_LENGTH = 255;

/**
 * A file name safe to store and to send back in a Content-Disposition header: no folders, no
 * control or bidirectional-override characters ("invoice\u202Efdp.exe"), only letters (of any
 * script, with their marks), digits, ".", "_" and "-", no leading dot, not a reserved Windows
 * device name, at most 100 characters before the extension, and the extension of the type
 * detected from the content (so "scan.exe" holding a PDF becomes "scan_exe.pdf").
 */
export function sanitizeFileName(original: string, detected?: DetectedFileType): string {
  const base = original.split(/[/\\]/).pop() ?? '';
  const cleaned = [...base.normalize('NFKC')]
    .filter((c) => !isControlOrInvisible(c.codePointAt(0) ?? 0))
    .join('')
    .replace(/\s+/g, '_')
    .replace(/[^\p{L}\p{M}\p{N}._-]/gu, '_');

  const dot = cleaned.lastIndexOf('.');
  const ext = dot > 0 ? cleaned.slice(dot + 1).toLowerCase() : '';
  let stem: string;
  let extension: string;
  if (detected === undefined) {
    stem = dot > 0 ? cleaned.slice(0, dot) : cleaned;
    extension = /^[a-z0-9]{1,5}$/.test(ext) ? ext : '';
  } else if (FILE_EXTENSIONS[detected].includes(ext)) {
    stem = cleaned.slice(0, dot);
    extension = ext;
  } else {
    stem = cleaned;
    extension = FILE_EXTENSIONS[detected][0] ?? detected;
  }

  stem = stem
    .replace(/\./g, '_')
    .replace(/_+/g, '_')
    .replace(/-+/g, '-')
    .replace(/^[_.-]+|[_.-]+$/g, '');
  stem = [...stem].slice(0, MAX_STEM).join('').replace(/[_.-]+$/g, '');
  if (stem.length === 0) stem = 'attachment';
  if (WINDOWS_RESERVED.test(stem)) stem = `${stem}_file`;
  return extension.length > 0 ? `${stem}.${extension}` : stem;
}

/** C0/C1 control characters, zero-width characters, bidirectional overrides and isolates, BOM. */
function isControlOrInvisible(cp: number): boolean {
  return (
    cp < 0x20 ||
    (cp >= 0x7f && cp <= 0x9f) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2066 && cp <= 0x2069) ||
    cp === 0xfeff
  );
}

/**
 * Why a file name from outside (an e-mail attachment's RFC 2231 or encoded-word name, after decoding)
 * is refused rather than only sanitised, in plain words; null for an acceptable name. Refused: folders
 * ("/" or "\\"), "..", control characters (NUL, line breaks), invisible and direction-changing
 * characters (a right-to-left override makes "invoice\u202Efdp.exe" read as "invoiceexe.pdf"), more
 * than 255 characters, and reserved Windows device names (CON, NUL, COM1…, also with an extension).
 * These are how a name is made to escape a folder or pass for another kind of file: no one sending a
 * scan names it so. Whatever is accepted is still stored and shown only as sanitizeFileName makes it.
 */
export function fileNameRefusal(original: string): string | null {
  // look-alikes count as what they normalise to: a full-width solidus is a "/", a two-dot leader ".."
  const forms = [original, original.normalize('NFKC')];
  const chars = [...original];
  if (forms.some((n) => /[/\\]/.test(n))) return 'it contains a folder path ("/" or "\\")';
  if (forms.some((n) => n.includes('..'))) return 'it contains ".."';
  if (chars.some((c) => isControl(c.codePointAt(0) ?? 0))) return 'it contains control characters (such as NUL or a line break)';
  if (chars.some((c) => isControlOrInvisible(c.codePointAt(0) ?? 0))) {
    return 'it contains invisible characters that change how it reads (such as a right-to-left override), which can disguise the real type of a file';
  }
  if (chars.length > MAX_FILE_NAME_LENGTH) return `it is ${chars.length} characters long (at most ${MAX_FILE_NAME_LENGTH})`;
  const device = forms[1]!.split('.')[0]?.trim() ?? '';
  if (WINDOWS_RESERVED.test(device)) return `"${device.toUpperCase()}" is a reserved device name on Windows`;
  return null;
}

function isControl(cp: number): boolean {
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}
