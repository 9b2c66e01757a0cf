import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { drawSignature, drawStamp, onWhitePaper } from '../../../services/certificate/demo-images.js';
import { prepareImage } from '../../../services/pdf/pdf-image.js';
import {
  cleanUploadedImage,
  decodePng,
  encodePng,
  removeBackground,
  removePngBackground,
  transparentShare,
  trimTransparent,
  type RgbaImage,
} from '../../../services/pdf/png.js';

/** A PNG written by hand (filter 0 on every row), to test colour types our encoder never writes. */
function handPng(width: number, height: number, colorType: number, bitDepth: number, rows: number[][], extra: [string, Buffer][] = []): Buffer {
  const chunk = (type: string, body: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), body])) >>> 0);
    return Buffer.concat([len, Buffer.from(type, 'latin1'), body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = colorType;
  const raw = Buffer.concat(rows.map((r) => Buffer.from([0, ...r])));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...extra.map(([t, b]) => chunk(t, b)),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function pixel(img: RgbaImage, x: number, y: number): number[] {
  const o = (y * img.width + x) * 4;
  return [...img.data.subarray(o, o + 4)];
}

describe('PNG codec', () => {
  it('round-trips RGBA', () => {
    const img: RgbaImage = { width: 3, height: 2, data: new Uint8Array([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]) };
    const back = decodePng(encodePng(img));
    expect(back.width).toBe(3);
    expect(back.height).toBe(2);
    expect([...back.data]).toEqual([...img.data]);
  });

  it('reads grayscale, 4-bit palette with transparency, and 16-bit RGB', () => {
    const gray = decodePng(handPng(2, 1, 0, 8, [[0, 200]]));
    expect(pixel(gray, 1, 0)).toEqual([200, 200, 200, 255]);

    const palette = Buffer.from([255, 255, 255, 20, 40, 160]);
    const pal = decodePng(handPng(3, 1, 3, 4, [[0x01, 0x10]], [['PLTE', palette], ['tRNS', Buffer.from([0])]]));
    expect(pixel(pal, 0, 0)).toEqual([255, 255, 255, 0]);
    expect(pixel(pal, 1, 0)).toEqual([20, 40, 160, 255]);
    expect(pixel(pal, 2, 0)).toEqual([20, 40, 160, 255]);

    const rgb16 = decodePng(handPng(1, 1, 2, 16, [[0x12, 0x34, 0xab, 0xcd, 0xff, 0xff]]));
    expect(pixel(rgb16, 0, 0)).toEqual([0x12, 0xab, 0xff, 255]);
  });

  it('says clearly what is wrong with a bad upload', () => {
    expect(() => decodePng(Buffer.from('GIF89a....'))).toThrow('The image is not a PNG file. Upload the signature or stamp as a PNG.');
    const png = encodePng({ width: 4, height: 4, data: new Uint8Array(64) });
    expect(() => decodePng(png.subarray(0, 40))).toThrow(/truncated|corrupt/);
  });
});

describe('background removal (seed 002: stamps and signatures without background)', () => {
  it('makes the paper transparent and keeps the ink opaque and its colour', () => {
    const stamp = drawStamp({ agency: 'Export Inspection Council of India', office: 'Kochi', short: 'EIC' }, 200);
    const scanned = onWhitePaper(stamp);
    expect(transparentShare(scanned)).toBe(0);
    const cleaned = removeBackground(scanned, { trimMargin: -1 });
    // corners were paper
    expect(pixel(cleaned, 0, 0)[3]).toBe(0);
    expect(pixel(cleaned, 199, 199)[3]).toBe(0);
    // solid ink stays opaque with its colour
    let checked = 0;
    for (let i = 0; i < stamp.data.length; i += 4) {
      if ((stamp.data[i + 3] ?? 0) >= 220) {
        expect(cleaned.data[i + 3]).toBeGreaterThan(200);
        expect(Math.abs((cleaned.data[i + 2] ?? 0) - (stamp.data[i + 2] ?? 0))).toBeLessThan(40);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect(transparentShare(cleaned)).toBeGreaterThan(0.5);
  });

  it('un-blends anti-aliased edges from white instead of leaving pale fringes', () => {
    // 50% blue ink on white → (128,128,255) on paper
    const img: RgbaImage = { width: 1, height: 1, data: new Uint8Array([128, 128, 255, 255]) };
    const out = removeBackground(img, { clearBelow: 0, opaqueFrom: 255, trimMargin: -1 });
    const [r, g, b, a] = pixel(out, 0, 0);
    expect(a).toBeGreaterThan(100);
    expect(a).toBeLessThan(160);
    expect(r).toBeLessThan(20);
    expect(g).toBeLessThan(20);
    expect(b).toBe(255);
  });

  it('crops to the ink', () => {
    const sig = drawSignature('ANY OFFICER', 300, 120);
    const padded: RgbaImage = { width: 500, height: 300, data: new Uint8Array(500 * 300 * 4) };
    for (let y = 0; y < sig.height; y++) padded.data.set(sig.data.subarray(y * sig.width * 4, (y + 1) * sig.width * 4), ((y + 100) * 500 + 100) * 4);
    const trimmed = trimTransparent(padded, 2);
    expect(trimmed.width).toBeLessThanOrEqual(sig.width + 4);
    expect(trimmed.height).toBeLessThanOrEqual(sig.height + 4);
    expect(trimmed.width).toBeGreaterThan(100);
  });

  it('works end to end on PNG bytes', () => {
    const scanned = encodePng(onWhitePaper(drawSignature('PRIYA DESHPANDE')));
    const cleaned = decodePng(removePngBackground(scanned));
    expect(transparentShare(cleaned)).toBeGreaterThan(0.4);
    const prepared = prepareImage(cleaned);
    expect(prepared.alpha).toBeDefined();
    expect(prepared.width).toBe(cleaned.width);
  });

  it('cleans an administrator upload: background removed once, kept when already transparent, empty refused', () => {
    const stamp = drawStamp({ agency: 'Marine Products Export Development Authority', office: 'Kochi', short: 'MPEDA' }, 240);
    const scanned = cleanUploadedImage(encodePng(onWhitePaper(stamp)));
    expect(scanned.backgroundRemoved).toBe(true);
    expect(transparentShare(decodePng(scanned.png))).toBeGreaterThan(0.3);
    const again = cleanUploadedImage(scanned.png);
    expect(again.backgroundRemoved).toBe(false);
    const blank: RgbaImage = { width: 50, height: 50, data: new Uint8Array(50 * 50 * 4).fill(255) };
    expect(() => cleanUploadedImage(encodePng(blank))).toThrow('The image is empty once its background is removed');
  });
});
