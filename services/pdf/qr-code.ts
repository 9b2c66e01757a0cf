import { deflateSync } from 'node:zlib';
import QRCode from 'qrcode';
import { concatTransformationMatrix, drawObject, PDFRawStream, popGraphicsState, pushGraphicsState, type PDFDocument, type PDFPage, type PDFRef } from 'pdf-lib';

export type QrErrorCorrection = 'L' | 'M' | 'Q' | 'H';

export interface QrMatrix {
  /** modules per side, without the quiet zone */
  size: number;
  version: number;
  errorCorrection: QrErrorCorrection;
  dark(row: number, col: number): boolean;
}

/**
 * Encodes `text` as one byte-mode segment: for a URL with a base64url JWS the library's optimal
 * segmentation gives the same version at twice the cost.
 */
export function encodeQr(text: string, errorCorrection: QrErrorCorrection = 'M'): QrMatrix {
  const qr = QRCode.create([{ data: Buffer.from(text, 'utf8'), mode: 'byte' }], { errorCorrectionLevel: errorCorrection });
  const { size, data } = qr.modules;
  return { size, version: qr.version, errorCorrection, dark: (r, c) => data[r * size + c] === 1 };
}

/**
 * The QR code as a vector form XObject in module units (one `re` per horizontal run of dark modules,
 * one fill), so it stays sharp at any zoom or print resolution and costs a few hundred bytes.
 */
export function embedQr(doc: PDFDocument, qr: QrMatrix): PDFRef {
  const parts: string[] = ['0 g'];
  for (let r = 0; r < qr.size; r++) {
    const y = qr.size - r - 1;
    let c = 0;
    while (c < qr.size) {
      if (!qr.dark(r, c)) {
        c++;
        continue;
      }
      const start = c;
      while (c < qr.size && qr.dark(r, c)) c++;
      parts.push(`${start} ${y} ${c - start} 1 re`);
    }
  }
  parts.push('f');
  const dict = doc.context.obj({ Type: 'XObject', Subtype: 'Form', BBox: [0, 0, qr.size, qr.size], Filter: 'FlateDecode' });
  return doc.context.register(PDFRawStream.of(dict, deflateSync(Buffer.from(parts.join('\n'), 'latin1'))));
}

/** Draws an embedded QR symbol with its lower-left corner at `x`, `y` (quiet zone not included). */
export function drawQr(page: PDFPage, ref: PDFRef, qr: QrMatrix, x: number, y: number, side: number): void {
  const name = page.node.newXObject('QR', ref);
  const m = side / qr.size;
  page.pushOperators(pushGraphicsState(), concatTransformationMatrix(m, 0, 0, m, x, y), drawObject(name), popGraphicsState());
}
