/**
 * `npm run certificates:import-legacy -- <file.csv|file.json>`: imports the legacy platform's export of
 * issued certificates as records that verify here (seed 002 §4.i; the file format: domain/certificate/legacy.ts
 * and the README). Idempotent: a second run inserts nothing and reports the rows as already present.
 * Uses DATABASE_URL, or starts the embedded PostgreSQL for the duration of the command.
 * Exit status: 0 imported (or all already present), 1 problems in the file (nothing imported) or conflicts, 2 usage.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfigOrExit } from '../lib/config.js';
import { ensureDatabase } from './infra/database.js';
import { createOrm, migrate } from '../db/orm.js';
import { loadReferenceIndex } from '../db/reference-index.js';
import { formatLegacySummary, importLegacyCertificates, legacyFormatOf } from '../services/certificate/legacy-import.js';

const [file] = process.argv.slice(2);
const format = file ? legacyFormatOf(file) : undefined;
if (!file || !format) {
  console.error('usage: npm run certificates:import-legacy -- <export.csv | export.json>');
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
  const summary = await importLegacyCertificates(
    { em: () => orm.em.fork(), reference: () => loadReferenceIndex(orm.em.fork()) },
    { text, format, fileName: path.basename(file) },
  );
  console.log(formatLegacySummary(summary));
  if (summary.problems.length > 0 || summary.conflicts.length > 0) status = 1;
} finally {
  await orm.close();
  await db.stop();
}
// explicitly: process.exitCode does not survive the ORM's shutdown
process.exit(status);
