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
import { checkAttachments, detectFileType, sanitiseFilename } from '../../../channels/email/attachments.js';

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

describe('detectFileType', () => {
  it('recognises the four allowed types by content', () => {
    expect(detectFileType(pdf).allowed).toBe('pdf');
    expect(detectFileType(jpg).allowed).toBe('jpg');
    expect(detectFileType(xls).allowed).toBe('xls');
    expect(detectFileType(xlsx).allowed).toBe('xlsx');
  });

  it('tells other Office and ZIP files apart from workbooks', () => {
    expect(detectFileType(doc)).toEqual({ allowed: null, description: 'a Word document (DOC)' });
    expect(detectFileType(zip({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w/>' })).description).toBe('a Word document (DOCX)');
    expect(
      detectFileType(zip({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<w/>', 'xl/vbaProject.bin': 'x' })).description,
    ).toBe('a macro-enabled workbook (XLSM)');
    expect(detectFileType(zip({ 'invoice.pdf': '%PDF-1.7' })).description).toBe('a ZIP archive');
    expect(detectFileType(exe).description).toBe('a Windows program');
    expect(detectFileType(Buffer.from('<html><script>x</script></html>')).description).toBe('a web page (HTML)');
    expect(detectFileType(Buffer.from('just some text')).description).toBe('an unknown kind of file');
  });

  it('does not crash on truncated containers', () => {
    expect(detectFileType(xls.subarray(0, 600)).allowed).toBeNull();
    expect(detectFileType(xlsx.subarray(0, 100)).allowed).toBeNull();
    expect(detectFileType(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])).description).toBe('a damaged Office file');
  });
});

describe('sanitiseFilename', () => {
  it('removes folders, control and direction characters, reserved characters and leading dots', () => {
    expect(sanitiseFilename('../../etc/passwd')).toBe('passwd');
    expect(sanitiseFilename('C:\\Users\\raj\\Desktop\\invoice.pdf')).toBe('invoice.pdf');
    expect(sanitiseFilename('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(sanitiseFilename('bill\u0000\r\nof lading?.pdf')).toBe('billof lading_.pdf');
    expect(sanitiseFilename('.htaccess')).toBe('htaccess');
    expect(sanitiseFilename('CON.pdf')).toBe('_CON.pdf');
    expect(sanitiseFilename('   ')).toBe('attachment');
    expect(sanitiseFilename(undefined, 'attachment-3')).toBe('attachment-3');
  });

  it('caps the length and keeps the extension', () => {
    const name = sanitiseFilename(`${'कपास'.repeat(60)}.pdf`);
    expect([...name].length).toBe(100);
    expect(name.endsWith('.pdf')).toBe(true);
  });
});

describe('checkAttachments', () => {
  it('accepts PDF, JPG, XLS and XLSX and reports nothing', () => {
    const result = checkAttachments([
      { filename: 'invoice.pdf', content: pdf },
      { filename: 'stamp.jpeg', content: jpg },
      { filename: 'items.xls', content: xls },
      { filename: 'items.xlsx', content: xlsx },
    ]);
    expect(result.ok).toBe(true);
    expect(result.problems).toEqual([]);
    expect(result.accepted.map((a) => [a.filename, a.type, a.mediaType])).toEqual([
      ['invoice.pdf', 'pdf', 'application/pdf'],
      ['stamp.jpeg', 'jpg', 'image/jpeg'],
      ['items.xls', 'xls', 'application/vnd.ms-excel'],
      ['items.xlsx', 'xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ]);
    expect(result.accepted[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses other types with the rule in plain words', () => {
    const result = checkAttachments([
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

  it('judges by content, not by the name: a program named .pdf is refused, a PDF named .txt is accepted as .pdf', () => {
    const result = checkAttachments([
      { filename: 'invoice.pdf', content: exe, contentType: 'application/pdf' },
      { filename: 'scan.txt', content: pdf, contentType: 'text/plain' },
      { filename: 'photo.pdf', content: jpg },
    ]);
    expect(result.problems).toEqual(['invoice.pdf: type not allowed (only PDF, JPG, XLS, XLSX): the content is not a PDF; it is a Windows program']);
    expect(result.accepted.map((a) => a.filename)).toEqual(['scan.pdf', 'photo.jpg']);
    expect(result.accepted[0]?.originalFilename).toBe('scan.txt');
  });

  it('refuses files over 5 MB and empty files', () => {
    const big = Buffer.concat([pdf, Buffer.alloc(5 * 1024 * 1024 + 1 - pdf.length, 0x20)]);
    const exactly = Buffer.concat([pdf, Buffer.alloc(5 * 1024 * 1024 - pdf.length, 0x20)]);
    const result = checkAttachments([
      { filename: 'big-scan.pdf', content: big },
      { filename: 'limit.pdf', content: exactly },
      { filename: 'empty.pdf', content: Buffer.alloc(0) },
    ]);
    expect(result.problems).toEqual(['big-scan.pdf: 5.0 MB is over the 5 MB limit per file', 'empty.pdf: the file is empty']);
    expect(result.accepted.map((a) => a.filename)).toEqual(['limit.pdf']);
  });

  it('takes at most 5 files and names the ones it left out', () => {
    const files = Array.from({ length: 7 }, (_, i) => ({ filename: `doc-${i + 1}.pdf`, content: pdf }));
    const result = checkAttachments(files);
    expect(result.accepted).toHaveLength(5);
    expect(result.problems).toEqual(['At most 5 files are allowed in one reply; these were not taken: doc-6.pdf, doc-7.pdf']);
  });

  it('ignores images embedded in the HTML body and de-duplicates names', () => {
    const result = checkAttachments([
      { filename: 'image001.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]), embedded: true },
      { filename: 'invoice.pdf', content: pdf },
      { filename: 'Invoice.pdf', content: pdf },
    ]);
    expect(result.ok).toBe(true);
    expect(result.ignored).toEqual([{ filename: 'image001.png', reason: 'embedded in the message body' }]);
    expect(result.accepted.map((a) => a.filename)).toEqual(['invoice.pdf', 'Invoice (2).pdf']);
  });

  it('names a file without a name', () => {
    const result = checkAttachments([{ filename: null, content: jpg }]);
    expect(result.accepted[0]?.filename).toBe('attachment-1.jpg');
  });
});
