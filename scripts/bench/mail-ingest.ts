/**
 * Benchmark: messages per second from the IMAP mailbox to a ticket (or to a signal of an open ticket's
 * workflow). N messages are delivered into a private Dovecot's helpdesk mailbox while the ingester is
 * stopped; the ingester is started and the clock runs until every message is handled: its
 * processInboundMail workflow finished (ticket workflow started, or ticket signalled), the outcome
 * recorded in PostgreSQL and the IMAP keywords stored on the copy. PostgreSQL and a Temporal dev server
 * are started here, with the worker and the ingester in this process.
 *
 *   npx tsx scripts/bench/mail-ingest.ts [N=200] [concurrency=8]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLocalServices } from '../infra/local-services.js';
import { HELPDESK, startMailStack, type MailStack } from '../lib/mail-stack.js';

const N = Number(process.argv[2] ?? 200);
const CONCURRENCY = Number(process.argv[3] ?? 8);
const SENDER = 'raj.sharma@rajkumarexports.example';
const TOPICS = [
  ['Expired Certificate error', 'The portal says "Expired Certificate" when I sign. IEC AAACR5055K.'],
  ['Payment debited', 'Rs 392 was debited but the application still shows Pending Payment. UTR 401234567890.'],
  ['Change of e-mail', 'How do I change the registered e-mail address of our firm?'],
  ['Office not listed', 'EIC Kochi is not shown in the drop-down list.'],
] as const;

function message(i: number, extra: { inReplyTo?: string; subject?: string } = {}): string {
  const [subject, text] = TOPICS[i % TOPICS.length]!;
  return [
    `From: Raj Kumar Sharma <${SENDER}>`,
    `To: ${HELPDESK}`,
    `Subject: ${extra.subject ?? `${subject} #${i}`}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <bench-${process.pid}-${i}-${extra.inReplyTo ? 'f' : 'n'}@rajkumarexports.example>`,
    ...(extra.inReplyTo ? [`In-Reply-To: ${extra.inReplyTo}`, `References: ${extra.inReplyTo}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `${text}\n\nRegards,\nRaj`,
    '',
  ].join('\r\n');
}

async function measure(ms: MailStack, label: string, raws: string[]): Promise<number> {
  await ms.stopIngesters();
  for (const raw of raws) await ms.mail.deliver(raw, HELPDESK, { from: SENDER });
  const before = ms.processed.length;
  const ingester = ms.newIngester();
  const t0 = performance.now();
  await ingester.start();
  await ms.waitProcessed(before + raws.length, 30 * 60_000);
  const seconds = (performance.now() - t0) / 1000;
  const rate = raws.length / seconds;
  const failures = ingester.stats().failures;
  console.log(`  ${label.padEnd(52)} ${String(raws.length).padStart(5)} msgs  ${seconds.toFixed(2).padStart(7)} s  ${rate.toFixed(1).padStart(7)} msg/s${failures ? `  (${failures} failed attempts)` : ''}`);
  return rate;
}

const dir = path.resolve('.data/bench', `mail-ingest-${process.pid}`);
fs.mkdirSync(dir, { recursive: true });
const services = await startLocalServices({ name: 'bench', logDir: dir, database: 'bench', persistTemporal: true, onProgress: (l) => console.log(l) });
const pg = { url: services.databaseUrl };
const temporal = { address: services.temporalAddress };
let ms: MailStack | undefined;
try {

  ms = await startMailStack({
    name: 'bench',
    services: { databaseUrl: pg.url, temporalAddress: temporal.address, dataDir: dir },
    users: [{ address: SENDER, password: 'raj-pw' }],
    concurrency: CONCURRENCY,
    startIngester: false,
  });
  console.log(
    `Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'} ×${os.cpus().length}, load average ${os.loadavg()[0]?.toFixed(2)}; ` +
      `Dovecot ${ms.mail.imap.host}:${ms.mail.imap.port} (IMAP, LMTP delivery), embedded PostgreSQL, Temporal dev server (SQLite file), ` +
      `worker + ingester in one process, ingester concurrency ${CONCURRENCY}, no Slack; the acknowledgement mails go out over SMTP meanwhile`,
  );

  // warm-up: workflow bundle, first connections, JIT
  await measure(ms, 'warm-up (new tickets)', Array.from({ length: 8 }, (_, i) => message(100_000 + i)));
  const tickets = await measure(ms, 'new messages → tickets (processInboundMail + ticket)', Array.from({ length: N }, (_, i) => message(i)));

  // follow-ups threaded into one open ticket: each is a signal to its workflow
  const opening = `<bench-${process.pid}-0-n@rajkumarexports.example>`;
  const ticket = await ms.waitFor('the first ticket', () => ms!.ticketForMessage(opening));
  const followUps = Array.from({ length: N }, (_, i) => message(i, { inReplyTo: opening, subject: `Re: ${ticket.subject}` }));
  const signals = await measure(ms, 'replies in a ticket thread → signal to the ticket', followUps);
  console.log(`\nmail ingestion: ${tickets.toFixed(1)} msg/s to a new ticket, ${signals.toFixed(1)} msg/s to a ticket signal (N=${N}, concurrency ${CONCURRENCY})`);
} finally {
  await ms?.stop().catch((e: unknown) => console.error('stopping the mail stack:', e));
  await services.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
