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
