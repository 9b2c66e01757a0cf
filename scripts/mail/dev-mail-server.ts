/**
 * Runs the development mail server until interrupted:
 *
 *   npx tsx scripts/mail/dev-mail-server.ts [dataDir]      (default .data/mail)
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEV_MAIL_USERS, startDevMailServers } from './mail-servers.js';

async function main(): Promise<void> {
  const started = Date.now();
  const servers = await startDevMailServers({ dataDir: process.argv[2] ?? '.data/mail' });
  console.log(`Mail servers up in ${Date.now() - started} ms (data in ${servers.dataDir})`);
  console.log(`  SMTP  ${servers.smtp.host}:${servers.smtp.port}  (no TLS, AUTH optional; mail to other addresses goes to catchall)`);
  console.log(`  IMAP  ${servers.imap.host}:${servers.imap.port}  (no TLS)`);
  console.log(`  LMTP  ${servers.lmtp.host}:${servers.lmtp.port}`);
  for (const u of DEV_MAIL_USERS) console.log(`  user  ${u.address} / ${u.password}`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    servers.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(e instanceof Error ? e.message : e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
