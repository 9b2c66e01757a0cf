import { describe, expect, it } from 'vitest';
import {
  financialYearOf,
  formatIndianDate,
  indianDateOf,
  invoiceUniquenessKey,
  isIsoDate,
  todayInIndia,
} from '../../../domain/application/financial-year.js';

describe('financialYearOf', () => {
  it('puts 31 March in the year that began the April before', () => {
    expect(financialYearOf('2025-03-31')).toEqual({
      startYear: 2024,
      endYear: 2025,
      label: '2024-25',
      firstDay: '2024-04-01',
      lastDay: '2025-03-31',
    });
  });

  it('starts a new year on 1 April', () => {
    expect(financialYearOf('2025-04-01').label).toBe('2025-26');
    expect(financialYearOf('2025-01-01').label).toBe('2024-25');
    expect(financialYearOf('2024-12-31').label).toBe('2024-25');
  });

  it('writes the century turn with two digits', () => {
    expect(financialYearOf('2099-06-30').label).toBe('2099-00');
    expect(financialYearOf('2009-04-01').label).toBe('2009-10');
  });

  it('reads an instant as the date in India', () => {
    // 31 March 2025 18:30 UTC is 1 April 2025 00:00 in India
    expect(financialYearOf(new Date('2025-03-31T18:30:00Z')).label).toBe('2025-26');
    expect(financialYearOf(new Date('2025-03-31T18:29:59Z')).label).toBe('2024-25');
  });

  it('rejects what is not a calendar date', () => {
    expect(() => financialYearOf('2025-02-29')).toThrow('"2025-02-29" is not a date in the form YYYY-MM-DD');
    expect(() => financialYearOf('31/03/2025')).toThrow(/is not a date/);
    expect(isIsoDate('2024-02-29')).toBe(true);
  });
});

describe('invoiceUniquenessKey', () => {
  it('is the same for the same number within a financial year, whatever the case', () => {
    expect(invoiceUniquenessKey('AAACR5055K', 'inv/001', '2024-04-01')).toBe(invoiceUniquenessKey('aaacr5055k', ' INV/001 ', '2025-03-31'));
    expect(invoiceUniquenessKey('AAACR5055K', 'INV/001', '2024-08-06')).toBe('AAACR5055K|2024-25|INV/001');
  });

  it('differs across the 31 March / 1 April boundary and across IECs', () => {
    expect(invoiceUniquenessKey('AAACR5055K', 'INV/001', '2025-03-31')).not.toBe(invoiceUniquenessKey('AAACR5055K', 'INV/001', '2025-04-01'));
    expect(invoiceUniquenessKey('AAACR5055K', 'INV/001', '2025-03-31')).not.toBe(invoiceUniquenessKey('AABCS1429B', 'INV/001', '2025-03-31'));
  });
});

describe('dates in India', () => {
  it('gives the Indian calendar date', () => {
    expect(indianDateOf(new Date('2024-08-06T20:00:00Z'))).toBe('2024-08-07');
    expect(todayInIndia(new Date('2024-08-06T10:00:00Z'))).toBe('2024-08-06');
  });

  it('formats dates as the screens show them', () => {
    expect(formatIndianDate('2024-08-06')).toBe('06/08/2024');
  });
});
