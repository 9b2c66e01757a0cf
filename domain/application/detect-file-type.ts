import { inflateRawSync } from 'node:zlib';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import type { DetectedFileType } from './schemas.js';

export type FileTypeDetection =
  | { type: DetectedFileType }
  | {
      type: null;
      /** what the content looks like, for the message */
      reason: string;
      /** it starts like this type but does not parse as one (damaged, cut short, forged) */
      damaged?: DetectedFileType;
    };

/**
 * The one detector for every file from outside (API uploads, a request's documents, e-mail attachments):
 * the type the content claims (detectFileType), accepted only when the file parses as one — a PDF that
 * pdf-lib loads with at least one page, a JPEG or PNG that decodes to its end, an XLS whose compound file's
 * directory holds a workbook stream, an XLSX whose [Content_Types].xml (inflated from the ZIP) declares the
 * workbook. Never the file name or the declared MIME type.
 */
export async function identifyFile(bytes: Uint8Array): Promise<FileTypeDetection> {
  const claimed = detectFileType(bytes);
  if (claimed.type === null) return claimed;
  const broken = await structureProblem(claimed.type, bytes);
  return broken === null ? claimed : { type: null, reason: broken, damaged: claimed.type };
}

/** Why a file that starts like `type` is not one (damaged, cut short, forged), or null when it parses. */
async function structureProblem(type: DetectedFileType, bytes: Uint8Array): Promise<string | null> {
  switch (type) {
    case 'pdf': {
      try {
        const doc = await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: true });
        return doc.getPageCount() > 0 ? null : 'a PDF without any page';
      } catch {
        return 'a damaged or incomplete PDF (it starts like a PDF but cannot be read as one)';
      }
    }
    case 'jpeg':
    case 'png': {
      const name = type === 'jpeg' ? 'JPG' : 'PNG';
      try {
        const meta = await sharp(bytes, { failOn: 'truncated', limitInputPixels: MAX_IMAGE_PIXELS }).metadata();
        if (meta.format !== type || !meta.width || !meta.height) return `a damaged ${name} image`;
        // decoding to the end finds a file cut short (the header alone would pass)
        await sharp(bytes, { failOn: 'truncated', limitInputPixels: MAX_IMAGE_PIXELS }).resize(32, 32, { fit: 'inside' }).raw().toBuffer();
        return null;
      } catch (e) {
        return /pixel limit/i.test((e as Error).message)
          ? `a ${name} image of more than ${MAX_IMAGE_PIXELS / 1e6} megapixels`
          : `a damaged or incomplete ${name} image (it cannot be read to its end)`;
      }
    }
    case 'xls':
      // the compound file's header, sector chains and directory were read to find the Workbook stream
      return null;
    case 'xlsx': {
      const types = zipEntryText(bytes, '[Content_Types].xml', 1024 * 1024);
      if (types === undefined) return 'a damaged XLSX workbook (its list of parts cannot be read)';
      return /spreadsheetml\.sheet\.main\+xml|spreadsheetml\.template\.main\+xml/.test(types) ? null : 'a ZIP that names a workbook but does not declare one (not an XLSX workbook)';
    }
  }
}

/** Larger images are refused rather than decoded (a 5 MB JPEG can claim billions of pixels). */
const MAX_IMAGE_PIXELS = 100_000_000;

/**
 * The type of a file from its first bytes and, for Office files, the container's directory: PDF ("%PDF-"),
 * JPEG (FF D8 FF), PNG (signature + IHDR), XLS (an OLE compound file holding a "Workbook" or "Book" stream)
 * and XLSX (a ZIP whose central directory lists [Content_Types].xml and xl/workbook.xml, without macros). A
 * Word document, a macro-enabled or binary workbook, an executable or a ZIP of anything else is not
 * recognised. What it claims is confirmed by identifyFile, which every check of a file from outside uses.
 */
export function detectFileType(bytes: Uint8Array): FileTypeDetection {
  if (bytes.length === 0) return { type: null, reason: 'the file is empty' };
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return { type: 'pdf' };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { type: 'jpeg' };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    return ascii(bytes, 12, 4) === 'IHDR' ? { type: 'png' } : { type: null, reason: 'a damaged PNG image' };
  }
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    const streams = compoundFileStreamNames(bytes);
    if (streams === undefined) return { type: null, reason: 'a damaged Office document' };
    if (streams.includes('Workbook') || streams.includes('Book')) return { type: 'xls' };
    if (streams.includes('EncryptedPackage')) return { type: null, reason: 'a password-protected Office document' };
    if (streams.includes('WordDocument')) return { type: null, reason: 'a Word document' };
    if (streams.includes('PowerPoint Document')) return { type: null, reason: 'a PowerPoint presentation' };
    return { type: null, reason: 'an Office document that is not an Excel workbook' };
  }
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    const names = zipEntryNames(bytes);
    if (names === undefined) return { type: null, reason: 'a damaged ZIP archive' };
    if (names.includes('[Content_Types].xml') && names.includes('xl/workbook.xml')) {
      if (names.includes('xl/vbaProject.bin')) return { type: null, reason: 'a macro-enabled workbook (XLSM)' };
      return { type: 'xlsx' };
    }
    if (names.includes('xl/workbook.bin')) return { type: null, reason: 'a binary workbook (XLSB)' };
    if (names.some((n) => n.startsWith('word/'))) return { type: null, reason: 'a Word document' };
    if (names.some((n) => n.startsWith('ppt/'))) return { type: null, reason: 'a PowerPoint presentation' };
    return { type: null, reason: 'a ZIP archive that is not an Excel workbook' };
  }
  if (startsWith(bytes, [0x4d, 0x5a])) return { type: null, reason: 'a Windows program' };
  if (startsWith(bytes, [0x7f, 0x45, 0x4c, 0x46])) return { type: null, reason: 'a program' };
  for (const [sig, reason] of OTHER_KINDS) if (startsWith(bytes, sig)) return { type: null, reason };
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 512)).trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || head.startsWith('<script')) return { type: null, reason: 'a web page (HTML)' };
  if (head.startsWith('{\\rtf')) return { type: null, reason: 'an RTF document' };
  return { type: null, reason: 'its content is not a PDF, JPEG, PNG, XLS or XLSX file' };
}

/** Common kinds of file that are never accepted, named in the refusal. */
const OTHER_KINDS: readonly [number[], string][] = [
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
  [[0x49, 0x49, 0x2a, 0x00], 'a TIFF image'],
  [[0x4d, 0x4d, 0x00, 0x2a], 'a TIFF image'],
  [[0x52, 0x61, 0x72, 0x21], 'a RAR archive'],
  [[0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], 'a 7-Zip archive'],
  [[0x1f, 0x8b], 'a GZIP archive'],
  [[0x23, 0x21], 'a script'],
];

function startsWith(bytes: Uint8Array, sig: number[]): boolean {
  return bytes.length >= sig.length && sig.every((b, i) => bytes[i] === b);
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

const FREESECT = 0xffffffff;
const ENDOFCHAIN = 0xfffffffe;
const MAX_SECTOR_ID = 0xfffffffa;

/** Names of the streams in an OLE compound file (MS-CFB), or undefined if it is malformed. */
export function compoundFileStreamNames(bytes: Uint8Array): string[] | undefined {
  if (bytes.length < 512) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0x1c, true) !== 0xfffe) return undefined;
  const shift = view.getUint16(0x1e, true);
  if (shift !== 9 && shift !== 12) return undefined;
  const sectorSize = 1 << shift;
  const sectorCount = Math.floor((bytes.length - sectorSize) / sectorSize) + 1;
  const sectorOffset = (id: number) => (id + 1) * sectorSize;
  const u32 = (offset: number) => (offset + 4 <= bytes.length ? view.getUint32(offset, true) : undefined);

  const fatSectors: number[] = [];
  const numFat = view.getUint32(0x2c, true);
  for (let i = 0; i < 109 && fatSectors.length < numFat; i++) {
    const id = view.getUint32(0x4c + i * 4, true);
    if (id !== FREESECT) fatSectors.push(id);
  }
  let difat = view.getUint32(0x44, true);
  for (let guard = 0; fatSectors.length < numFat && difat <= MAX_SECTOR_ID && guard < sectorCount; guard++) {
    const base = sectorOffset(difat);
    const perSector = sectorSize / 4 - 1;
    for (let i = 0; i < perSector && fatSectors.length < numFat; i++) {
      const id = u32(base + i * 4);
      if (id === undefined) return undefined;
      if (id !== FREESECT) fatSectors.push(id);
    }
    const next = u32(base + perSector * 4);
    if (next === undefined) return undefined;
    difat = next;
  }
  const fat = (id: number): number | undefined => {
    const perSector = sectorSize / 4;
    const fatSector = fatSectors[Math.floor(id / perSector)];
    return fatSector === undefined ? undefined : u32(sectorOffset(fatSector) + (id % perSector) * 4);
  };

  const names: string[] = [];
  let dir = view.getUint32(0x30, true);
  for (let guard = 0; dir !== ENDOFCHAIN; guard++) {
    if (dir > MAX_SECTOR_ID || guard > sectorCount) return undefined;
    const base = sectorOffset(dir);
    if (base + sectorSize > bytes.length) return undefined;
    for (let e = 0; e < sectorSize / 128; e++) {
      const entry = base + e * 128;
      const nameBytes = view.getUint16(entry + 0x40, true);
      const objectType = bytes[entry + 0x42];
      if (objectType !== 2 || nameBytes < 2 || nameBytes > 64) continue;
      let name = '';
      for (let c = 0; c < nameBytes / 2 - 1; c++) name += String.fromCharCode(view.getUint16(entry + c * 2, true));
      names.push(name);
    }
    const next = fat(dir);
    if (next === undefined) return undefined;
    dir = next;
  }
  return names;
}

/** Entry names from a ZIP file's central directory, or undefined if it is malformed. */
export function zipEntryNames(bytes: Uint8Array): string[] | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const minEocd = 22;
  if (bytes.length < minEocd) return undefined;
  let eocd = -1;
  for (let i = bytes.length - minEocd; i >= Math.max(0, bytes.length - minEocd - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const entries = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  const decoder = new TextDecoder();
  const names: string[] = [];
  for (let i = 0; i < entries; i++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== 0x02014b50) return undefined;
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    if (offset + 46 + nameLength > bytes.length) return undefined;
    names.push(decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLength)));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/** One entry of a ZIP, inflated (stored or deflate), at most `maxBytes`; undefined when it is missing or damaged. */
export function zipEntryText(bytes: Uint8Array, wanted: string, maxBytes: number): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const entries = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  const decoder = new TextDecoder();
  for (let i = 0; i < entries; i++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== 0x02014b50) return undefined;
    const method = view.getUint16(offset + 10, true);
    const compressed = view.getUint32(offset + 20, true);
    const size = view.getUint32(offset + 24, true);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const local = view.getUint32(offset + 42, true);
    const name = decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLength));
    if (name === wanted) {
      if (size > maxBytes || local + 30 > bytes.length || view.getUint32(local, true) !== 0x04034b50) return undefined;
      const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
      if (start + compressed > bytes.length) return undefined;
      const data = bytes.subarray(start, start + compressed);
      try {
        if (method === 0) return decoder.decode(data);
        if (method === 8) return decoder.decode(inflateRawSync(data, { maxOutputLength: maxBytes }));
      } catch {
        return undefined;
      }
      return undefined;
    }
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return undefined;
}
