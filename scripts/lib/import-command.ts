/**
 * The frame of a file-import command (`npm run certificates:import-legacy`, `wallets:import-legacy`): reads
 * the CSV or JSON file named on the command line, opens the database (DATABASE_URL, or the embedded
 * PostgreSQL for the duration of the command), migrates it, runs the import and exits with its status.
 * Exit status: what `run` returns (0 imported, 1 refused rows), 2 usage or an unreadable file.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Orm } from '../../db/orm.js';
import { loadConfigOrExit } from '../../lib/config.js';
import { createOrm, migrate } from '../../db/orm.js';
import type { LegacyFormat } from '../../domain/certificate/legacy.js';
import { legacyFormatOf } from '../../services/certificate/legacy-import.js';
import { ensureDatabase } from '../infra/database.js';

export interface ImportInput {
  text: string;
  format: LegacyFormat;
  fileName: string;
}

export async function runImportCommand(usage: string, run: (orm: Orm, input: ImportInput) => Promise<number>): Promise<never> {
  const [file] = process.argv.slice(2);
  const format = file ? legacyFormatOf(file) : undefined;
  if (!file || !format) {
    console.error(`usage: ${usage}`);
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
    status = await run(orm, { text, format, fileName: path.basename(file) });
  } finally {
    await orm.close();
    await db.stop();
  }
  // explicitly: process.exitCode does not survive the ORM's shutdown
  process.exit(status);
}
