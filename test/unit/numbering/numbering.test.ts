import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../lib/errors.js';
import {
  formatDraftNumber,
  formatRequestNumber,
  formatFileNumber,
  isApplicationNumber,
  licensingYearCode,
  parseApplicationNumber,
  parseDraftNumber,
  parseFileNumber,
} from '../../../domain/numbering/application-number.js';
import {
  certificateSequenceKey,
  certificateYearOf,
  formatCertificateNumber,
  formatDuplicateNumber,
  isCertificateNumber,
  parseCertificateNumber,
} from '../../../domain/numbering/certificate-number.js';

describe('draft and file numbers', () => {
  it('reproduce the seed numbers', () => {
    expect(formatDraftNumber(229268, '2024-08-28')).toBe('DRAFTCOOAPPLY00229268AM25');
    expect(formatFileNumber('HQRC', 19, '2024-09-02')).toBe('HQRCCOAPPLY00000019AM25');
  });

  it('take the year code from the financial year (AM = April-March)', () => {
    expect(licensingYearCode('2025-03-31')).toBe('AM25');
    expect(licensingYearCode('2025-04-01')).toBe('AM26');
    expect(licensingYearCode(new Date('2025-03-31T18:30:00Z'))).toBe('AM26');
    expect(formatDraftNumber(1, '2099-12-31')).toBe('DRAFTCOOAPPLY00000001AM00');
  });

  it('parse back into their parts', () => {
    expect(parseApplicationNumber('DRAFTCOOAPPLY00229268AM25')).toEqual({
      kind: 'draft',
      process: 'APPLY',
      officePrefix: undefined,
      sequence: 229268,
      financialYear: { startYear: 2024, endYear: 2025, label: '2024-25', firstDay: '2024-04-01', lastDay: '2025-03-31' },
      text: 'DRAFTCOOAPPLY00229268AM25',
    });
    expect(parseFileNumber(' hqrccoapply00000019am25 ')).toMatchObject({ kind: 'file', officePrefix: 'HQRC', sequence: 19, text: 'HQRCCOAPPLY00000019AM25' });
    expect(parseDraftNumber(formatDraftNumber(42, '2026-11-21')).sequence).toBe(42);
  });

  it('number requests for a duplicate / in-lieu certificate as files of the DUPL sub-process', () => {
    expect(formatRequestNumber(7, '2026-12-07')).toBe('DRAFTCOODUPL00000007AM27');
    expect(parseDraftNumber('DRAFTCOODUPL00000007AM27')).toMatchObject({ kind: 'draft', process: 'DUPL', sequence: 7 });
    expect(formatFileNumber('EIMU', 3, '2026-12-07', 'DUPL')).toBe('EIMUCODUPL00000003AM27');
    expect(parseFileNumber('EIMUCODUPL00000003AM27')).toMatchObject({ kind: 'file', process: 'DUPL', officePrefix: 'EIMU', sequence: 3 });
    expect(() => parseApplicationNumber('DRAFTCOODUPL0000007AM27')).toThrow('an 8-digit running number must follow APPLY (or DUPL)');
  });

  it('reject malformed numbers, saying what is wrong', () => {
    const cases: [string, string][] = [
      ['', 'it is empty'],
      ['12RCCOAPPLY00000019AM25', 'it must start with DRAFT or a 4-letter office code'],
      ['HQRCCOOAPPLY00000019AM25', '"COAPPLY" must follow the office code HQRC'],
      ['DRAFTCOAPPLY00229268AM25', 'a draft number starts with DRAFTCOOAPPLY'],
      ['HQRCCOAPPLY0000019AM25', 'an 8-digit running number must follow APPLY'],
      ['HQRCCOAPPLYABCDEFGHAM25', 'an 8-digit running number must follow APPLY'],
      ['HQRCCOAPPLY00000019FY25', 'it must end with the year as AM and 2 digits, e.g. AM25'],
      ['HQRCCOAPPLY00000000AM25', 'its running number is 00000000; numbering starts at 1'],
    ];
    for (const [input, why] of cases) {
      expect(() => parseApplicationNumber(input), input).toThrow(`"${input}" is not an application number: ${why}`);
    }
    expect(() => parseDraftNumber('HQRCCOAPPLY00000019AM25')).toThrow(/it is a file number, not a draft number/);
    expect(() => parseFileNumber('DRAFTCOOAPPLY00229268AM25')).toThrow(/it is a draft number/);
    expect(isApplicationNumber('DRAFTCOOAPPLY00229268AM25')).toBe(true);
    expect(isApplicationNumber('DRAFTCOOAPPLY229268AM25')).toBe(false);
  });

  it('give a ValidationFailed AppError with the problem', () => {
    try {
      parseApplicationNumber('nope');
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e) && e.code).toBe('validation_failed');
      expect(isAppError(e) && e.problems?.[0]?.path).toBe('number');
    }
  });

  it('refuse sequences and prefixes that do not fit', () => {
    expect(() => formatDraftNumber(0, '2024-08-28')).toThrow('Running number 0 does not fit an application number (1 to 99999999)');
    expect(() => formatDraftNumber(100_000_000, '2024-08-28')).toThrow(/does not fit/);
    expect(formatDraftNumber(99_999_999, '2024-08-28')).toBe('DRAFTCOOAPPLY99999999AM25');
    expect(() => formatFileNumber('HQ', 1, '2024-08-28')).toThrow('Office prefix "HQ" must be 4 capital letters');
  });
});

describe('certificate numbers', () => {
  it('reproduce the seed numbers', () => {
    expect(formatCertificateNumber({ agencyCode: 'MPEDA', issuedOn: '2019-04-12', agreementNumericCode: '013', sequence: 81 })).toBe('MPEDA/2019/013/0000081A');
    expect(formatDuplicateNumber('DGFT/2019/008/0000059A', 3)).toBe('DGFT/2019/008/0000059A/00000003');
  });

  it('use the calendar year of issue in India (not the financial year)', () => {
    expect(formatCertificateNumber({ agencyCode: 'EIC', issuedOn: '2025-03-31', agreementNumericCode: '002', sequence: 1 })).toBe('EIC/2025/002/0000001A');
    expect(formatCertificateNumber({ agencyCode: 'EIC', issuedOn: new Date('2025-12-31T19:00:00Z'), agreementNumericCode: '002', sequence: 1 })).toBe(
      'EIC/2026/002/0000001A',
    );
  });

  it("count in the same year as the number they print, India's year, at the turn of the year (18:30 UTC on 31 December)", () => {
    const before = new Date('2025-12-31T18:29:00Z'); // 23:59 IST, 31 December 2025
    const after = new Date('2025-12-31T18:31:00Z'); // 00:01 IST, 1 January 2026, still 2025 in UTC
    expect(certificateYearOf(before)).toBe(2025);
    expect(certificateYearOf(after)).toBe(2026);
    expect(certificateSequenceKey('EIC', before)).toBe('certificate/EIC/2025');
    expect(certificateSequenceKey('EIC', after)).toBe('certificate/EIC/2026');
    for (const at of [before, after]) {
      const number = formatCertificateNumber({ agencyCode: 'EIC', issuedOn: at, agreementNumericCode: '031', sequence: 1 });
      expect(certificateSequenceKey('EIC', at)).toBe(`certificate/EIC/${parseCertificateNumber(number).year}`);
    }
    expect(certificateSequenceKey('MPEDA', '2019-04-12')).toBe('certificate/MPEDA/2019');
  });

  it('derive a duplicate of a duplicate from the original', () => {
    expect(formatDuplicateNumber('DGFT/2019/008/0000059A/00000003', 4)).toBe('DGFT/2019/008/0000059A/00000004');
  });

  it('parse originals and duplicates, forgiving spaces and case', () => {
    expect(parseCertificateNumber('MPEDA/2019/013/0000081A')).toEqual({
      agencyCode: 'MPEDA',
      year: 2019,
      agreementNumericCode: '013',
      sequence: 81,
      series: 'A',
      duplicateSequence: undefined,
      original: 'MPEDA/2019/013/0000081A',
      text: 'MPEDA/2019/013/0000081A',
    });
    expect(parseCertificateNumber(' dgft / 2019/008/0000059a/00000003')).toMatchObject({
      agencyCode: 'DGFT',
      sequence: 59,
      duplicateSequence: 3,
      original: 'DGFT/2019/008/0000059A',
      text: 'DGFT/2019/008/0000059A/00000003',
    });
  });

  it('reject malformed numbers, naming the wrong part', () => {
    const cases: [string, string][] = [
      ['MPEDA-2019-013-0000081A', 'it has 1 part separated by "/", a certificate number has 4 (or 5 for a duplicate)'],
      ['MPEDA/2019/013', 'it has 3 parts separated by "/", a certificate number has 4 (or 5 for a duplicate)'],
      ['M/2019/013/0000081A', '"M" is not an agency code (2-10 letters, e.g. EIC, MPEDA)'],
      ['MPEDA/19/013/0000081A', '"19" is not a year (4 digits)'],
      ['EIC/2019/13/0000034A', '"13" is not an agreement code (3 digits, e.g. 013)'],
      ['EIC/2019/013/0000034', '"0000034" is not a running number (7 digits and a letter, e.g. 0000081A)'],
      ['EIC/2019/013/81A', '"81A" is not a running number (7 digits and a letter, e.g. 0000081A)'],
      ['DGFT/2019/008/0000059A/3', '"3" is not a duplicate number (8 digits, e.g. 00000003)'],
      ['EIC/2019/013/0000000A', 'its running number is 0000000; numbering starts at 1'],
      ['EIC/2019/013/0000001A/00000000', 'its duplicate number is 00000000; duplicates are numbered from 1'],
    ];
    for (const [input, why] of cases) {
      expect(() => parseCertificateNumber(input), input).toThrow(`"${input}" is not a certificate number: ${why} (expected e.g. MPEDA/2019/013/0000081A)`);
    }
    expect(isCertificateNumber('EIC/2019/013/0000034A')).toBe(true);
    expect(isCertificateNumber('EIC/2019/013/0000034A/')).toBe(false);
  });

  it('refuse sequences and codes that do not fit', () => {
    expect(() => formatCertificateNumber({ agencyCode: 'EIC', issuedOn: '2026-01-01', agreementNumericCode: '013', sequence: 10_000_000 })).toThrow(
      'Running number 10000000 does not fit a certificate number (1 to 9999999)',
    );
    expect(() => formatCertificateNumber({ agencyCode: 'EIC', issuedOn: '2026-01-01', agreementNumericCode: '13', sequence: 1 })).toThrow(
      'Agreement code "13" must be 3 digits',
    );
    expect(() => formatDuplicateNumber('EIC/2019/013/0000034A', 0)).toThrow('Running number 0 does not fit a duplicate number (1 to 99999999)');
  });
});
