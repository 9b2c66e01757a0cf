import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { AppError, ErrorCode } from '../../lib/errors.js';

/**
 * A small PNG codec (zlib from Node) for the officer's signature and the office stamp: decode any
 * non-interlaced PNG into RGBA, make the paper background transparent (seed 002 asks administrators
 * to remove it; this does it for them), and encode RGBA back to PNG.
 */

export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, straight (not premultiplied) alpha */
  data: Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const MAX_PIXELS = 25_000_000;

function bad(message: string): AppError {
  return new AppError(ErrorCode.ValidationFailed, message, { problems: [{ path: 'image', message }] });
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length > 8 && Buffer.from(bytes.subarray(0, 8)).equals(SIGNATURE);
}

export function decodePng(input: Uint8Array): RgbaImage {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (!isPng(buf)) throw bad('The image is not a PNG file. Upload the signature or stamp as a PNG.');
  let pos = 8;
  let width = 0;
  let height = 0;
  let bitDepth = 0;
  let colorType = 0;
  let interlace = 0;
  let palette: Buffer | undefined;
  let paletteAlpha: Buffer | undefined;
  let transparentGray: number | undefined;
  let transparentRgb: [number, number, number] | undefined;
  const idat: Buffer[] = [];
  while (pos + 8 <= buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const body = buf.subarray(pos + 8, pos + 8 + len);
    if (body.length !== len) throw bad('The PNG file is truncated.');
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      bitDepth = body[8] ?? 0;
      colorType = body[9] ?? 0;
      interlace = body[12] ?? 0;
    } else if (type === 'PLTE') palette = body;
    else if (type === 'tRNS') {
      if (colorType === 3) paletteAlpha = body;
      else if (colorType === 0) transparentGray = body.readUInt16BE(0);
      else if (colorType === 2) transparentRgb = [body.readUInt16BE(0), body.readUInt16BE(2), body.readUInt16BE(4)];
    } else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  if (!width || !height) throw bad('The PNG file has no image header.');
  if (width * height > MAX_PIXELS) throw bad(`The image is too large (${width}×${height} pixels); keep it under 5000×5000.`);
  if (interlace !== 0) throw bad('Interlaced PNG images are not supported; save the image again without interlacing.');
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType];
  if (!channels) throw bad(`Unsupported PNG colour type ${colorType}.`);
  if (colorType === 3 && !palette) throw bad('The PNG file has no palette.');

  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat));
  } catch {
    throw bad('The PNG image data is corrupt.');
  }
  const bitsPerPixel = channels * bitDepth;
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  if (raw.length < height * (stride + 1)) throw bad('The PNG image data is truncated.');

  const lines = Buffer.alloc(height * stride);
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = lines.subarray(y * stride, (y + 1) * stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? (out[i - bpp] ?? 0) : 0;
      const b = prev[i] ?? 0;
      const c = i >= bpp ? (prev[i - bpp] ?? 0) : 0;
      const x = src[i] ?? 0;
      let v: number;
      switch (filter) {
        case 0: v = x; break;
        case 1: v = x + a; break;
        case 2: v = x + b; break;
        case 3: v = x + ((a + b) >> 1); break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          break;
        }
        default:
          throw bad('The PNG image data is corrupt (unknown filter).');
      }
      out[i] = v & 0xff;
    }
    prev = out;
  }

  const data = new Uint8Array(width * height * 4);
  const max = (1 << bitDepth) - 1;
  const sample = (row: Buffer, index: number): number => {
    if (bitDepth === 8) return row[index] ?? 0;
    if (bitDepth === 16) return row.readUInt16BE(index * 2);
    const bit = index * bitDepth;
    return ((row[bit >> 3] ?? 0) >> (8 - bitDepth - (bit & 7))) & max;
  };
  const to8 = (v: number) => (bitDepth === 16 ? v >> 8 : bitDepth === 8 ? v : Math.round((v * 255) / max));
  for (let y = 0; y < height; y++) {
    const row = lines.subarray(y * stride, (y + 1) * stride);
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      let r: number, g: number, b: number, a: number;
      if (colorType === 3) {
        const idx = sample(row, x);
        r = palette?.[idx * 3] ?? 0;
        g = palette?.[idx * 3 + 1] ?? 0;
        b = palette?.[idx * 3 + 2] ?? 0;
        a = paletteAlpha?.[idx] ?? 255;
      } else if (colorType === 0 || colorType === 4) {
        const gray = sample(row, x * channels);
        r = g = b = to8(gray);
        a = colorType === 4 ? to8(sample(row, x * channels + 1)) : gray === transparentGray ? 0 : 255;
      } else {
        const rr = sample(row, x * channels);
        const gg = sample(row, x * channels + 1);
        const bb = sample(row, x * channels + 2);
        r = to8(rr);
        g = to8(gg);
        b = to8(bb);
        a = colorType === 6 ? to8(sample(row, x * channels + 3)) : transparentRgb && rr === transparentRgb[0] && gg === transparentRgb[1] && bb === transparentRgb[2] ? 0 : 255;
      }
      data[o] = r;
      data[o + 1] = g;
      data[o + 2] = b;
      data[o + 3] = a;
    }
  }
  return { width, height, data };
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])) >>> 0, 0);
  return Buffer.concat([head, body, crc]);
}

/** RGBA, 8 bits per channel, filter "Up" (good for flat artwork). */
export function encodePng(img: RgbaImage): Buffer {
  const { width, height, data } = img;
  const stride = width * 4;
  const raw = Buffer.alloc(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const o = y * (stride + 1);
    raw[o] = 2;
    for (let i = 0; i < stride; i++) {
      const cur = data[y * stride + i] ?? 0;
      const up = y > 0 ? (data[(y - 1) * stride + i] ?? 0) : 0;
      raw[o + 1 + i] = (cur - up) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
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

/** Convenience for uploads: PNG in, PNG with a transparent background out. */
export function removePngBackground(png: Uint8Array, opts: RemoveBackgroundOptions = {}): Buffer {
  return encodePng(removeBackground(decodePng(png), opts));
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
 * For the agency administrator's uploads (office stamp, officer signature): decodes the PNG, removes a
 * paper background when there is one, crops to the ink, and refuses an image with nothing on it.
 */
export function cleanUploadedImage(bytes: Uint8Array, opts: RemoveBackgroundOptions = {}): CleanedUpload {
  const img = decodePng(bytes);
  const alreadyClear = transparentShare(img) > 0.2;
  const cleaned = alreadyClear ? trimTransparent(img, opts.trimMargin ?? 4) : removeBackground(img, opts);
  if (transparentShare(cleaned) > 0.995) {
    throw bad('The image is empty once its background is removed: upload a darker scan of the stamp or signature.');
  }
  return { png: encodePng(cleaned), width: cleaned.width, height: cleaned.height, backgroundRemoved: !alreadyClear };
}
