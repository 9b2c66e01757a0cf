import type { EntityManager } from '@mikro-orm/postgresql';
import { AgencyOfficeRow, WalletEntry } from '../../db/entities/index.js';
import { formatLegacyProblem, readCsv, readJson, type LegacyFormat, type LegacyProblem, type RawRow } from '../../domain/certificate/legacy.js';
import { formatRupees } from '../../domain/fees/format-paise.js';
import { recordAudit } from '../identity/audit.js';
import { creditWallet } from './wallet.js';

/**
 * E-wallet balances migrated from the legacy platform (seed 002 §5: "the e-Wallet amount in the legacy system
 * shall be transferred/migrated to the new platform"). One row per wallet: `iec`, `office`, `balance` (rupees,
 * at most two decimals), `reference` (the legacy platform's reference of the balance). Each row becomes one
 * credit (kind `migration`, its reference on the statement) and one audit event, in one transaction for the
 * whole file: a file with a refused row imports nothing, and says which row and which field. Idempotent: a
 * wallet credited from the legacy platform once is never credited again (a second run reports the rows as
 * already imported; the same wallet under another reference is refused).
 */

export interface LegacyBalance {
  row: number;
  iec: string;
  officeCode: string;
  balancePaise: number;
  reference: string;
}

export interface WalletImportSummary {
  fileName: string;
  rows: number;
  imported: LegacyBalance[];
  alreadyImported: LegacyBalance[];
  problems: LegacyProblem[];
}

const FIELDS = ['iec', 'office', 'balance', 'reference'] as const;

/** The key of a wallet's one migration credit. */
export const migrationEntryKey = (iec: string, officeCode: string) => `legacy-wallet:${iec}:${officeCode}`;

export function parseLegacyBalances(text: string, format: LegacyFormat): { balances: LegacyBalance[]; problems: LegacyProblem[] } {
  const read: { rows: RawRow[]; problems: LegacyProblem[]; header?: string[] } = format === 'csv' ? readCsv(text) : readJson(text);
  const problems = [...read.problems];
  if (read.header) {
    const missing = FIELDS.filter((f) => !read.header!.includes(f));
    if (missing.length) problems.push({ row: 1, message: `the header lacks ${missing.join(', ')}: it is iec,office,balance,reference` });
  }
  const balances: LegacyBalance[] = [];
  const seen = new Map<string, number>();
  for (const r of read.rows) {
    const v = (k: string) => (r.values[k] ?? '').trim();
    const rowProblems: LegacyProblem[] = [];
    const iec = v('iec').toUpperCase();
    const officeCode = v('office').toUpperCase();
    const balance = v('balance');
    const reference = v('reference');
    if (!/^[A-Z0-9]{10}$/.test(iec)) rowProblems.push({ row: r.row, field: 'iec', message: iec ? `"${iec}" is not an IEC (10 letters and digits)` : 'empty' });
    if (!/^[A-Z]{2,10}-[A-Z]{3}$/.test(officeCode)) rowProblems.push({ row: r.row, field: 'office', message: officeCode ? `"${officeCode}" is not an office code (like EIC-MUM)` : 'empty' });
    const m = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(balance);
    if (!m) rowProblems.push({ row: r.row, field: 'balance', message: balance ? `"${balance}" is not an amount in rupees (digits, at most two decimals, e.g. 12500.50)` : 'empty' });
    else if (Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) === 0) rowProblems.push({ row: r.row, field: 'balance', message: 'zero: a wallet with nothing to migrate is left out' });
    if (!reference) rowProblems.push({ row: r.row, field: 'reference', message: "empty: the legacy platform's reference of the balance" });
    else if (reference.length > 80) rowProblems.push({ row: r.row, field: 'reference', message: 'longer than 80 characters' });
    const wallet = `${iec}@${officeCode}`;
    if (!rowProblems.length && seen.has(wallet)) rowProblems.push({ row: r.row, field: 'office', message: `the wallet of ${iec} at ${officeCode} is already in row ${seen.get(wallet)}` });
    if (rowProblems.length) {
      problems.push(...rowProblems);
      continue;
    }
    seen.set(wallet, r.row);
    balances.push({ row: r.row, iec, officeCode, balancePaise: Number(m![1]) * 100 + Number((m![2] ?? '').padEnd(2, '0')), reference });
  }
  if (!read.rows.length && !problems.length) problems.push({ row: 1, message: 'the file has no rows: one row per wallet is expected' });
  return { balances, problems };
}

export async function importLegacyWalletBalances(em: EntityManager, input: { text: string; format: LegacyFormat; fileName: string; actor: string }): Promise<WalletImportSummary> {
  const { balances, problems } = parseLegacyBalances(input.text, input.format);
  const summary: WalletImportSummary = { fileName: input.fileName, rows: balances.length + new Set(problems.filter((p) => p.row > 1 || input.format === 'json').map((p) => p.row)).size, imported: [], alreadyImported: [], problems };
  if (problems.length) return summary;
  return em.transactional(async (tx) => {
    const offices = new Set((await tx.find(AgencyOfficeRow, { code: { $in: [...new Set(balances.map((b) => b.officeCode))] } })).map((o) => o.code));
    const done = new Map((await tx.find(WalletEntry, { entryKey: { $in: balances.map((b) => migrationEntryKey(b.iec, b.officeCode)) } })).map((e) => [e.entryKey, e]));
    for (const b of balances) {
      if (!offices.has(b.officeCode)) {
        problems.push({ row: b.row, field: 'office', message: `office ${b.officeCode} is not known here` });
        continue;
      }
      const prior = done.get(migrationEntryKey(b.iec, b.officeCode));
      if (prior && (prior.reference !== b.reference || prior.amountPaise !== b.balancePaise)) {
        problems.push({
          row: b.row,
          field: prior.reference !== b.reference ? 'reference' : 'balance',
          message: `the wallet of ${b.iec} at ${b.officeCode} was already migrated (reference ${prior.reference}, ₹${formatRupees(prior.amountPaise)}) on ${prior.at.toISOString().slice(0, 10)}: a wallet is migrated once`,
        });
      } else if (prior) summary.alreadyImported.push(b);
      else summary.imported.push(b);
    }
    if (problems.length) {
      summary.imported = [];
      summary.alreadyImported = [];
      return summary;
    }
    for (const b of summary.imported) {
      const balanceAfterPaise = await creditWallet(tx, {
        iec: b.iec,
        officeCode: b.officeCode,
        amountPaise: b.balancePaise,
        entryKey: migrationEntryKey(b.iec, b.officeCode),
        kind: 'migration',
        reference: b.reference,
        reason: `balance migrated from the legacy platform (reference ${b.reference})`,
      });
      recordAudit(tx, {
        key: `wallet.legacy-imported/${b.iec}/${b.officeCode}`,
        subjectType: 'wallet',
        subjectId: `${b.iec}@${b.officeCode}`,
        action: 'wallet.legacy-imported',
        actor: input.actor,
        channel: 'cli',
        details: { file: input.fileName, row: b.row, reference: b.reference, amountPaise: b.balancePaise, before: { balancePaise: balanceAfterPaise - b.balancePaise }, after: { balancePaise: balanceAfterPaise } },
      });
    }
    await tx.flush();
    return summary;
  });
}

export function formatWalletImportSummary(s: WalletImportSummary): string {
  const lines = [`${s.fileName}: ${s.rows} rows`];
  if (s.problems.length) {
    lines.push(`refused, nothing imported: ${s.problems.length} problem${s.problems.length === 1 ? '' : 's'}`);
    for (const p of s.problems) lines.push(`  ${formatLegacyProblem(p)}`);
    return lines.join('\n');
  }
  const total = s.imported.reduce((a, b) => a + b.balancePaise, 0);
  lines.push(`imported: ${s.imported.length} (₹${formatRupees(total)}), ${s.alreadyImported.length} already imported`);
  for (const b of s.imported) lines.push(`  row ${b.row}: ${b.iec} at ${b.officeCode} credited ₹${formatRupees(b.balancePaise)} (reference ${b.reference})`);
  return lines.join('\n');
}
