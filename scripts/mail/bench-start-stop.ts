/**
 * Measures how long the test mail servers (Dovecot + SMTP relay) take to start and to stop.
 *
 *   npx tsx scripts/mail/bench-start-stop.ts [rounds]      (default 10)
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startTemporaryMailServers } from './temporary-mail-servers.js';

function summary(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return `median ${at(0.5)} ms, min ${s[0]} ms, max ${s[s.length - 1]} ms`;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 10);
  const starts: number[] = [];
  const stops: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    const mail = await startTemporaryMailServers({ users: [{ address: 'helpdesk@coo.test', password: 'pw' }] });
    const t1 = performance.now();
    await mail.stop();
    const t2 = performance.now();
    starts.push(Math.round(t1 - t0));
    stops.push(Math.round(t2 - t1));
  }
  console.log(`${rounds} rounds`);
  console.log(`  start (until IMAP and LMTP greet, SMTP listening): ${summary(starts)}`);
  console.log(`  stop (process group gone, folder removed):        ${summary(stops)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
