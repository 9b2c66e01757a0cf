/**
 * `npm run wallets:import-legacy -- <balances.csv|balances.json>`: credits the e-wallet balances migrated from
 * the legacy platform (seed 002 §5), one row per wallet: iec, office, balance (rupees), reference
 * (services/payment/wallet-import.ts). Idempotent and audited: a second run credits nothing and reports the
 * rows as already imported. `IMPORTED_BY` names who ran it in the audit trail (default: the system user).
 * Uses DATABASE_URL, or starts the embedded PostgreSQL for the duration of the command.
 * Exit status: 0 imported (or all already imported), 1 refused rows (nothing imported), 2 usage.
 */
import os from 'node:os';
import { formatWalletImportSummary, importLegacyWalletBalances } from '../services/payment/wallet-import.js';
import { runImportCommand } from './lib/import-command.js';

await runImportCommand('npm run wallets:import-legacy -- <balances.csv | balances.json>   (columns: iec, office, balance, reference)', async (orm, input) => {
  const summary = await importLegacyWalletBalances(orm.em.fork(), {
    ...input,
    actor: `legacy-wallet-import (${process.env.IMPORTED_BY ?? os.userInfo().username})`,
  });
  console.log(formatWalletImportSummary(summary));
  return summary.problems.length > 0 ? 1 : 0;
});
