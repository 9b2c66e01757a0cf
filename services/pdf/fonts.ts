import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fontkit from '@pdf-lib/fontkit';
import type { PDFDocument, PDFFont } from 'pdf-lib';

/**
 * Fonts for the certificate: Noto Sans for Latin (with ₹, accents, Greek, Cyrillic) and Noto Sans
 * Devanagari for Hindi/Marathi names and addresses. OFL-licensed files are committed under assets/fonts.
 *
 * Two things make pdf-lib + fontkit usable at issuance speed:
 * - a parsed font is shared by every document (pdf-lib would re-parse the 500 KB file each time);
 * - text without complex scripts is laid out by a direct cmap lookup, memoised, instead of fontkit's
 *   OpenType shaper (≈1 ms per string). Devanagari still goes through the shaper (reordering, conjuncts).
 */

const FONT_DIR = fileURLToPath(new URL('./assets/fonts/', import.meta.url));

export type FontFace = 'regular' | 'bold';
export type Script = 'latin' | 'devanagari';

const FILES: Record<Script, Record<FontFace, string>> = {
  latin: { regular: 'NotoSans-Regular.ttf', bold: 'NotoSans-Bold.ttf' },
  devanagari: { regular: 'NotoSansDevanagari-Regular.ttf', bold: 'NotoSansDevanagari-Bold.ttf' },
};

const bytesCache = new Map<string, Uint8Array>();
export function fontBytes(script: Script, face: FontFace): Uint8Array {
  const file = FILES[script][face];
  let bytes = bytesCache.get(file);
  if (!bytes) {
    bytes = new Uint8Array(readFileSync(FONT_DIR + file));
    bytesCache.set(file, bytes);
  }
  return bytes;
}

/** characters used in Devanagari text (Script_Extensions: the script's own, dandas, Vedic marks) */
const DEVANAGARI = /\p{Script_Extensions=Devanagari}/u;
export function hasDevanagari(text: string): boolean {
  return DEVANAGARI.test(text);
}
/** joiners and marks that belong to whatever run they sit in */
function isNeutral(cp: number): boolean {
  return cp === 0x200c || cp === 0x200d || cp === 0x20 || cp === 0xa0;
}

// @pdf-lib/fontkit's Indic state machine was compiled for regenerator-runtime but does not bundle it.
// Its only use is one generator (StateMachine.match) that needs `mark`, `wrap` and `stop`.
interface RegeneratorContext {
  prev: number;
  next: number | string;
  done: boolean;
  stop(): undefined;
}
function installRegeneratorShim(): void {
  const g = globalThis as { regeneratorRuntime?: unknown };
  if (g.regeneratorRuntime) return;
  g.regeneratorRuntime = {
    mark: <T>(fn: T): T => fn,
    wrap(inner: (ctx: RegeneratorContext) => unknown) {
      const ctx: RegeneratorContext = {
        prev: 0,
        next: 0,
        done: false,
        stop() {
          this.done = true;
          return undefined;
        },
      };
      const iterator = {
        next() {
          if (ctx.done) return { done: true, value: undefined };
          const value = inner(ctx);
          return ctx.done ? { done: true, value } : { done: false, value };
        },
        [Symbol.iterator]() {
          return iterator;
        },
      };
      return iterator;
    },
  };
}
installRegeneratorShim();

interface KitGlyph {
  id: number;
  advanceWidth: number;
  codePoints: number[];
}
interface KitFont {
  layout(text: string, features?: unknown): { glyphs: KitGlyph[] };
  glyphForCodePoint(cp: number): KitGlyph;
  hasGlyphForCodePoint(cp: number): boolean;
  unitsPerEm: number;
}

const LAYOUT_MEMO_LIMIT = 20_000;

function withFastLayout(font: KitFont): KitFont {
  const memo = new Map<string, { glyphs: KitGlyph[] }>();
  const shaped = font.layout.bind(font);
  const wrapped = Object.create(font) as KitFont;
  wrapped.layout = (text: string, features?: unknown) => {
    let result = memo.get(text);
    if (result) return result;
    if (hasDevanagari(text)) {
      result = shaped(text, features);
    } else {
      const glyphs: KitGlyph[] = [];
      for (const ch of text) glyphs.push(font.glyphForCodePoint(ch.codePointAt(0) ?? 0x3f));
      result = { glyphs };
    }
    if (memo.size >= LAYOUT_MEMO_LIMIT) memo.clear();
    memo.set(text, result);
    return result;
  };
  return wrapped;
}

const parsed = new WeakMap<Uint8Array, KitFont>();
/** Registered with pdf-lib instead of fontkit itself, so parsed fonts are shared between documents. */
export const sharedFontkit = {
  create(data: Uint8Array, postscriptName?: string): KitFont {
    let font = parsed.get(data);
    if (!font) {
      font = withFastLayout(fontkit.create(data, postscriptName) as unknown as KitFont);
      parsed.set(data, font);
    }
    return font;
  },
};

/** The parsed (shared) font, e.g. for measuring or for glyph outlines. */
export function kitFont(script: Script, face: FontFace): KitFont & { getGlyph(id: number): unknown } {
  return sharedFontkit.create(fontBytes(script, face)) as KitFont & { getGlyph(id: number): unknown };
}

function subsetTag(): string {
  let tag = '';
  for (const b of randomBytes(6)) tag += String.fromCharCode(65 + (b % 26));
  return tag;
}

export interface FontPair {
  latin: PDFFont;
  devanagari?: PDFFont;
}
export interface CertificateFonts {
  regular: FontPair;
  bold: FontPair;
}

/** Embeds (subsetted) fonts into `doc`; Devanagari only when the document needs it. */
export async function embedCertificateFonts(doc: PDFDocument, needDevanagari: boolean): Promise<CertificateFonts> {
  doc.registerFontkit(sharedFontkit as unknown as Parameters<PDFDocument['registerFontkit']>[0]);
  // PDF subset fonts are named "ABCDEF+Name" (ISO 32000-1 9.6.4); pdf-lib would append a number instead
  const embed = (script: Script, face: FontFace) =>
    doc.embedFont(fontBytes(script, face), { subset: true, customName: `${subsetTag()}+${FILES[script][face].replace(/\.ttf$/, '')}` });
  const [regular, bold] = await Promise.all([embed('latin', 'regular'), embed('latin', 'bold')]);
  if (!needDevanagari) return { regular: { latin: regular }, bold: { latin: bold } };
  const [devRegular, devBold] = await Promise.all([embed('devanagari', 'regular'), embed('devanagari', 'bold')]);
  return { regular: { latin: regular, devanagari: devRegular }, bold: { latin: bold, devanagari: devBold } };
}

export interface TextRun {
  text: string;
  font: PDFFont;
}

/** Splits text into runs that one font can draw (Devanagari vs the rest). */
export function splitRuns(text: string, pair: FontPair): TextRun[] {
  if (!pair.devanagari || !hasDevanagari(text)) return [{ text, font: pair.latin }];
  const runs: TextRun[] = [];
  let current = '';
  let currentIsDev: boolean | undefined;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    const dev = isNeutral(cp) && currentIsDev !== undefined ? currentIsDev : DEVANAGARI.test(ch);
    if (currentIsDev === undefined || dev === currentIsDev) {
      current += ch;
      currentIsDev = dev;
    } else {
      runs.push({ text: current, font: currentIsDev ? pair.devanagari : pair.latin });
      current = ch;
      currentIsDev = dev;
    }
  }
  if (current) runs.push({ text: current, font: currentIsDev ? pair.devanagari : pair.latin });
  return runs;
}

/** Code points none of the certificate fonts can draw (they would print as empty boxes). */
export function unsupportedCharacters(text: string): string[] {
  const latin = kitFont('latin', 'regular');
  const dev = kitFont('devanagari', 'regular');
  const missing = new Set<string>();
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20 && ch !== '\n') continue;
    if (ch === '\n') continue;
    if (!latin.hasGlyphForCodePoint(cp) && !dev.hasGlyphForCodePoint(cp) && cp !== 0x200c && cp !== 0x200d) missing.add(ch);
  }
  return [...missing];
}
