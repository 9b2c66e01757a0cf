import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { drawSignature, drawStamp, onWhitePaper } from '../../../services/certificate/demo-images.js';
import { prepareImage } from '../../../services/pdf/pdf-image.js';
import { cleanUploadedImage, decodeImage, encodePng, removeBackground, transparentShare, trimTransparent, type RgbaImage } from '../../../services/pdf/raster-image.js';
import { isAppError } from '../../../lib/errors.js';

function pixel(img: RgbaImage, x: number, y: number): number[] {
  const o = (y * img.width + x) * 4;
  return [...img.data.subarray(o, o + 4)];
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
  throw new Error('not refused');
}

describe('reading and writing images (sharp)', () => {
  it('round-trips RGBA through PNG and reads a JPEG scan', async () => {
    const img: RgbaImage = { width: 2, height: 1, data: new Uint8Array([255, 0, 0, 255, 0, 0, 255, 128]) };
    const back = await decodeImage(await encodePng(img));
    expect([...back.data]).toEqual([...img.data]);
    const jpeg = await sharp({ create: { width: 60, height: 40, channels: 3, background: { r: 250, g: 250, b: 250 } } }).jpeg().toBuffer();
    const read = await decodeImage(jpeg);
    expect([read.width, read.height, read.data.length]).toEqual([60, 40, 60 * 40 * 4]);
  });

  it('says clearly what is wrong with a bad upload: not an image, another format, too many pixels', async () => {
    expect(await refusal(decodeImage(Buffer.from('%PDF-1.4 not an image')))).toBe('attachment_rejected: The file is not a readable image: upload the stamp or signature as a PNG or JPEG.');
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).gif().toBuffer();
    expect(await refusal(decodeImage(gif))).toBe('attachment_rejected: The file is a GIF image: upload the stamp or signature as a PNG or JPEG.');
    const huge = await sharp({ create: { width: 6000, height: 5000, channels: 3, background: '#fff' } }).png({ compressionLevel: 9 }).toBuffer();
    expect(await refusal(decodeImage(huge))).toMatch(/^attachment_rejected: The image is 6000×5000 pixels \(30\.0 megapixels\); at most 25 megapixels/);
  });
});

describe('background removal (seed 002 §3.I.vii: stamps and signatures without background)', () => {
  it('makes the paper transparent and keeps the ink opaque and its colour', () => {
    const stamp = drawStamp({ agency: 'Export Inspection Council of India', office: 'Kochi', short: 'EIC' }, 200);
    const scanned = onWhitePaper(stamp);
    expect(transparentShare(scanned)).toBe(0);
    const cleaned = removeBackground(scanned, { trimMargin: -1 });
    expect(pixel(cleaned, 0, 0)[3]).toBe(0);
    expect(pixel(cleaned, 199, 199)[3]).toBe(0);
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
    const img: RgbaImage = { width: 1, height: 1, data: new Uint8Array([128, 128, 255, 255]) };
    const [r, g, b, a] = pixel(removeBackground(img, { clearBelow: 0, opaqueFrom: 255, trimMargin: -1 }), 0, 0);
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

  it('cleans an administrator upload, PNG or JPEG: background removed once, kept when already transparent; empty or tiny refused', async () => {
    const stamp = drawStamp({ agency: 'Marine Products Export Development Authority', office: 'Kochi', short: 'MPEDA' }, 240);
    const scanned = await cleanUploadedImage(await encodePng(onWhitePaper(stamp)));
    expect(scanned.backgroundRemoved).toBe(true);
    expect(transparentShare(await decodeImage(scanned.png))).toBeGreaterThan(0.3);
    const again = await cleanUploadedImage(scanned.png);
    expect(again.backgroundRemoved).toBe(false);
    const paper = onWhitePaper(drawSignature('PRIYA DESHPANDE'));
    const jpeg = await sharp(Buffer.from(paper.data), { raw: { width: paper.width, height: paper.height, channels: 4 } }).jpeg({ quality: 92 }).toBuffer();
    const fromJpeg = await cleanUploadedImage(jpeg);
    expect(fromJpeg.backgroundRemoved).toBe(true);
    const prepared = prepareImage(await decodeImage(fromJpeg.png));
    expect(prepared.alpha).toBeDefined();
    const blank: RgbaImage = { width: 50, height: 50, data: new Uint8Array(50 * 50 * 4).fill(255) };
    expect(await refusal(cleanUploadedImage(await encodePng(blank)))).toContain('The image is empty once its background is removed');
    const dot: RgbaImage = { width: 200, height: 200, data: new Uint8Array(200 * 200 * 4).fill(255) };
    for (let y = 90; y < 100; y++) for (let x = 90; x < 100; x++) dot.data.set([0, 0, 0, 255], (y * 200 + x) * 4);
    expect(await refusal(cleanUploadedImage(await encodePng(dot)))).toContain('at least 40 pixels on each side print legibly');
  });
});
