import { kitFont, type FontFace } from './fonts.js';

/**
 * Glyph outlines from the bundled Noto Sans, flattened into polygons. Used to draw text where no text
 * engine exists: the captcha (SVG paths, so the answer is not in the markup) and the demo stamp (raster).
 */

/** A closed polygon: x0, y0, x1, y1, … in pixels, y pointing down, origin on the baseline. */
export type Polygon = number[];

export interface GlyphShape {
  polygons: Polygon[];
  /** horizontal advance in pixels */
  advance: number;
}

interface PathCommand {
  command: 'moveTo' | 'lineTo' | 'quadraticCurveTo' | 'bezierCurveTo' | 'closePath';
  args: number[];
}
interface OutlineGlyph {
  advanceWidth: number;
  path: { commands: PathCommand[] };
}

const cache = new Map<string, GlyphShape>();

/** Outline of one character at `size` pixels per em. */
export function glyphShape(char: string, size: number, face: FontFace = 'bold', curveSteps = 6): GlyphShape {
  const key = `${face}|${size}|${curveSteps}|${char}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const font = kitFont('latin', face);
  const glyph = font.glyphForCodePoint(char.codePointAt(0) ?? 0x3f) as unknown as OutlineGlyph;
  const s = size / font.unitsPerEm;
  const polygons: Polygon[] = [];
  let current: Polygon = [];
  let x = 0;
  let y = 0;
  let startX = 0;
  let startY = 0;
  const push = (px: number, py: number) => current.push(px * s, -py * s);
  const close = () => {
    if (current.length >= 6) polygons.push(current);
    current = [];
  };
  for (const { command, args } of glyph.path.commands) {
    const a = args;
    switch (command) {
      case 'moveTo':
        close();
        x = startX = a[0] ?? 0;
        y = startY = a[1] ?? 0;
        push(x, y);
        break;
      case 'lineTo':
        x = a[0] ?? 0;
        y = a[1] ?? 0;
        push(x, y);
        break;
      case 'quadraticCurveTo': {
        const [cx = 0, cy = 0, ex = 0, ey = 0] = a;
        for (let i = 1; i <= curveSteps; i++) {
          const t = i / curveSteps;
          const u = 1 - t;
          push(u * u * x + 2 * u * t * cx + t * t * ex, u * u * y + 2 * u * t * cy + t * t * ey);
        }
        x = ex;
        y = ey;
        break;
      }
      case 'bezierCurveTo': {
        const [c1x = 0, c1y = 0, c2x = 0, c2y = 0, ex = 0, ey = 0] = a;
        for (let i = 1; i <= curveSteps; i++) {
          const t = i / curveSteps;
          const u = 1 - t;
          push(
            u * u * u * x + 3 * u * u * t * c1x + 3 * u * t * t * c2x + t * t * t * ex,
            u * u * u * y + 3 * u * u * t * c1y + 3 * u * t * t * c2y + t * t * t * ey,
          );
        }
        x = ex;
        y = ey;
        break;
      }
      case 'closePath':
        x = startX;
        y = startY;
        close();
        break;
    }
  }
  close();
  const shape = { polygons, advance: glyph.advanceWidth * s };
  if (cache.size > 2000) cache.clear();
  cache.set(key, shape);
  return shape;
}

/** Width in pixels of `text` laid out with plain advances. */
export function textAdvance(text: string, size: number, face: FontFace = 'bold'): number {
  let w = 0;
  for (const ch of text) w += glyphShape(ch, size, face).advance;
  return w;
}
