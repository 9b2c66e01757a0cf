import { isIsoDate } from '../application/financial-year.js';
import { normaliseCertificateNumber, parseCertificateNumber } from '../numbering/certificate-number.js';
import { AppError } from '../../lib/errors.js';

/**
 * Certificates issued on the legacy platform (eCoO 1.0), imported as records so that they verify here
 * (seed 002 §4.i and §6): the export of the legacy platform, one certificate per row, read from CSV
 * (RFC 4180, a header row) or JSON (an array of objects), validated row by row.
 *
 * Columns (header names are matched without case, spaces, "_" or "-"; JSON may nest `importer`):
 *
 * | column              | also accepted                          | required | example                    |
 * |---------------------|----------------------------------------|----------|----------------------------|
 * | number              | certificate_number, certificate_no     | yes      | MPEDA/2019/013/0000081A    |
 * | agency              | agency_code                            | yes      | MPEDA                      |
 * | office              | office_code                            | yes      | MPEDA-KOC                  |
 * | agreement           | agreement_code                         | yes      | AIFTA or 013               |
 * | iec                 |                                        | yes      | AAACR5055K                 |
 * | issue_date          | date_of_issue, issued_on               | yes      | 2019-03-30 or 30-03-2019   |
 * | importer_name       | importer.name                          | yes      | OCEAN FOODS LTD            |
 * | importer_country    | importer.country                       | yes      | VIETNAM                    |
 * | goods               | goods_summary, goods_description       | yes      | Frozen shrimps, 2 items    |
 * | exporter_name       | exporter, exporter.name                | no       | RAJ KUMAR EXPORTS          |
 *
 * A row's problems are reported with its row number (CSV: as a spreadsheet shows it, the header being
 * row 1; JSON: the element's position, from 1) and the field.
 */

/** What the verification page shows of a legacy record (stored as the certificate's document). */
export interface LegacyCertificateRecord {
  certificateNumber: string;
  /** YYYY-MM-DD */
  issueDate: string;
  agency: { code: string; name?: string };
  office: { code: string; name?: string };
  agreement: { code: string; title?: string };
  iec: string;
  importer: { name: string; country: string };
  goodsSummary: string;
  exporterName?: string;
}

/** One validated row, before the reference data names its agency, office and agreement. */
export interface LegacyCertificateInput {
  row: number;
  certificateNumber: string;
  agencyCode: string;
  officeCode: string;
  /** as written: an agreement code (AIFTA) or its 3-digit code (013) */
  agreement: string;
  iec: string;
  issueDate: string;
  importerName: string;
  importerCountry: string;
  goodsSummary: string;
  exporterName?: string;
  /** the row as the export wrote it */
  raw: Record<string, string>;
}

export interface LegacyProblem {
  row: number;
  field?: string;
  message: string;
}

export function formatLegacyProblem(p: LegacyProblem): string {
  return `row ${p.row}${p.field ? `, ${p.field}` : ''}: ${p.message}`;
}

export type LegacyFormat = 'csv' | 'json';

export interface RawRow {
  row: number;
  values: Record<string, string>;
}

// ---- reading ----

/**
 * RFC 4180: fields separated by ",", records by CRLF or LF, a field in double quotes may hold commas,
 * line breaks and doubled quotes (""). A UTF-8 byte order mark is dropped. Blank records are skipped.
 * Row numbers count records, the header being row 1.
 */
export function readCsv(text: string): { header: string[]; rows: RawRow[]; problems: LegacyProblem[] } {
  const records: { row: number; fields: string[] }[] = [];
  const problems: LegacyProblem[] = [];
  const s = text.replace(/^\uFEFF/, '');
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  let wasQuoted = false;
  let recordNo = 1;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '' && !wasQuoted)) records.push({ row: recordNo, fields });
    recordNo++;
    fields = [];
    field = '';
    wasQuoted = false;
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
      continue;
    }
    if (c === '"') {
      if (field.trim() !== '') {
        problems.push({ row: recordNo, message: `a quote (") inside an unquoted field, near "${field.slice(-20)}": quote the whole field and double the quotes inside it` });
      }
      field = '';
      quoted = true;
      wasQuoted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\r' && s[i + 1] === '\n') {
      // CRLF: the LF ends the record
    } else if (c === '\n' || c === '\r') {
      endRecord();
    } else {
      field += c;
    }
  }
  if (quoted) problems.push({ row: recordNo, message: 'a quoted field is not closed before the end of the file' });
  if (field !== '' || fields.length > 0 || wasQuoted) endRecord();
  const [head, ...body] = records;
  if (!head) return { header: [], rows: [], problems: [...problems, { row: 1, message: 'the file is empty: a header row and one row per certificate are expected' }] };
  const header = head.fields.map((h) => h.trim());
  const rows: RawRow[] = [];
  for (const r of body) {
    if (r.fields.length !== header.length) {
      problems.push({ row: r.row, message: `${r.fields.length} fields where the header has ${header.length}` });
      continue;
    }
    const values: Record<string, string> = {};
    header.forEach((h, i) => (values[h] = r.fields[i] ?? ''));
    rows.push({ row: r.row, values });
  }
  return { header, rows, problems };
}

/** A JSON array of objects; nested objects are flattened (`importer.name`). */
export function readJson(text: string): { rows: RawRow[]; problems: LegacyProblem[] } {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return { rows: [], problems: [{ row: 0, message: `the file is not JSON: ${(e as Error).message}` }] };
  }
  if (!Array.isArray(data)) return { rows: [], problems: [{ row: 0, message: 'the file must hold a JSON array of certificates' }] };
  const rows: RawRow[] = [];
  const problems: LegacyProblem[] = [];
  data.forEach((item, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.push({ row: i + 1, message: 'not an object' });
      return;
    }
    const values: Record<string, string> = {};
    const flatten = (o: Record<string, unknown>, prefix: string) => {
      for (const [k, v] of Object.entries(o)) {
        const key = prefix ? `${prefix}.${k}` : k;
        if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, key);
        else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') values[key] = String(v);
        else if (v !== null && v !== undefined) problems.push({ row: i + 1, field: key, message: 'must be text' });
      }
    };
    flatten(item as Record<string, unknown>, '');
    rows.push({ row: i + 1, values });
  });
  return { rows, problems };
}

// ---- validating ----

type Field = 'number' | 'agency' | 'office' | 'agreement' | 'iec' | 'issue_date' | 'importer_name' | 'importer_country' | 'goods' | 'exporter_name';

const ALIASES: Record<Field, string[]> = {
  number: ['number', 'certificatenumber', 'certificateno', 'certno', 'coonumber'],
  agency: ['agency', 'agencycode'],
  office: ['office', 'officecode'],
  agreement: ['agreement', 'agreementcode'],
  iec: ['iec', 'ieccode'],
  issue_date: ['issuedate', 'dateofissue', 'issuedon'],
  importer_name: ['importername', 'importer'],
  importer_country: ['importercountry', 'country'],
  goods: ['goods', 'goodssummary', 'goodsdescription'],
  exporter_name: ['exportername', 'exporter'],
};
const REQUIRED: Field[] = ['number', 'agency', 'office', 'agreement', 'iec', 'issue_date', 'importer_name', 'importer_country', 'goods'];
const MAX: Record<Field, number> = {
  number: 60,
  agency: 10,
  office: 20,
  agreement: 10,
  iec: 10,
  issue_date: 10,
  importer_name: 200,
  importer_country: 60,
  goods: 2000,
  exporter_name: 200,
};

const canon = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The column of each field, by its canonical name; columns matching no field are ignored. */
function columnsOf(names: Iterable<string>): Partial<Record<Field, string>> {
  const found: Partial<Record<Field, string>> = {};
  for (const name of names) {
    const c = canon(name);
    for (const [field, aliases] of Object.entries(ALIASES) as [Field, string[]][]) {
      if (!found[field] && aliases.includes(c)) found[field] = name;
    }
  }
  return found;
}

/** "2019-03-30", "30-03-2019", "30/03/2019" or "30.03.2019" → "2019-03-30"; undefined when not a real date. */
export function legacyDate(value: string): string | undefined {
  const v = value.trim();
  let iso: string | undefined;
  const ymd = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  const dmy = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(v);
  if (ymd) iso = v;
  else if (dmy) iso = `${dmy[3]}-${dmy[2]!.padStart(2, '0')}-${dmy[1]!.padStart(2, '0')}`;
  return iso && isIsoDate(iso) ? iso : undefined;
}

/**
 * Checks every row; `today` (YYYY-MM-DD) bounds the date of issue. Rows with problems are left out of
 * `records`; a number appearing twice is a problem of its second row.
 */
export function validateLegacyRows(rows: RawRow[], opts: { today: string; header?: string[] }): { records: LegacyCertificateInput[]; problems: LegacyProblem[] } {
  const problems: LegacyProblem[] = [];
  const records: LegacyCertificateInput[] = [];
  if (opts.header) {
    const cols = columnsOf(opts.header);
    const missing = REQUIRED.filter((f) => !cols[f]);
    if (missing.length > 0) {
      return { records, problems: [{ row: 1, message: `missing column${missing.length === 1 ? '' : 's'} ${missing.join(', ')} (the header has: ${opts.header.join(', ') || 'nothing'})` }] };
    }
  }
  const seen = new Map<string, number>();
  for (const r of rows) {
    const cols = columnsOf(Object.keys(r.values));
    const value = (f: Field) => {
      const col = cols[f];
      return col === undefined ? '' : (r.values[col] ?? '').replace(/\s+/g, ' ').trim();
    };
    const before = problems.length;
    const bad = (field: Field, message: string) => problems.push({ row: r.row, field, message });
    for (const f of REQUIRED) if (!value(f)) bad(f, 'missing');
    for (const f of Object.keys(MAX) as Field[]) {
      if (value(f).length > MAX[f]) bad(f, `${value(f).length} characters, at most ${MAX[f]}`);
    }
    const number = normaliseCertificateNumber(value('number'));
    const agencyCode = value('agency').toUpperCase();
    if (number) {
      try {
        const parsed = parseCertificateNumber(number);
        if (agencyCode && parsed.agencyCode !== agencyCode) bad('agency', `"${agencyCode}", but certificate ${number} is numbered by agency ${parsed.agencyCode}`);
        const first = seen.get(number);
        if (first !== undefined) bad('number', `${number} already appears in row ${first}`);
        else seen.set(number, r.row);
      } catch (e) {
        bad('number', e instanceof AppError ? e.message : `"${number}" is not a certificate number`);
      }
    }
    const iec = value('iec').toUpperCase();
    if (iec && !/^[A-Z0-9]{10}$/.test(iec)) bad('iec', `"${iec}" is not an IEC: 10 letters and digits`);
    const rawDate = value('issue_date');
    const issueDate = rawDate ? legacyDate(rawDate) : undefined;
    if (rawDate && !issueDate) bad('issue_date', `"${rawDate}" is not a date (YYYY-MM-DD or DD-MM-YYYY)`);
    else if (issueDate && issueDate > opts.today) bad('issue_date', `${issueDate} is in the future`);
    if (problems.length > before) continue;
    const exporterName = value('exporter_name');
    records.push({
      row: r.row,
      certificateNumber: number,
      agencyCode,
      officeCode: value('office').toUpperCase(),
      agreement: value('agreement').toUpperCase(),
      iec,
      issueDate: issueDate!,
      importerName: value('importer_name'),
      importerCountry: value('importer_country').toUpperCase(),
      goodsSummary: value('goods'),
      ...(exporterName ? { exporterName } : {}),
      raw: r.values,
    });
  }
  return { records, problems };
}

/** Reads and validates a legacy export. */
export function parseLegacyExport(text: string, format: LegacyFormat, opts: { today: string }): { records: LegacyCertificateInput[]; problems: LegacyProblem[] } {
  if (format === 'csv') {
    const read = readCsv(text);
    if (read.header.length === 0) return { records: [], problems: read.problems };
    const checked = validateLegacyRows(read.rows, { today: opts.today, header: read.header });
    return { records: checked.records, problems: [...read.problems, ...checked.problems].sort((a, b) => a.row - b.row) };
  }
  const read = readJson(text);
  const checked = validateLegacyRows(read.rows, { today: opts.today });
  return { records: checked.records, problems: [...read.problems, ...checked.problems].sort((a, b) => a.row - b.row) };
}
