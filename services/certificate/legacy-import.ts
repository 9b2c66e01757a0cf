import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { todayInIndia } from '../../domain/application/financial-year.js';
import {
  formatLegacyProblem,
  parseLegacyExport,
  type LegacyCertificateInput,
  type LegacyCertificateRecord,
  type LegacyFormat,
  type LegacyProblem,
} from '../../domain/certificate/legacy.js';
import { parseCertificateNumber } from '../../domain/numbering/certificate-number.js';
import type { ReferenceIndex, ReferenceSource } from '../../domain/reference/reference-index.js';

/**
 * Imports the legacy platform's export of issued certificates (seed 002 §4.i, domain/certificate/legacy.ts)
 * as records that verify here: source 'legacy', status issued, kind original, no application, a random
 * QR-link token, the history "imported", the export's row kept as it was written (`legacy`) and what the
 * verification page shows (`document.legacy`).
 *
 * All or nothing: a file with any problem (a row's field, an agency, office or agreement unknown to the
 * reference data) inserts nothing and lists every problem. Idempotent: a number already imported is
 * counted as already present and left as it is; a number already used by a certificate issued on this
 * platform is a conflict, named, and not touched.
 */

export const LEGACY_IMPORTER = 'legacy-import';

export interface LegacyImportSummary {
  file: string;
  rows: number;
  inserted: string[];
  alreadyPresent: string[];
  conflicts: { row: number; certificateNumber: string; message: string }[];
  problems: LegacyProblem[];
}

/** The agreement named by its code (AIFTA) or its 3-digit code (013). */
function findAgreement(reference: ReferenceIndex, value: string) {
  return reference.agreement(value) ?? reference.data.tradeAgreements.find((a) => a.numericCode === value);
}

/** Checks a validated row against the reference data; the record to store, or the problems. */
export function legacyRecordOf(reference: ReferenceIndex, input: LegacyCertificateInput): { record?: LegacyCertificateRecord; agreementCode?: string; problems: LegacyProblem[] } {
  const problems: LegacyProblem[] = [];
  const bad = (field: string, message: string) => problems.push({ row: input.row, field, message });
  const agency = reference.agency(input.agencyCode);
  if (!agency) bad('agency', `"${input.agencyCode}" is not an issuing agency (${reference.data.issuingAgencies.map((a) => a.code).join(', ')})`);
  const office = reference.office(input.officeCode);
  if (!office) bad('office', `"${input.officeCode}" is not an office of the reference data`);
  else if (agency && office.agencyCode !== agency.code) bad('office', `${input.officeCode} is an office of ${office.agencyCode}, not of ${agency.code}`);
  const agreement = findAgreement(reference, input.agreement);
  if (!agreement) bad('agreement', `"${input.agreement}" is not a trade agreement (its code, e.g. AIFTA, or its 3-digit code, e.g. 013)`);
  else {
    const numeric = parseCertificateNumber(input.certificateNumber).agreementNumericCode;
    if (agreement.numericCode && agreement.numericCode !== numeric) {
      bad('agreement', `${agreement.code} has the code ${agreement.numericCode}, but certificate ${input.certificateNumber} carries ${numeric}`);
    }
  }
  if (problems.length > 0 || !agency || !office || !agreement) return { problems };
  return {
    agreementCode: agreement.code,
    problems,
    record: {
      certificateNumber: input.certificateNumber,
      issueDate: input.issueDate,
      agency: { code: agency.code, name: agency.name },
      office: { code: office.code, name: office.name },
      agreement: { code: agreement.code, title: agreement.title },
      iec: input.iec,
      importer: { name: input.importerName, country: input.importerCountry },
      goodsSummary: input.goodsSummary,
      ...(input.exporterName ? { exporterName: input.exporterName } : {}),
    },
  };
}

export function legacyFormatOf(fileName: string): LegacyFormat | undefined {
  const lower = fileName.toLowerCase();
  return lower.endsWith('.csv') ? 'csv' : lower.endsWith('.json') ? 'json' : undefined;
}

export async function importLegacyCertificates(
  deps: { em: () => EntityManager; reference: ReferenceSource },
  input: { text: string; format: LegacyFormat; fileName: string; now?: Date },
): Promise<LegacyImportSummary> {
  const now = input.now ?? new Date();
  const parsed = parseLegacyExport(input.text, input.format, { today: todayInIndia(now) });
  const reference = await deps.reference();
  const problems = [...parsed.problems];
  const ready: { input: LegacyCertificateInput; record: LegacyCertificateRecord; agreementCode: string }[] = [];
  for (const r of parsed.records) {
    const checked = legacyRecordOf(reference, r);
    problems.push(...checked.problems);
    if (checked.record && checked.agreementCode) ready.push({ input: r, record: checked.record, agreementCode: checked.agreementCode });
  }
  problems.sort((a, b) => a.row - b.row);
  const rowCount = parsed.records.length + new Set(parsed.problems.map((p) => p.row)).size;
  const summary: LegacyImportSummary = { file: input.fileName, rows: rowCount, inserted: [], alreadyPresent: [], conflicts: [], problems };
  if (problems.length > 0) return summary;

  await deps.em().transactional(async (tx) => {
    const conn = tx.getConnection();
    for (const { input: row, record, agreementCode } of ready) {
      const inserted = await conn.execute<{ number: string }[]>(
        `insert into certificate (number, application_id, kind, original_number, source, iec, agency_code, office_code, agreement_code, status,
           issued_by, issued_at, document, legacy, verification_token, history)
         values (?, null, 'original', null, 'legacy', ?, ?, ?, ?, 'issued', ?, ?::timestamptz, ?::jsonb, ?::jsonb, ?, ?::jsonb)
         on conflict (number) do nothing returning number`,
        [
          record.certificateNumber,
          record.iec,
          record.agency.code,
          record.office.code,
          agreementCode,
          LEGACY_IMPORTER,
          `${record.issueDate}T00:00:00+05:30`,
          JSON.stringify({ legacy: record }),
          JSON.stringify({ ...row.raw, importedFrom: input.fileName, row: row.row, importedAt: now.toISOString() }),
          randomBytes(24).toString('base64url'),
          JSON.stringify([{ at: now.toISOString(), event: 'imported', note: `from ${input.fileName}, row ${row.row}` }]),
        ],
        'all',
      );
      if (inserted.length > 0) {
        summary.inserted.push(record.certificateNumber);
        continue;
      }
      const existing = await conn.execute<{ source: string }[]>('select source from certificate where number = ?', [record.certificateNumber], 'all');
      if (existing[0]?.source === 'legacy') summary.alreadyPresent.push(record.certificateNumber);
      else summary.conflicts.push({ row: row.row, certificateNumber: record.certificateNumber, message: 'the number is already used by a certificate issued on this platform; not imported' });
    }
  });
  return summary;
}

/** The summary as the command prints it. */
export function formatLegacySummary(s: LegacyImportSummary): string {
  const lines: string[] = [];
  if (s.problems.length > 0) {
    lines.push(`${s.file}: ${s.problems.length} problem${s.problems.length === 1 ? '' : 's'}; nothing was imported. Correct the file and run the import again.`);
    for (const p of s.problems) lines.push(`  ${formatLegacyProblem(p)}`);
    return lines.join('\n');
  }
  lines.push(`${s.file}: ${s.rows} row${s.rows === 1 ? '' : 's'}`);
  lines.push(`  imported: ${s.inserted.length}`);
  lines.push(`  ${s.alreadyPresent.length} already present`);
  if (s.conflicts.length > 0) {
    lines.push(`  conflicts: ${s.conflicts.length}`);
    for (const c of s.conflicts) lines.push(`    row ${c.row}, number ${c.certificateNumber}: ${c.message}`);
  }
  return lines.join('\n');
}
