/**
 * Small real files for tests: a PDF that parses (catalog, pages, one page), as every upload and mail
 * attachment must (domain/application/detect-file-type.ts identifyFile). A header alone is refused.
 */
export const TINY_PDF_TEXT =
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
  '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n';

/** A one-page PDF; `note` goes in a comment, so two calls with different notes differ in their bytes. */
export function tinyPdf(note = ''): Buffer {
  return Buffer.from(note ? TINY_PDF_TEXT.replace('%PDF-1.4\n', `%PDF-1.4\n% ${note.replace(/[\r\n]/g, ' ')}\n`) : TINY_PDF_TEXT, 'latin1');
}

/** A one-page PDF of exactly `size` bytes (a comment after its end pads it). */
export function pdfOfSize(size: number): Buffer {
  const pdf = tinyPdf();
  const pad = size - pdf.length - 2;
  if (pad < 0) throw new Error(`a PDF cannot be smaller than ${pdf.length + 2} bytes`);
  return Buffer.concat([pdf, Buffer.from(`%${'x'.repeat(pad)}\n`, 'latin1')]);
}
