import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import ExcelJS from 'exceljs';
import { PDFDocument } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkAttachments } from '../../../domain/application/check-attachments.js';
import {
  APPLICATION_ATTACHMENT_POLICY,
  checkDeficiencyResponseFiles,
  DEFICIENCY_RESPONSE_POLICY,
  inspectUpload,
  MEGABYTE,
} from '../../../domain/application/check-upload.js';
import { compoundFileStreamNames, detectFileType, identifyFile, zipEntryNames } from '../../../domain/application/detect-file-type.js';
import { ALLOWED_TYPES_TEXT, checkAttachments as checkMailAttachments } from '../../../channels/email/attachments.js';
import { pdfOfSize, tinyPdf } from '../../helpers/files.js';
import { sanitizeFileName } from '../../../domain/application/sanitize-file-name.js';
import type { Attachment } from '../../../domain/application/schemas.js';
import { messages, validDraft } from './helpers.js';

const fixture = (name: string) => readFile(new URL(`./fixtures/${name}`, import.meta.url)).then((b) => new Uint8Array(b));

/** A ZIP archive with stored (uncompressed) entries, written by hand. */
function makeZip(entries: { name: string; data: string }[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const data = Buffer.from(e.data);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, cd, eocd]));
}

/** Renames the "Workbook" stream of a real XLS file, giving a compound file that is not a workbook. */
function renameStream(xls: Uint8Array, to: string): Uint8Array {
  const copy = Buffer.from(xls);
  const from = Buffer.from('Workbook', 'utf16le');
  const at = copy.indexOf(from);
  if (at < 0) throw new Error('no Workbook entry');
  copy.fill(0, at, at + 64);
  copy.write(to, at, 'utf16le');
  copy.writeUInt16LE((to.length + 1) * 2, at + 0x40);
  return new Uint8Array(copy);
}

let pdf: Uint8Array;
let xlsx: Uint8Array;
let xls: Uint8Array;
let jpeg: Uint8Array;
let png: Uint8Array;

beforeAll(async () => {
  const doc = await PDFDocument.create();
  doc.addPage([200, 200]).drawText('Commercial invoice SSP/2024-25/118', { x: 10, y: 100, size: 8 });
  pdf = await doc.save();
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('Cost sheet').addRow(['Raw material', 'CIF (USD)']);
  xlsx = new Uint8Array(await workbook.xlsx.writeBuffer());
  xls = await fixture('cost-sheet.xls');
  jpeg = await fixture('scan.jpg');
  png = await fixture('stamp.png');
});

describe('detectFileType (by content)', () => {
  it('recognises real PDF, JPEG, PNG, XLS and XLSX files', () => {
    expect(detectFileType(pdf)).toEqual({ type: 'pdf' });
    expect(detectFileType(jpeg)).toEqual({ type: 'jpeg' });
    expect(detectFileType(png)).toEqual({ type: 'png' });
    expect(detectFileType(xls)).toEqual({ type: 'xls' });
    expect(detectFileType(xlsx)).toEqual({ type: 'xlsx' });
  });

  it('reads the streams of a compound file and the entries of a ZIP', () => {
    expect(compoundFileStreamNames(xls)).toContain('Workbook');
    expect(zipEntryNames(xlsx)).toEqual(expect.arrayContaining(['[Content_Types].xml', 'xl/workbook.xml']));
  });

  it('does not take a Word document, an ordinary ZIP or a program for a spreadsheet', () => {
    expect(detectFileType(renameStream(xls, 'WordDocument'))).toEqual({ type: null, reason: 'a Word document' });
    expect(detectFileType(renameStream(xls, 'Contents'))).toEqual({ type: null, reason: 'an Office document that is not an Excel workbook' });
    const docx = makeZip([
      { name: '[Content_Types].xml', data: '<Types/>' },
      { name: 'word/document.xml', data: '<w:document/>' },
    ]);
    expect(detectFileType(docx)).toEqual({ type: null, reason: 'a Word document' });
    expect(detectFileType(makeZip([{ name: 'xl/workbook.xml', data: '<workbook/>' }]))).toEqual({
      type: null,
      reason: 'a ZIP archive that is not an Excel workbook',
    });
    // the first look; identifyFile then reads [Content_Types].xml (below)
    expect(detectFileType(makeZip([{ name: '[Content_Types].xml', data: '' }, { name: 'xl/workbook.xml', data: '' }]))).toEqual({ type: 'xlsx' });
    expect(detectFileType(new Uint8Array([0x4d, 0x5a, 0x90, 0x00]))).toEqual({ type: null, reason: 'a Windows program' });
  });

  it('refuses empty, damaged and unknown content', () => {
    expect(detectFileType(new Uint8Array())).toEqual({ type: null, reason: 'the file is empty' });
    expect(detectFileType(xlsx.subarray(0, 200))).toEqual({ type: null, reason: 'a damaged ZIP archive' });
    expect(detectFileType(xls.subarray(0, 100))).toEqual({ type: null, reason: 'a damaged Office document' });
    expect(detectFileType(png.subarray(0, 10))).toEqual({ type: null, reason: 'a damaged PNG image' });
    expect(detectFileType(new TextEncoder().encode('Invoice total: 1500 USD'))).toEqual({
      type: null,
      reason: 'its content is not a PDF, JPEG, PNG, XLS or XLSX file',
    });
  });
});

describe('sanitizeFileName', () => {
  it('keeps a plain name', () => {
    expect(sanitizeFileName('invoice-SSP-118.pdf', 'pdf')).toBe('invoice-SSP-118.pdf');
    expect(sanitizeFileName('Scan.JPEG', 'jpeg')).toBe('Scan.jpeg');
  });

  it('drops folders, control and bidi characters, and odd punctuation', () => {
    expect(sanitizeFileName('../../etc/passwd', 'pdf')).toBe('passwd.pdf');
    expect(sanitizeFileName('C:\\Users\\raj\\Invoice 118 (final).pdf', 'pdf')).toBe('Invoice_118_final.pdf');
    expect(sanitizeFileName('invoice\u202Efdp.exe', 'pdf')).toBe('invoicefdp_exe.pdf');
    expect(sanitizeFileName('bill\u0000of\nlading.pdf', 'pdf')).toBe('billoflading.pdf');
    expect(sanitizeFileName('.htaccess', 'pdf')).toBe('htaccess.pdf');
    expect(sanitizeFileName('चालान.pdf', 'pdf')).toBe('चालान.pdf');
  });

  it('gives the extension of the detected type', () => {
    expect(sanitizeFileName('scan.exe', 'pdf')).toBe('scan_exe.pdf');
    expect(sanitizeFileName('costs.xls', 'xlsx')).toBe('costs_xls.xlsx');
    expect(sanitizeFileName('no-extension', 'png')).toBe('no-extension.png');
  });

  it('never returns an empty or reserved name, and limits the length', () => {
    expect(sanitizeFileName('...', 'pdf')).toBe('attachment.pdf');
    expect(sanitizeFileName('', 'pdf')).toBe('attachment.pdf');
    expect(sanitizeFileName('CON.pdf', 'pdf')).toBe('CON_file.pdf');
    expect(sanitizeFileName(`${'a'.repeat(300)}.pdf`, 'pdf')).toBe(`${'a'.repeat(100)}.pdf`);
  });
});

describe('uploads', () => {
  it('accepts a PDF named .txt, under the name of its real type', async () => {
    expect(await inspectUpload({ fileName: 'invoice.txt', bytes: pdf }, APPLICATION_ATTACHMENT_POLICY)).toEqual({
      ok: true,
      type: 'pdf',
      contentType: 'application/pdf',
      safeName: 'invoice_txt.pdf',
      sizeBytes: pdf.length,
    });
  });

  it('refuses a file named .pdf whose content is not a PDF', async () => {
    const fake = new TextEncoder().encode('MZ-not really a pdf');
    expect(await inspectUpload({ fileName: 'invoice.pdf', bytes: fake }, APPLICATION_ATTACHMENT_POLICY)).toEqual({
      ok: false,
      problems: [
        {
          path: 'file',
          message: 'invoice.pdf cannot be accepted: a Windows program. Only PDF, JPG, XLS and XLSX files are accepted.',
        },
      ],
    });
  });

  it('refuses a file over 5 MB and accepts one of exactly 5 MB', async () => {
    expect(await inspectUpload({ fileName: 'big.pdf', bytes: pdfOfSize(5 * MEGABYTE + 1) }, APPLICATION_ATTACHMENT_POLICY)).toEqual({
      ok: false,
      problems: [{ path: 'file', message: 'big.pdf is 5.00 MB; files for an application can be at most 5 MB' }],
    });
    expect((await inspectUpload({ fileName: 'big.pdf', bytes: pdfOfSize(5 * MEGABYTE) }, APPLICATION_ATTACHMENT_POLICY)).ok).toBe(true);
  });

  it('takes the same types for an application, a deficiency response and a reply by e-mail: PDF, JPG, XLS, XLSX (seed 004)', async () => {
    expect(APPLICATION_ATTACHMENT_POLICY.allowed).toEqual(['pdf', 'jpeg', 'xls', 'xlsx']);
    expect(DEFICIENCY_RESPONSE_POLICY.allowed).toEqual(APPLICATION_ATTACHMENT_POLICY.allowed);
    expect(ALLOWED_TYPES_TEXT).toBe('only PDF, JPG, XLS, XLSX');
    expect(await inspectUpload({ fileName: 'stamp.png', bytes: png }, APPLICATION_ATTACHMENT_POLICY)).toEqual({
      ok: false,
      problems: [{ path: 'file', message: 'stamp.png is a PNG file, which is not accepted for an application. Only PDF, JPG, XLS and XLSX files are accepted.' }],
    });
    expect((await checkMailAttachments([{ filename: 'stamp.png', content: Buffer.from(png) }])).problems).toEqual(['stamp.png: type not allowed (only PDF, JPG, XLS, XLSX)']);
  });
});

describe('identifyFile: a file is taken as its type only when it parses as one', () => {
  it('takes real files', async () => {
    for (const [bytes, type] of [[pdf, 'pdf'], [jpeg, 'jpeg'], [png, 'png'], [xls, 'xls'], [xlsx, 'xlsx'], [tinyPdf(), 'pdf']] as const) {
      expect(await identifyFile(bytes)).toEqual({ type });
    }
  });

  it('refuses files that only start like one, each with its own message', async () => {
    const cases: [Uint8Array, string][] = [
      [new TextEncoder().encode('%PDF-1.4\n%%EOF\n'), 'a damaged or incomplete PDF (it starts like a PDF but cannot be read as one)'],
      [new TextEncoder().encode('%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'), 'a damaged or incomplete PDF (it starts like a PDF but cannot be read as one)'],
      [pdf.subarray(0, Math.floor(pdf.length / 2)), 'a damaged or incomplete PDF (it starts like a PDF but cannot be read as one)'],
      [new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...new TextEncoder().encode('not really a photograph')]), 'a damaged or incomplete JPG image (it cannot be read to its end)'],
      [jpeg.subarray(0, Math.floor(jpeg.length / 2)), 'a damaged or incomplete JPG image (it cannot be read to its end)'],
      [makeZip([{ name: '[Content_Types].xml', data: '<Types/>' }, { name: 'xl/workbook.xml', data: '' }]), 'a ZIP that names a workbook but does not declare one (not an XLSX workbook)'],
    ];
    for (const [bytes, reason] of cases) {
      const r = await identifyFile(bytes);
      expect(r, reason).toMatchObject({ type: null, reason });
      expect(r.type === null && r.damaged).toBeTruthy();
    }
    expect(await inspectUpload({ fileName: 'invoice.pdf', bytes: new TextEncoder().encode('%PDF-1.4\n%%EOF\n') }, APPLICATION_ATTACHMENT_POLICY)).toEqual({
      ok: false,
      problems: [
        {
          path: 'file',
          message: 'invoice.pdf cannot be accepted: a damaged or incomplete PDF (it starts like a PDF but cannot be read as one). Only PDF, JPG, XLS and XLSX files are accepted.',
        },
      ],
    });
    expect((await checkMailAttachments([{ filename: 'invoice.pdf', content: Buffer.from('%PDF-1.4\n%%EOF\n') }])).problems).toEqual([
      'invoice.pdf: not accepted: it is a damaged or incomplete PDF (it starts like a PDF but cannot be read as one); save or scan it again and attach it',
    ]);
  });
});

describe('deficiency response uploads', () => {
  it('takes at most 5 PDF/JPG/XLS/XLSX files of 5 MB in a deficiency response', async () => {
    expect(await checkDeficiencyResponseFiles([
      { fileName: 'reply.pdf', bytes: pdf },
      { fileName: 'photo.jpg', bytes: jpeg },
      { fileName: 'costs.xls', bytes: xls },
      { fileName: 'costs.xlsx', bytes: xlsx },
    ])).toEqual([]);
    expect(await checkDeficiencyResponseFiles([{ fileName: 'stamp.png', bytes: png }])).toEqual([
      {
        path: 'files/0',
        message: 'stamp.png is a PNG file, which is not accepted for a deficiency response. Only PDF, JPG, XLS and XLSX files are accepted.',
      },
    ]);
    const six = Array.from({ length: 6 }, (_, i) => ({ fileName: `reply-${i}.pdf`, bytes: pdf }));
    expect(messages(await checkDeficiencyResponseFiles(six))).toEqual(['A deficiency response can carry at most 5 files (6 given)']);
  });
});

describe('attachments tab', () => {
  const invoice: Attachment = validDraft().attachments.files[0]!;

  it('accepts the commercial invoice', () => {
    expect(checkAttachments({ files: [invoice] })).toEqual([]);
  });

  it('wants the commercial invoice', () => {
    expect(checkAttachments({ files: [{ ...invoice, documentType: 'packing_list' }] })).toEqual([
      { path: 'attachments/files', message: 'Attach a copy of the commercial invoice: it is mandatory' },
    ]);
    expect(messages(checkAttachments({ files: [] }))).toEqual(['Attach a copy of the commercial invoice: it is mandatory']);
  });

  it('takes at most 20 attachments', () => {
    const files = Array.from({ length: 21 }, (_, i) => ({ ...invoice, id: `att-${i}` }));
    expect(messages(checkAttachments({ files }))).toEqual(['An application can carry at most 20 attachments (21 given)']);
  });

  it('refuses attachments that did not go through the upload check', () => {
    const bad: Attachment = { ...invoice, id: 'att-1', fileName: '../invoice.pdf', sizeBytes: 6 * MEGABYTE };
    expect(messages(checkAttachments({ files: [invoice, bad] }))).toEqual([
      'Attachment att-1 is listed twice',
      '../invoice.pdf is 6 MB; attachments can be at most 5 MB',
      'File name "../invoice.pdf" was not sanitised (expected "invoice.pdf"); upload the file again',
    ]);
  });
});
