/**
 * Fixtures: invoice-items.xls was written by Perl's Spreadsheet::WriteExcel (a real BIFF8 workbook),
 * letter.doc is an OLE2 file with a "WordDocument" stream (OLE::Storage_Lite), stamp-scan.jpg by ImageMagick.
 * PDFs come from pdf-lib and XLSX from exceljs at test time.
 */
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import ExcelJS from 'exceljs';
import { PDFDocument } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkAttachments } from '../../../channels/email/attachments.js';
import { detectFileType } from '../../../domain/application/detect-file-type.js';
import { fileNameRefusal } from '../../../domain/application/sanitize-file-name.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

/** A ZIP with stored (uncompressed) entries. */
function zip(entries: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const data = Buffer.from(text);
    const fileName = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += 30 + fileName.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

let pdf: Buffer;
let xlsx: Buffer;
const jpg = fixture('stamp-scan.jpg');
const xls = fixture('invoice-items.xls');
const doc = fixture('letter.doc');
const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(200)]);

beforeAll(async () => {
  const d = await PDFDocument.create();
  d.addPage([200, 200]).drawText('Commercial invoice 12345678');
  pdf = Buffer.from(await d.save());
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Items').addRow(['HS Code', 'Value']);
  xlsx = Buffer.from(await wb.xlsx.writeBuffer());
});

describe('the type of a mailed file, by the detector of API uploads (domain/application/detect-file-type.ts)', () => {
  it('recognises the four allowed types by content', () => {
    expect(detectFileType(pdf)).toEqual({ type: 'pdf' });
    expect(detectFileType(jpg)).toEqual({ type: 'jpeg' });
    expect(detectFileType(xls)).toEqual({ type: 'xls' });
    expect(detectFileType(xlsx)).toEqual({ type: 'xlsx' });
  });

  it('tells other Office and ZIP files apart from workbooks', () => {
    expect(detectFileType(doc)).toEqual({ type: null, reason: 'a Word document' });
    expect(detectFileType(zip({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w/>' }))).toEqual({ type: null, reason: 'a Word document' });
    expect(detectFileType(zip({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<w/>', 'xl/vbaProject.bin': 'x' }))).toEqual({ type: null, reason: 'a macro-enabled workbook (XLSM)' });
    expect(detectFileType(zip({ '[Content_Types].xml': '<Types/>', 'xl/workbook.bin': 'x' }))).toEqual({ type: null, reason: 'a binary workbook (XLSB)' });
    expect(detectFileType(zip({ '[Content_Types].xml': '<Types/>', 'xl/styles.xml': '<s/>' }))).toEqual({ type: null, reason: 'a ZIP archive that is not an Excel workbook' });
    expect(detectFileType(zip({ 'invoice.pdf': '%PDF-1.7' }))).toEqual({ type: null, reason: 'a ZIP archive that is not an Excel workbook' });
    expect(detectFileType(exe)).toEqual({ type: null, reason: 'a Windows program' });
    expect(detectFileType(Buffer.from('<html><script>x</script></html>'))).toEqual({ type: null, reason: 'a web page (HTML)' });
    expect(detectFileType(Buffer.from('GIF89a....'))).toEqual({ type: null, reason: 'a GIF image' });
  });

  it('does not crash on truncated containers', () => {
    expect(detectFileType(xls.subarray(0, 600)).type).toBeNull();
    expect(detectFileType(xlsx.subarray(0, 100)).type).toBeNull();
    expect(detectFileType(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))).toEqual({ type: null, reason: 'a damaged Office document' });
  });
});

describe('file names refused outright (fileNameRefusal)', () => {
  it('refuses folders, "..", control and direction characters, very long names and Windows device names', () => {
    expect(fileNameRefusal('../../etc/passwd')).toContain('folder path');
    expect(fileNameRefusal('C:\\Users\\raj\\Desktop\\invoice.pdf')).toContain('folder path');
    expect(fileNameRefusal('invoice\uFF0Fpdf')).toContain('folder path'); // a full-width solidus
    expect(fileNameRefusal('..invoice.pdf')).toBe('it contains ".."');
    expect(fileNameRefusal('invoice\u2025pdf')).toBe('it contains ".."'); // a two-dot leader
    expect(fileNameRefusal('bill\u0000.pdf')).toContain('control characters');
    expect(fileNameRefusal('bill\r\nof lading.pdf')).toContain('control characters');
    expect(fileNameRefusal('invoice\u202Efdp.exe')).toContain('right-to-left override');
    expect(fileNameRefusal(`${'a'.repeat(300)}.pdf`)).toBe('it is 304 characters long (at most 255)');
    expect(fileNameRefusal('CON.pdf')).toBe('"CON" is a reserved device name on Windows');
    expect(fileNameRefusal('lpt1')).toBe('"LPT1" is a reserved device name on Windows');
    expect(fileNameRefusal('nul.tar.gz')).toBe('"NUL" is a reserved device name on Windows');
  });

  it('takes ordinary names, in any script', () => {
    for (const n of ['invoice.pdf', 'cost sheet (item 1).pdf', 'चालान.pdf', 'Scan 2026-11-21.jpeg', 'console.pdf', '.htaccess', `${'a'.repeat(251)}.pdf`]) {
      expect(fileNameRefusal(n), n).toBeNull();
    }
  });
});

describe('checkAttachments', () => {
  it('accepts PDF, JPG, XLS and XLSX and reports nothing', async () => {
    const result = await checkAttachments([
      { filename: 'invoice.pdf', content: pdf },
      { filename: 'stamp.jpeg', content: jpg },
      { filename: 'items.xls', content: xls },
      { filename: 'items.xlsx', content: xlsx },
    ]);
    expect(result.ok).toBe(true);
    expect(result.problems).toEqual([]);
    expect(result.accepted.map((a) => [a.filename, a.type, a.mediaType])).toEqual([
      ['invoice.pdf', 'pdf', 'application/pdf'],
      ['stamp.jpeg', 'jpeg', 'image/jpeg'],
      ['items.xls', 'xls', 'application/vnd.ms-excel'],
      ['items.xlsx', 'xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ]);
    expect(result.accepted[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses other types with the rule in plain words', async () => {
    const result = await checkAttachments([
      { filename: 'invoice.exe', content: exe },
      { filename: 'letter.doc', content: doc },
    ]);
    expect(result.ok).toBe(false);
    expect(result.accepted).toEqual([]);
    expect(result.problems).toEqual([
      'invoice.exe: type not allowed (only PDF, JPG, XLS, XLSX)',
      'letter.doc: type not allowed (only PDF, JPG, XLS, XLSX)',
    ]);
  });

  it('judges by content, not by the name: a program named .pdf is refused, a PDF named .txt is accepted as .pdf', async () => {
    const result = await checkAttachments([
      { filename: 'invoice.pdf', content: exe, contentType: 'application/pdf' },
      { filename: 'scan.txt', content: pdf, contentType: 'text/plain' },
      { filename: 'photo.pdf', content: jpg },
    ]);
    expect(result.problems).toEqual(['invoice.pdf: type not allowed (only PDF, JPG, XLS, XLSX): the content is not a PDF; it is a Windows program']);
    expect(result.accepted.map((a) => a.filename)).toEqual(['scan_txt.pdf', 'photo_pdf.jpg']);
    expect(result.accepted[0]?.originalFilename).toBe('scan.txt');
  });

  it('refuses files over 5 MB and empty files', async () => {
    const big = Buffer.concat([pdf, Buffer.alloc(5 * 1024 * 1024 + 1 - pdf.length, 0x20)]);
    const exactly = Buffer.concat([pdf, Buffer.alloc(5 * 1024 * 1024 - pdf.length, 0x20)]);
    const result = await checkAttachments([
      { filename: 'big-scan.pdf', content: big },
      { filename: 'limit.pdf', content: exactly },
      { filename: 'empty.pdf', content: Buffer.alloc(0) },
    ]);
    expect(result.problems).toEqual(['big-scan.pdf: 5.0 MB is over the 5 MB limit per file', 'empty.pdf: the file is empty']);
    expect(result.accepted.map((a) => a.filename)).toEqual(['limit.pdf']);
  });

  it('takes at most 5 files and names the ones it left out', async () => {
    const files = Array.from({ length: 7 }, (_, i) => ({ filename: `doc-${i + 1}.pdf`, content: pdf }));
    const result = await checkAttachments(files);
    expect(result.accepted).toHaveLength(5);
    expect(result.problems).toEqual(['At most 5 files are allowed in one reply; these were not taken: doc-6.pdf, doc-7.pdf']);
  });

  it('ignores images embedded in the HTML body and de-duplicates names', async () => {
    const result = await checkAttachments([
      { filename: 'image001.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]), embedded: true },
      { filename: 'invoice.pdf', content: pdf },
      { filename: 'Invoice.pdf', content: pdf },
    ]);
    expect(result.ok).toBe(true);
    expect(result.ignored).toEqual([{ filename: 'image001.png', reason: 'embedded in the message body' }]);
    expect(result.accepted.map((a) => a.filename)).toEqual(['invoice.pdf', 'Invoice_2.pdf']);
  });

  it('names files as API uploads are named (sanitizeFileName), and refuses a hostile name instead of repairing it', async () => {
    const result = await checkAttachments([
      { filename: 'cost sheet (item 1).pdf', content: pdf },
      { filename: '../../etc/passwd.pdf', content: pdf },
      { filename: 'invoice\u202Efdp.exe', content: pdf },
    ]);
    expect(result.accepted.map((a) => a.filename)).toEqual(['cost_sheet_item_1.pdf']);
    expect(result.problems).toEqual([
      'passwd.pdf: the file name is not accepted: it contains a folder path ("/" or "\\"); rename the file (letters, digits, spaces, "-" and "_") and attach it again',
      expect.stringMatching(/^invoicefdp\.exe: the file name is not accepted: it contains invisible characters .*right-to-left override/),
    ]);
  });

  it('names a file without a name', async () => {
    const result = await checkAttachments([{ filename: null, content: jpg }]);
    expect(result.accepted[0]?.filename).toBe('attachment-1.jpg');
  });
});
