/**
 * `npm run certificates:import-legacy -- <file.csv|file.json>`: imports the legacy platform's export of
 * issued certificates as records that verify here (seed 002 §4.i; the file format: domain/certificate/legacy.ts
 * and the README). Idempotent: a second run inserts nothing and reports the rows as already present.
 * Uses DATABASE_URL, or starts the embedded PostgreSQL for the duration of the command.
 * Exit status: 0 imported (or all already present), 1 problems in the file (nothing imported) or conflicts, 2 usage.
 */
import { loadReferenceIndex } from '../db/reference-index.js';
import { formatLegacySummary, importLegacyCertificates } from '../services/certificate/legacy-import.js';
import { runImportCommand } from './lib/import-command.js';

await runImportCommand('npm run certificates:import-legacy -- <export.csv | export.json>', async (orm, input) => {
  const summary = await importLegacyCertificates({ em: () => orm.em.fork(), reference: () => loadReferenceIndex(orm.em.fork()) }, input);
  console.log(formatLegacySummary(summary));
  return summary.problems.length > 0 || summary.conflicts.length > 0 ? 1 : 0;
});
