/**
 * Database maintenance: `npm run db:migrate`, `npm run db:seed`, `npm run db:migration:create -- name`.
 * Uses DATABASE_URL, or starts the embedded PostgreSQL for the duration of the command.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfigOrExit } from '../lib/config.js';
import { ensureDatabase } from './infra/database.js';
import { createOrm, migrate } from '../db/orm.js';
import { seed } from '../db/seed.js';

const [command, name] = process.argv.slice(2);
const config = loadConfigOrExit();
const db = await ensureDatabase(config);
const orm = await createOrm(db.url, undefined, { snapshot: command === 'create-migration' });
try {
  if (command === 'migrate') {
    const applied = await migrate(orm);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'no pending migrations');
  } else if (command === 'seed') {
    await migrate(orm);
    console.log(JSON.stringify(await seed(orm, { demo: config.env !== 'production', keys: config.temporal.codec }), null, 2));
  } else if (command === 'create-migration') {
    await migrate(orm);
    const result = await orm.migrator.create(undefined, false, false, name);
    if (!result.fileName) {
      console.log('no schema changes');
    } else {
      const className = result.fileName.replace(/\.ts$/, '');
      const indexFile = path.join('db', 'migrations', 'index.ts');
      let index = fs.readFileSync(indexFile, 'utf8');
      index = index.replace(
        /(import type \{ MigrationObject \} from '@mikro-orm\/core';\n)/,
        `$1import { ${className} } from './${className}.js';\n`,
      );
      index = index.replace(/(migrationsList: MigrationObject\[\] = \[)([^\]]*)\]/s, (_m, head: string, body: string) => {
        const items = body.trim() ? `${body.trimEnd()}\n  { name: '${className}', class: ${className} },\n` : `\n  { name: '${className}', class: ${className} },\n`;
        return `${head}${items}]`;
      });
      fs.writeFileSync(indexFile, index);
      console.log(`created db/migrations/${result.fileName}\n${result.diff.up.join('\n')}`);
    }
  } else {
    console.error('usage: scripts/db.ts migrate | seed | create-migration [name]');
    process.exitCode = 2;
  }
} finally {
  await orm.close();
  await db.stop();
}
