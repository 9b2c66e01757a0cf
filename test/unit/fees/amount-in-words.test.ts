import { describe, expect, it } from 'vitest';
import { rupeesInWords } from '../../../domain/fees/amount-in-words.js';
import { rupeesInWords as fromBarrel } from '../../../domain/fees/index.js';

describe('rupeesInWords', () => {
  it('writes the fees of the seeds: 392.00 and 590.00', () => {
    expect(rupeesInWords(39200)).toBe('Rupees Three Hundred Ninety-Two Only');
    expect(rupeesInWords(59000)).toBe('Rupees Five Hundred Ninety Only');
    expect(rupeesInWords(70800)).toBe('Rupees Seven Hundred Eight Only');
  });

  it('groups in crore, lakh and thousand, with the paise after "and"', () => {
    expect(rupeesInWords(1234567850)).toBe(
      'Rupees One Crore Twenty-Three Lakh Forty-Five Thousand Six Hundred Seventy-Eight and Fifty Paise Only',
    );
    expect(rupeesInWords(100_000_00)).toBe('Rupees One Lakh Only');
    expect(rupeesInWords(10_00_00_000_00)).toBe('Rupees Ten Crore Only');
    expect(rupeesInWords(1_001_00)).toBe('Rupees One Thousand One Only');
    expect(rupeesInWords(99_99_999_99)).toBe('Rupees Ninety-Nine Lakh Ninety-Nine Thousand Nine Hundred Ninety-Nine and Ninety-Nine Paise Only');
    expect(rupeesInWords(11_019_00)).toBe('Rupees Eleven Thousand Nineteen Only');
  });

  it('writes zero rupees as "Zero", and paise alone after it', () => {
    expect(rupeesInWords(0)).toBe('Rupees Zero Only');
    expect(rupeesInWords(5)).toBe('Rupees Zero and Five Paise Only');
    expect(rupeesInWords(101)).toBe('Rupees One and One Paise Only');
  });

  it('spells a count of 100 crores or more in the same system: "One Hundred Crore" and "One Lakh Crore"', () => {
    expect(rupeesInWords(100_000_000_000)).toBe('Rupees One Hundred Crore Only'); // 1,00,00,00,000.00
    expect(rupeesInWords(100_000_000_000_000)).toBe('Rupees One Lakh Crore Only'); // 10¹² rupees
    expect(rupeesInWords(1_000_000_000_000_000)).toBe('Rupees Ten Lakh Crore Only');
    // the largest safe integer number of paise: 9,00,71,99,25,47,409.91 rupees = 90,07,199 crore and 25,47,409.91
    expect(rupeesInWords(Number.MAX_SAFE_INTEGER)).toBe(
      'Rupees Ninety Lakh Seven Thousand One Hundred Ninety-Nine Crore Twenty-Five Lakh Forty-Seven Thousand Four Hundred Nine and Ninety-One Paise Only',
    );
  });

  it('refuses fractions, negative, non-finite and unsafe amounts', () => {
    for (const bad of [10.5, -1, -0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1]) {
      expect(() => rupeesInWords(bad), String(bad)).toThrow(RangeError);
    }
  });

  it('is exported from the fees barrel', () => {
    expect(fromBarrel).toBe(rupeesInWords);
  });
});
