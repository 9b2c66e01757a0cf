import { rgb, type PDFPage, type RGB } from 'pdf-lib';
import { splitRuns, type FontPair } from './fonts.js';

/** Line breaking and drawing of mixed-script text (Latin + Devanagari) with pdf-lib. */

export interface TextStyle {
  fonts: FontPair;
  size: number;
  color?: RGB;
  /** line advance as a multiple of size; default 1.2 */
  leading?: number;
}

const BLACK = rgb(0, 0, 0);
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

export function lineHeight(style: TextStyle): number {
  return style.size * (style.leading ?? 1.2);
}

export function measureText(text: string, style: TextStyle): number {
  let w = 0;
  for (const run of splitRuns(text, style.fonts)) w += run.font.widthOfTextAtSize(run.text, style.size);
  return w;
}

function breakLongWord(word: string, style: TextStyle, maxWidth: number): string[] {
  const pieces: string[] = [];
  let current = '';
  for (const { segment } of graphemes.segment(word)) {
    if (current && measureText(current + segment, style) > maxWidth) {
      pieces.push(current);
      current = segment;
    } else current += segment;
  }
  if (current) pieces.push(current);
  return pieces;
}

/**
 * Greedy line breaking at spaces (and after "/" or "," inside long tokens); words longer than a line are
 * cut between characters. "\n" forces a break. With `maxLines`, the last kept line ends in "…".
 */
export function wrapText(text: string, style: TextStyle, maxWidth: number, maxLines = Infinity): string[] {
  const lines: string[] = [];
  for (const paragraph of text.replace(/\r\n?/g, '\n').split('\n')) {
    const tokens = paragraph.split(/(?<=[\s/,])/).filter((t) => t.length > 0);
    let line = '';
    for (const token of tokens) {
      const candidate = line + token;
      if (measureText(candidate.trimEnd(), style) <= maxWidth) {
        line = candidate;
        continue;
      }
      if (line.trim()) lines.push(line.trimEnd());
      line = '';
      const trimmed = token.trimStart();
      if (measureText(trimmed.trimEnd(), style) <= maxWidth) line = trimmed;
      else {
        const pieces = breakLongWord(trimmed, style, maxWidth);
        lines.push(...pieces.slice(0, -1));
        line = pieces.at(-1) ?? '';
      }
    }
    lines.push(line.trimEnd());
  }
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    let last = kept[maxLines - 1] ?? '';
    while (last && measureText(`${last}…`, style) > maxWidth) last = last.slice(0, -1);
    kept[maxLines - 1] = `${last.trimEnd()}…`;
    return kept;
  }
  return lines;
}

/** Draws one line with its baseline at `y`. */
export function drawLine(page: PDFPage, text: string, x: number, y: number, style: TextStyle): number {
  let pen = x;
  for (const run of splitRuns(text, style.fonts)) {
    if (!run.text) continue;
    page.drawText(run.text, { x: pen, y, size: style.size, font: run.font, color: style.color ?? BLACK });
    pen += run.font.widthOfTextAtSize(run.text, style.size);
  }
  return pen - x;
}

export type Align = 'left' | 'center' | 'right';

/**
 * Draws wrapped text whose first line's top is at `top`. Returns the height used.
 */
export function drawParagraph(
  page: PDFPage,
  text: string,
  area: { x: number; top: number; width: number },
  style: TextStyle,
  opts: { align?: Align; maxLines?: number } = {},
): number {
  const lines = wrapText(text, style, area.width, opts.maxLines);
  drawLines(page, lines, area, style, opts.align ?? 'left');
  return lines.length * lineHeight(style);
}

/** Draws pre-wrapped lines; the first line's top at `top`. */
export function drawLines(page: PDFPage, lines: string[], area: { x: number; top: number; width: number }, style: TextStyle, align: Align = 'left'): void {
  const lh = lineHeight(style);
  // baseline sits ~80% of the size below the top of the line box, centred in the leading
  let baseline = area.top - (lh - style.size) / 2 - style.size * 0.8;
  for (const line of lines) {
    let x = area.x;
    if (align !== 'left') {
      const w = measureText(line, style);
      x = align === 'center' ? area.x + (area.width - w) / 2 : area.x + area.width - w;
    }
    drawLine(page, line, x, baseline, style);
    baseline -= lh;
  }
}
