import { createHash } from 'node:crypto';
import { glyphShape, textAdvance, type Polygon } from '../pdf/glyph-outlines.js';
import type { RgbaImage } from '../pdf/raster-image.js';

/**
 * Demo images for development and tests: an officer's handwritten-looking signature and an office's
 * round rubber stamp, drawn here (no image files, no external tools) as PNGs with transparent backgrounds.
 * Production uses the images the agency administrator uploads.
 */

const SS = 4; // supersampling per axis

class Mask {
  readonly w: number;
  readonly h: number;
  readonly bits: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.w = width * SS;
    this.h = height * SS;
    this.bits = new Uint8Array(this.w * this.h);
  }

  /** Non-zero winding fill of polygons given in pixel coordinates. */
  fill(polygons: Polygon[]): void {
    type Edge = { x0: number; y0: number; x1: number; y1: number; dir: number };
    const edges: Edge[] = [];
    let minY = Infinity;
    let maxY = -Infinity;
    for (const p of polygons) {
      const n = p.length / 2;
      for (let i = 0; i < n; i++) {
        const ax = (p[2 * i] ?? 0) * SS;
        const ay = (p[2 * i + 1] ?? 0) * SS;
        const j = (i + 1) % n;
        const bx = (p[2 * j] ?? 0) * SS;
        const by = (p[2 * j + 1] ?? 0) * SS;
        if (ay === by) continue;
        edges.push(ay < by ? { x0: ax, y0: ay, x1: bx, y1: by, dir: 1 } : { x0: bx, y0: by, x1: ax, y1: ay, dir: -1 });
        minY = Math.min(minY, ay, by);
        maxY = Math.max(maxY, ay, by);
      }
    }
    const yStart = Math.max(0, Math.floor(minY));
    const yEnd = Math.min(this.h - 1, Math.ceil(maxY));
    const xs: { x: number; dir: number }[] = [];
    for (let y = yStart; y <= yEnd; y++) {
      const sy = y + 0.5;
      xs.length = 0;
      for (const e of edges) {
        if (sy >= e.y0 && sy < e.y1) xs.push({ x: e.x0 + ((sy - e.y0) * (e.x1 - e.x0)) / (e.y1 - e.y0), dir: e.dir });
      }
      xs.sort((a, b) => a.x - b.x);
      let winding = 0;
      for (let k = 0; k < xs.length - 1; k++) {
        winding += xs[k]?.dir ?? 0;
        if (winding === 0) continue;
        const from = Math.max(0, Math.ceil((xs[k]?.x ?? 0) - 0.5));
        const to = Math.min(this.w - 1, Math.floor((xs[k + 1]?.x ?? 0) - 0.5));
        this.bits.fill(1, y * this.w + from, y * this.w + to + 1);
      }
    }
  }

  disk(cx: number, cy: number, r: number): void {
    const x0 = Math.max(0, Math.floor((cx - r) * SS));
    const x1 = Math.min(this.w - 1, Math.ceil((cx + r) * SS));
    const y0 = Math.max(0, Math.floor((cy - r) * SS));
    const y1 = Math.min(this.h - 1, Math.ceil((cy + r) * SS));
    const rr = r * SS * (r * SS);
    for (let y = y0; y <= y1; y++) {
      const dy = y + 0.5 - cy * SS;
      for (let x = x0; x <= x1; x++) {
        const dx = x + 0.5 - cx * SS;
        if (dx * dx + dy * dy <= rr) this.bits[y * this.w + x] = 1;
      }
    }
  }

  /** Knocks out random samples: the uneven ink of a rubber stamp. */
  wear(rand: () => number, share: number): void {
    for (let i = 0; i < this.bits.length; i++) if (this.bits[i] && rand() < share) this.bits[i] = 0;
  }

  toImage(rgb: [number, number, number], opacity = 1): RgbaImage {
    const data = new Uint8Array(this.width * this.height * 4);
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) {
        let n = 0;
        for (let sy = 0; sy < SS; sy++) {
          const row = (y * SS + sy) * this.w + x * SS;
          for (let sx = 0; sx < SS; sx++) n += this.bits[row + sx] ?? 0;
        }
        if (!n) continue;
        const o = (y * this.width + x) * 4;
        data[o] = rgb[0];
        data[o + 1] = rgb[1];
        data[o + 2] = rgb[2];
        data[o + 3] = Math.round((255 * opacity * n) / (SS * SS));
      }
    }
    return { width: this.width, height: this.height, data };
  }
}

/** Deterministic PRNG (mulberry32) seeded from a string, so the same officer always gets the same signature. */
function seeded(seed: string): () => number {
  let a = createHash('sha256').update(seed).digest().readUInt32BE(0);
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function circle(cx: number, cy: number, r: number, clockwise: boolean, steps = 180): Polygon {
  const p: Polygon = [];
  for (let i = 0; i < steps; i++) {
    const a = ((clockwise ? i : steps - i) / steps) * Math.PI * 2;
    p.push(cx + r * Math.cos(a), cy + r * Math.sin(a));
  }
  return p;
}

function ring(cx: number, cy: number, rOuter: number, rInner: number): Polygon[] {
  return [circle(cx, cy, rOuter, true), circle(cx, cy, rInner, false)];
}

function placeText(text: string, size: number, x: number, baseline: number): Polygon[] {
  const out: Polygon[] = [];
  let pen = x;
  for (const ch of text) {
    const g = glyphShape(ch, size, 'bold');
    for (const poly of g.polygons) out.push(poly.map((v, i) => (i % 2 === 0 ? v + pen : v + baseline)));
    pen += g.advance;
  }
  return out;
}

function centeredText(text: string, size: number, cx: number, baseline: number): Polygon[] {
  return placeText(text, size, cx - textAdvance(text, size) / 2, baseline);
}

/** Text running clockwise around a circle, letters upright towards the outside, centred on `centreAngle` (radians clockwise from the top). */
function textOnCircle(text: string, size: number, cx: number, cy: number, radius: number, centreAngle: number): Polygon[] {
  const out: Polygon[] = [];
  const total = textAdvance(text, size);
  let angle = centreAngle - total / radius / 2;
  for (const ch of text) {
    const g = glyphShape(ch, size, 'bold');
    const mid = angle + g.advance / radius / 2;
    const cos = Math.cos(mid);
    const sin = Math.sin(mid);
    for (const poly of g.polygons) {
      const q: Polygon = [];
      for (let i = 0; i < poly.length; i += 2) {
        const vx = (poly[i] ?? 0) - g.advance / 2;
        const vy = (poly[i + 1] ?? 0) - radius;
        q.push(cx + vx * cos - vy * sin, cy + vx * sin + vy * cos);
      }
      out.push(q);
    }
    angle += g.advance / radius;
  }
  return out;
}

function star(cx: number, cy: number, r: number): Polygon {
  const p: Polygon = [];
  for (let i = 0; i < 10; i++) {
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    const rr = i % 2 === 0 ? r : r * 0.42;
    p.push(cx + rr * Math.cos(a), cy + rr * Math.sin(a));
  }
  return p;
}

export interface StampText {
  /** around the ring, e.g. "EXPORT INSPECTION COUNCIL OF INDIA" */
  agency: string;
  /** e.g. "MUMBAI" */
  office: string;
  /** large in the centre, e.g. "EIC" */
  short: string;
}

/** A round office stamp, violet ink, transparent background. */
export function drawStamp(text: StampText, size = 360): RgbaImage {
  const m = new Mask(size, size);
  const c = size / 2;
  const polys: Polygon[] = [...ring(c, c, c - 4, c - 13), ...ring(c, c, c * 0.66, c * 0.66 - 4)];
  const segments = [text.agency.toUpperCase(), text.office.toUpperCase()];
  const gap = '    ';
  const full = segments.join(gap) + gap;
  const ringRadius = c * 0.725;
  const ringSize = Math.min(size * 0.085, (2 * Math.PI * ringRadius * 0.97) / textAdvance(full, 1));
  const total = textAdvance(full, ringSize);
  polys.push(...textOnCircle(full, ringSize, c, c, ringRadius, 0));
  // the font has no star glyph: stars are polygons placed in the gaps
  let offset = 0;
  for (const segment of segments) {
    offset += textAdvance(segment, ringSize);
    const angle = (offset + textAdvance(gap, ringSize) / 2 - total / 2) / ringRadius;
    const r = ringRadius + ringSize * 0.36;
    polys.push(star(c + r * Math.sin(angle), c - r * Math.cos(angle), ringSize * 0.4));
    offset += textAdvance(gap, ringSize);
  }
  const shortSize = Math.min(size * 0.2, (size * 0.95) / Math.max(1, textAdvance(text.short, 1)) * 0.55);
  polys.push(...centeredText(text.short.toUpperCase(), shortSize, c, c + shortSize * 0.2));
  const officeSize = Math.min(size * 0.075, (size * 0.5) / Math.max(1, textAdvance(text.office.toUpperCase(), 1)));
  polys.push(...centeredText(text.office.toUpperCase(), officeSize, c, c + shortSize * 0.2 + officeSize * 1.5));
  polys.push(star(c, c - shortSize * 0.95, size * 0.035));
  m.fill(polys);
  m.wear(seeded(`${text.agency}|${text.office}`), 0.06);
  return m.toImage([52, 48, 150], 0.9);
}

/** A handwritten-looking signature (loops and a flourish), dark blue ink, transparent background. */
export function drawSignature(seed: string, width = 420, height = 150): RgbaImage {
  const rand = seeded(seed);
  const m = new Mask(width, height);
  const base = height * 0.58;
  const loops = 6 + Math.floor(rand() * 4);
  const amp = height * 0.2;
  const slant = 0.3 + rand() * 0.2;
  // one height per stroke: a tall capital first, then letters of uneven height
  const heights = Array.from({ length: loops + 2 }, (_, k) => (k === 0 ? 1.9 : 0.35 + rand() * (k % 3 === 1 ? 1.2 : 0.6)));
  const heightAt = (u: number) => {
    const k = Math.floor(u);
    const f = u - k;
    const s = f * f * (3 - 2 * f);
    return (heights[k] ?? 0.5) * (1 - s) + (heights[k + 1] ?? 0.5) * s;
  };
  const steps = 1600;
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    const u = t * loops;
    const wob = Math.sin(2 * Math.PI * u - Math.PI / 2);
    const y = base - amp * heightAt(u) * (wob + 1) * 0.5 * 1.6 + amp * 0.3;
    const x = width * 0.05 + t * width * 0.82 + height * 0.16 * heightAt(u) * Math.cos(2 * Math.PI * u) + (base - y) * slant;
    const speed = Math.abs(Math.cos(2 * Math.PI * u - Math.PI / 2));
    m.disk(x, y, 1.3 + 1.5 * (1 - speed));
  }
  // underline flourish
  for (let i = 0; i <= 500; i++) {
    const t = i / 500;
    const x = width * (0.1 + 0.8 * t);
    const y = base + height * 0.2 + Math.sin(t * Math.PI) * -height * 0.06 + t * t * height * 0.05;
    m.disk(x, y, 1.2 + 1.2 * Math.sin(Math.PI * t));
  }
  return m.toImage([18, 38, 120]);
}

/** Paints an RGBA image onto white paper, as a scanner would deliver it (for background-removal tests). */
export function onWhitePaper(img: RgbaImage): RgbaImage {
  const data = new Uint8Array(img.data.length);
  for (let i = 0; i < img.data.length; i += 4) {
    const a = (img.data[i + 3] ?? 0) / 255;
    for (let k = 0; k < 3; k++) data[i + k] = Math.round((img.data[i + k] ?? 0) * a + 255 * (1 - a));
    data[i + 3] = 255;
  }
  return { width: img.width, height: img.height, data };
}
