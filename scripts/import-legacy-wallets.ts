/**
 * `npm run wallets:import-legacy -- <balances.csv|balances.json>`: credits the e-wallet balances migrated from
 * the legacy platform (seed 002 §5), one row per wallet: iec, office, balance (rupees), reference
 * (services/payment/wallet-import.ts). Idempotent and audited: a second run credits nothing and reports the
 * rows as already imported. `IMPORTED_BY` names who ran it in the audit trail (default: the system user).
 * Uses DATABASE_URL, or starts the embedded PostgreSQL for the duration of the command.
 * Exit status: 0 imported (or all already imported), 1 refused rows (nothing imported), 2 usage.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfigOrExit } from '../lib/config.js';
import { ensureDatabase } from './infra/database.js';
import { createOrm, migrate } from '../db/orm.js';
import { legacyFormatOf } from '../services/certificate/legacy-import.js';
import { formatWalletImportSummary, importLegacyWalletBalances } from '../services/payment/wallet-import.js';

const [file] = process.argv.slice(2);
const format = file ? legacyFormatOf(file) : undefined;
if (!file || !format) {
  console.error('usage: npm run wallets:import-legacy -- <balances.csv | balances.json>   (columns: iec, office, balance, reference)');
  process.exit(2);
}
let text: string;
try {
  text = fs.readFileSync(file, 'utf8');
} catch (e) {
  console.error(`${file}: ${(e as Error).message}`);
  process.exit(2);
}

const config = loadConfigOrExit();
const db = await ensureDatabase(config);
const orm = await createOrm(db.url);
let status = 0;
try {
  await migrate(orm);
  const summary = await importLegacyWalletBalances(orm.em.fork(), {
    text,
    format,
    fileName: path.basename(file),
    actor: `legacy-wallet-import (${process.env.IMPORTED_BY ?? os.userInfo().username})`,
  });
  console.log(formatWalletImportSummary(summary));
  if (summary.problems.length > 0) status = 1;
} finally {
  await orm.close();
  await db.stop();
}
// explicitly: process.exitCode does not survive the ORM's shutdown
process.exit(status);
