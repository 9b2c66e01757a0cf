import { deflateSync } from 'node:zlib';
import {
  concatTransformationMatrix,
  drawObject,
  PDFName,
  PDFRawStream,
  popGraphicsState,
  pushGraphicsState,
  type PDFDocument,
  type PDFPage,
  type PDFRef,
} from 'pdf-lib';
import type { RgbaImage } from './raster-image.js';

/**
 * An image ready for PDF: colour and alpha planes already deflated. Prepared once per uploaded image and
 * reused by every certificate, instead of pdf-lib re-decoding and re-compressing the PNG per document.
 */
export interface PreparedImage {
  width: number;
  height: number;
  rgb: Uint8Array;
  /** soft mask; absent for fully opaque images */
  alpha?: Uint8Array;
}

export function prepareImage(img: RgbaImage): PreparedImage {
  const n = img.width * img.height;
  const rgb = Buffer.alloc(n * 3);
  const alpha = Buffer.alloc(n);
  let opaque = true;
  for (let i = 0; i < n; i++) {
    rgb[i * 3] = img.data[i * 4] ?? 0;
    rgb[i * 3 + 1] = img.data[i * 4 + 1] ?? 0;
    rgb[i * 3 + 2] = img.data[i * 4 + 2] ?? 0;
    const a = img.data[i * 4 + 3] ?? 255;
    alpha[i] = a;
    if (a !== 255) opaque = false;
  }
  return {
    width: img.width,
    height: img.height,
    rgb: deflateSync(rgb, { level: 9 }),
    ...(opaque ? {} : { alpha: deflateSync(alpha, { level: 9 }) }),
  };
}

/** Adds the image as an XObject (with its soft mask) to `doc`. */
export function embedPreparedImage(doc: PDFDocument, img: PreparedImage): PDFRef {
  const ctx = doc.context;
  const common = { Type: 'XObject', Subtype: 'Image', Width: img.width, Height: img.height, BitsPerComponent: 8, Filter: 'FlateDecode' };
  let smask: PDFRef | undefined;
  if (img.alpha) {
    smask = ctx.register(PDFRawStream.of(ctx.obj({ ...common, ColorSpace: 'DeviceGray' }), img.alpha));
  }
  const dict = ctx.obj({ ...common, ColorSpace: 'DeviceRGB' });
  if (smask) dict.set(PDFName.of('SMask'), smask);
  return ctx.register(PDFRawStream.of(dict, img.rgb));
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Draws an embedded image fitted (aspect kept) and centred in `box`. Returns the area used. */
export function drawImageFit(page: PDFPage, ref: PDFRef, img: { width: number; height: number }, box: Box): Box {
  const scale = Math.min(box.width / img.width, box.height / img.height);
  const width = img.width * scale;
  const height = img.height * scale;
  const x = box.x + (box.width - width) / 2;
  const y = box.y + (box.height - height) / 2;
  const name = page.node.newXObject('Im', ref);
  page.pushOperators(pushGraphicsState(), concatTransformationMatrix(width, 0, 0, height, x, y), drawObject(name), popGraphicsState());
  return { x, y, width, height };
}
