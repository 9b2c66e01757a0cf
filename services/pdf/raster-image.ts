import sharp, { type Metadata } from 'sharp';
import { AppError, ErrorCode } from '../../lib/errors.js';

/**
 * The officer's signature and the office's stamp (seed 002 §3.I.v–vii): read with sharp (libvips; PNG or
 * JPEG, EXIF orientation applied), the paper background made transparent (seed 002 asks administrators to
 * remove it; this does it for them), cropped to the ink, written back as PNG. The pixel work (background,
 * crop) is here; decoding and encoding are sharp's.
 */

export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, straight (not premultiplied) alpha */
  data: Uint8Array;
}

/** What an uploaded stamp or signature may be. */
export const IMAGE_LIMITS = {
  maxBytes: 5 * 1024 * 1024,
  /** decoded size: a scan at 600 dpi of an A5 sheet is about 17 megapixels */
  maxPixels: 25_000_000,
  /** smaller than this (after the crop) prints as a smudge */
  minSide: 40,
  formats: ['png', 'jpeg'] as const,
};

function bad(message: string, status = 422): AppError {
  return new AppError(ErrorCode.AttachmentRejected, message, { status, problems: [{ path: 'body', message }] });
}

/** Decodes a PNG or JPEG (by its content) into RGBA, refusing what is not one, too large, or too many pixels. */
export async function decodeImage(bytes: Uint8Array): Promise<RgbaImage> {
  if (bytes.length > IMAGE_LIMITS.maxBytes) {
    throw bad(`The image is ${(bytes.length / 1024 / 1024).toFixed(1)} MB; an uploaded stamp or signature can be at most ${IMAGE_LIMITS.maxBytes / 1024 / 1024} MB.`, 413);
  }
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw bad('The file is not a readable image: upload the stamp or signature as a PNG or JPEG.');
  }
  if (!IMAGE_LIMITS.formats.includes(meta.format as 'png' | 'jpeg')) {
    throw bad(`The file is a ${String(meta.format).toUpperCase()} image: upload the stamp or signature as a PNG or JPEG.`);
  }
  const pixels = (meta.width ?? 0) * (meta.height ?? 0);
  if (pixels > IMAGE_LIMITS.maxPixels) {
    throw bad(`The image is ${meta.width}×${meta.height} pixels (${(pixels / 1e6).toFixed(1)} megapixels); at most ${IMAGE_LIMITS.maxPixels / 1e6} megapixels: scan at 300 dpi or crop it.`);
  }
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: IMAGE_LIMITS.maxPixels }).rotate().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch {
    throw bad('The image could not be read to its end (a damaged or truncated file): export it again as a PNG or JPEG.');
  }
}

/** Encodes RGBA as PNG. */
export async function encodePng(img: RgbaImage): Promise<Buffer> {
  return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), { raw: { width: img.width, height: img.height, channels: 4 } })
    .png({ compressionLevel: 9 })
    .toBuffer();
}

export interface RemoveBackgroundOptions {
  /** a pixel this close to white (0–255, per channel) becomes fully transparent; default 40 */
  clearBelow?: number;
  /** a pixel this far from white stays opaque; in between, it fades (keeps anti-aliased edges); default 110 */
  opaqueFrom?: number;
  /** crop to the visible ink with this margin in pixels; default 4, -1 keeps the size */
  trimMargin?: number;
}

/**
 * Makes the paper (near-white) transparent, keeping the ink's colour. Distance from white is the largest
 * channel darkness; between the two thresholds the pixel's alpha ramps and its colour is un-blended from
 * white, so a blue ink edge stays blue instead of turning pale.
 */
export function removeBackground(img: RgbaImage, opts: RemoveBackgroundOptions = {}): RgbaImage {
  const lo = opts.clearBelow ?? 40;
  const hi = Math.max(lo + 1, opts.opaqueFrom ?? 110);
  const out = new Uint8Array(img.data.length);
  for (let i = 0; i < img.data.length; i += 4) {
    const r = img.data[i] ?? 0;
    const g = img.data[i + 1] ?? 0;
    const b = img.data[i + 2] ?? 0;
    const a0 = img.data[i + 3] ?? 0;
    const darkness = Math.max(255 - r, 255 - g, 255 - b);
    let alpha: number;
    if (darkness <= lo) alpha = 0;
    else if (darkness >= hi) alpha = 1;
    else alpha = (darkness - lo) / (hi - lo);
    if (alpha > 0 && alpha < 1) {
      // observed = alpha * ink + (1 - alpha) * white  →  ink = (observed - (1 - alpha) * 255) / alpha
      const un = (c: number) => Math.max(0, Math.min(255, Math.round((c - (1 - alpha) * 255) / alpha)));
      out[i] = un(r);
      out[i + 1] = un(g);
      out[i + 2] = un(b);
    } else {
      out[i] = r;
      out[i + 1] = g;
      out[i + 2] = b;
    }
    out[i + 3] = Math.round(alpha * a0);
  }
  const cleared = { width: img.width, height: img.height, data: out };
  const margin = opts.trimMargin ?? 4;
  return margin < 0 ? cleared : trimTransparent(cleared, margin);
}

/** Crops fully transparent borders, keeping `margin` pixels. An empty image is returned unchanged. */
export function trimTransparent(img: RgbaImage, margin = 0): RgbaImage {
  let minX = img.width;
  let minY = img.height;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if ((img.data[(y * img.width + x) * 4 + 3] ?? 0) > 8) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
    }
  }
  if (maxX < 0) return img;
  minX = Math.max(0, minX - margin);
  minY = Math.max(0, minY - margin);
  maxX = Math.min(img.width - 1, maxX + margin);
  maxY = Math.min(img.height - 1, maxY + margin);
  const width = maxX - minX + 1;
  const height = maxY - minY + 1;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const src = ((minY + y) * img.width + minX) * 4;
    data.set(img.data.subarray(src, src + width * 4), y * width * 4);
  }
  return { width, height, data };
}

/** Share of pixels that are (almost) fully transparent: tells whether an upload already has no background. */
export function transparentShare(img: RgbaImage): number {
  let n = 0;
  for (let i = 3; i < img.data.length; i += 4) if ((img.data[i] ?? 0) < 16) n++;
  return n / (img.width * img.height);
}

export interface CleanedUpload {
  /** PNG to store and use on certificates */
  png: Buffer;
  width: number;
  height: number;
  /** false when the upload already had a transparent background and was kept as it was */
  backgroundRemoved: boolean;
}

/**
 * For the agency administrator's uploads (office stamp, officer signature): PNG or JPEG in, the paper
 * background removed when there is one, cropped to the ink; refuses an image with nothing on it or too small.
 */
export async function cleanUploadedImage(bytes: Uint8Array, opts: RemoveBackgroundOptions = {}): Promise<CleanedUpload> {
  const img = await decodeImage(bytes);
  const alreadyClear = transparentShare(img) > 0.2;
  const cleaned = alreadyClear ? trimTransparent(img, opts.trimMargin ?? 4) : removeBackground(img, opts);
  if (transparentShare(cleaned) > 0.995) {
    throw bad('The image is empty once its background is removed: upload a darker scan of the stamp or signature.');
  }
  if (Math.min(cleaned.width, cleaned.height) < IMAGE_LIMITS.minSide) {
    throw bad(`Once cropped to the ink the image is ${cleaned.width}×${cleaned.height} pixels; at least ${IMAGE_LIMITS.minSide} pixels on each side print legibly: scan it larger.`);
  }
  return { png: await encodePng(cleaned), width: cleaned.width, height: cleaned.height, backgroundRemoved: !alreadyClear };
}
