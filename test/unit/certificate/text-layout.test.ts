import { PDFDocument } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { embedCertificateFonts, splitRuns, unsupportedCharacters, type CertificateFonts } from '../../../services/pdf/fonts.js';
import { measureText, wrapText, type TextStyle } from '../../../services/pdf/text-layout.js';

let fonts: CertificateFonts;
let style: TextStyle;

beforeAll(async () => {
  fonts = await embedCertificateFonts(await PDFDocument.create(), true);
  style = { fonts: fonts.regular, size: 8 };
});

describe('text layout', () => {
  it('breaks at spaces within the width', () => {
    const lines = wrapText('Frozen vannamei shrimps (Litopenaeus vannamei), headless shell-on, IQF, 10 x 1 kg', style, 120);
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(measureText(l, style)).toBeLessThanOrEqual(120);
    expect(lines.join(' ')).toBe('Frozen vannamei shrimps (Litopenaeus vannamei), headless shell-on, IQF, 10 x 1 kg');
  });

  it('cuts words longer than a line and honours explicit line breaks', () => {
    const lines = wrapText('RAJ/OM/121-200/L13/CONTAINER-MSKU1234567\nsecond', style, 40);
    for (const l of lines) expect(measureText(l, style)).toBeLessThanOrEqual(40);
    expect(lines.at(-1)).toBe('second');
  });

  it('ends a truncated paragraph with an ellipsis', () => {
    const lines = wrapText('one two three four five six seven eight nine ten', style, 30, 2);
    expect(lines).toHaveLength(2);
    expect(lines[1]?.endsWith('…')).toBe(true);
  });

  it('splits Devanagari from Latin so each run has a font that can draw it', () => {
    const runs = splitRuns('Mumbai मुंबई 400093', fonts.regular);
    expect(runs.map((r) => r.text)).toEqual(['Mumbai ', 'मुंबई ', '400093']);
    expect(runs[1]?.font).toBe(fonts.regular.devanagari);
    expect(measureText('मुंबई', style)).toBeGreaterThan(0);
  });

  it('reports characters no bundled font can draw', () => {
    expect(unsupportedCharacters('Muscat, Oman ₹ € Nguyễn मुंबई')).toEqual([]);
    expect(unsupportedCharacters('مسقط')).toHaveLength(4);
  });
});
