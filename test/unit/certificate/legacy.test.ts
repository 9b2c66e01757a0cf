import { describe, expect, it } from 'vitest';
import { formatLegacyProblem, legacyDate, parseLegacyExport, readCsv } from '../../../domain/certificate/legacy.js';
import { indexReferenceData } from '../../../domain/reference/reference-index.js';
import { legacyRecordOf } from '../../../services/certificate/legacy-import.js';
import referenceData from '../../../db/fixtures/reference-data.json' with { type: 'json' };
import type { ReferenceData } from '../../../domain/reference/types.js';

const TODAY = '2026-12-07';
const HEADER = 'number,agency,office,agreement,iec,issue_date,importer_name,importer_country,goods,exporter_name';

const problemsOf = (text: string, format: 'csv' | 'json' = 'csv') => parseLegacyExport(text, format, { today: TODAY }).problems.map(formatLegacyProblem);

describe('reading CSV (RFC 4180)', () => {
  it('quoted fields with commas, doubled quotes and line breaks; CRLF; a BOM; blank lines skipped', () => {
    const r = readCsv('\uFEFFa,b,c\r\n1,"x, y","say ""hi"""\r\n\r\n2,"two\nlines",\n');
    expect(r.problems).toEqual([]);
    expect(r.header).toEqual(['a', 'b', 'c']);
    expect(r.rows).toEqual([
      { row: 2, values: { a: '1', b: 'x, y', c: 'say "hi"' } },
      { row: 4, values: { a: '2', b: 'two\nlines', c: '' } },
    ]);
  });

  it('names a row with the wrong number of fields and a quote left open', () => {
    expect(readCsv('a,b\n1,2,3\n').problems).toEqual([{ row: 2, message: '3 fields where the header has 2' }]);
    expect(readCsv('a,b\n1,"open\n').problems.map((p) => p.message)).toContain('a quoted field is not closed before the end of the file');
  });
});

describe('validating a legacy export', () => {
  it('accepts a good CSV row: number and codes normalised, a DD-MM-YYYY date as ISO', () => {
    const { records, problems } = parseLegacyExport(
      `${HEADER}\nmpeda/2019/013/0000081a,MPEDA,mpeda-koc,AIFTA,aaacr5055k,30-03-2019,OCEAN FOODS CO,Vietnam,"Frozen shrimps, 2 items",RAJ KUMAR EXPORTS\n`,
      'csv',
      { today: TODAY },
    );
    expect(problems).toEqual([]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      row: 2,
      certificateNumber: 'MPEDA/2019/013/0000081A',
      agencyCode: 'MPEDA',
      officeCode: 'MPEDA-KOC',
      agreement: 'AIFTA',
      iec: 'AAACR5055K',
      issueDate: '2019-03-30',
      importerName: 'OCEAN FOODS CO',
      importerCountry: 'VIETNAM',
      goodsSummary: 'Frozen shrimps, 2 items',
      exporterName: 'RAJ KUMAR EXPORTS',
    });
  });

  it('names the row and the field of every problem', () => {
    const csv = [
      HEADER,
      'MPEDA/2019/013/0000081A,EIC,MPEDA-KOC,AIFTA,AAACR5055,2019-02-30,,VIETNAM,Shrimps,',
      'MPEDA/2019/013/81A,MPEDA,MPEDA-KOC,AIFTA,AAACR5055K,2019-03-30,X,VIETNAM,Shrimps,',
      'MPEDA/2019/013/0000082A,MPEDA,MPEDA-KOC,AIFTA,AAACR5055K,2027-01-01,X,VIETNAM,Shrimps,',
      'MPEDA/2019/013/0000083A,MPEDA,MPEDA-KOC,AIFTA,AAACR5055K,2019-03-30,X,VIETNAM,Shrimps,',
      'MPEDA/2019/013/0000083A,MPEDA,MPEDA-KOC,AIFTA,AAACR5055K,2019-03-30,X,VIETNAM,Shrimps,',
    ].join('\n');
    const problems = problemsOf(csv);
    expect(problems).toContain('row 2, importer_name: missing');
    expect(problems).toContain('row 2, agency: "EIC", but certificate MPEDA/2019/013/0000081A is numbered by agency MPEDA');
    expect(problems).toContain('row 2, iec: "AAACR5055" is not an IEC: 10 letters and digits');
    expect(problems).toContain('row 2, issue_date: "2019-02-30" is not a date (YYYY-MM-DD or DD-MM-YYYY)');
    expect(problems.some((p) => p.startsWith('row 3, number: '))).toBe(true);
    expect(problems).toContain('row 4, issue_date: 2027-01-01 is in the future');
    expect(problems).toContain('row 6, number: MPEDA/2019/013/0000083A already appears in row 5');
    expect(problems.some((p) => p.startsWith('row 5'))).toBe(false);
  });

  it('says which columns are missing from the header', () => {
    expect(problemsOf('number,agency,office\nX,Y,Z\n')[0]).toMatch(/^row 1: missing columns agreement, iec, issue_date, importer_name, importer_country, goods \(the header has: number, agency, office\)$/);
  });

  it('reads JSON: an array of objects, importer nested, other spellings of the columns', () => {
    const json = JSON.stringify([
      { certificateNumber: 'DGFT/2019/008/0000059A', agencyCode: 'DGFT', officeCode: 'DGFT-DEL', agreement: '008', iec: 'AABCS1429B', issueDate: '2019-04-05', importer: { name: 'DHAKA TRADERS', country: 'BANGLADESH' }, goodsSummary: 'Cotton yarn' },
      { certificateNumber: 'DGFT/2019/008/0000060A', agencyCode: 'DGFT', officeCode: 'DGFT-DEL', agreement: '008', iec: 'AABCS1429B', issueDate: '2019-04-05', importer: { country: 'BANGLADESH' }, goodsSummary: 'Cotton yarn' },
      'not an object',
    ]);
    const { records, problems } = parseLegacyExport(json, 'json', { today: TODAY });
    expect(records.map((r) => [r.row, r.certificateNumber, r.importerName])).toEqual([[1, 'DGFT/2019/008/0000059A', 'DHAKA TRADERS']]);
    expect(problems.map(formatLegacyProblem)).toEqual(['row 2, importer_name: missing', 'row 3: not an object']);
    expect(problemsOf('{"number": 1}', 'json')).toEqual(['row 0: the file must hold a JSON array of certificates']);
  });

  it('dates: ISO, DD-MM-YYYY, DD/MM/YYYY, DD.MM.YYYY; nothing else', () => {
    expect(['2019-03-30', '30-03-2019', '30/03/2019', '30.3.2019'].map(legacyDate)).toEqual(['2019-03-30', '2019-03-30', '2019-03-30', '2019-03-30']);
    expect(['2019-3-30', '03/30/2019', '31-04-2019', 'yesterday'].map(legacyDate)).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('a legacy row against the reference data', () => {
  const reference = indexReferenceData(referenceData as unknown as ReferenceData);
  const row = (over: Record<string, string> = {}) =>
    parseLegacyExport(
      `${HEADER}\n${Object.values({ number: 'MPEDA/2019/013/0000081A', agency: 'MPEDA', office: 'MPEDA-KOC', agreement: 'AIFTA', iec: 'AAACR5055K', date: '2019-03-30', importer: 'OCEAN FOODS', country: 'VIETNAM', goods: 'Shrimps', exporter: '', ...over }).join(',')}\n`,
      'csv',
      { today: TODAY },
    ).records[0]!;

  it('names the agency, the office and the agreement from the reference data', () => {
    const r = legacyRecordOf(reference, row());
    expect(r.problems).toEqual([]);
    expect(r.agreementCode).toBe('AIFTA');
    expect(r.record).toMatchObject({ agency: { code: 'MPEDA' }, office: { code: 'MPEDA-KOC', name: 'MPEDA - Kochi (Regional Office)' }, agreement: { code: 'AIFTA' } });
    expect(legacyRecordOf(reference, row({ agreement: '013' })).agreementCode).toBe('AIFTA');
  });

  it('refuses an office of another agency and an agreement whose code is not the number’s', () => {
    expect(legacyRecordOf(reference, row({ office: 'EIC-MUM' })).problems.map(formatLegacyProblem)).toEqual(['row 2, office: EIC-MUM is an office of EIC, not of MPEDA']);
    expect(legacyRecordOf(reference, row({ agreement: 'IKCEPA' })).problems.map(formatLegacyProblem)).toEqual([
      'row 2, agreement: IKCEPA has the code 002, but certificate MPEDA/2019/013/0000081A carries 013',
    ]);
    expect(legacyRecordOf(reference, row({ agreement: 'XYZ' })).problems[0]!.field).toBe('agreement');
  });
});
