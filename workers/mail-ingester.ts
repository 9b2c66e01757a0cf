/**
 * The mail ingester (`npm run mail-ingester`): watches the helpdesk mailbox over IMAP and hands every
 * new message, once, to the `processInboundMail` workflow (deficiency replies, helpdesk tickets).
 * Runs beside the worker, against the same PostgreSQL (DATABASE_URL) and Temporal (TEMPORAL_ADDRESS);
 * the mailbox is IMAP_URL (or IMAP_HOST/IMAP_USER/IMAP_PASSWORD). See docs/email.md.
 */
import { Client, Connection } from '@temporalio/client';
import { loadConfigOrExit } from '../lib/config.js';
import { createLogger } from '../lib/logger.js';
import { createOrm } from '../db/orm.js';
import { temporalDataConverter } from '../lib/temporal-codec.js';
import { createMailIngester } from './mail-ingester/ingester.js';
import { ticketTimingsFromConfig } from './mail-ingester/timings.js';

const config = loadConfigOrExit();
const logger = createLogger({ level: config.logLevel, service: 'mail-ingester' });
const imap = config.mail.imap;
if (!imap) {
  logger.fatal('IMAP_URL (or IMAP_HOST, IMAP_USER and IMAP_PASSWORD) must be set: the mailbox to watch. See docs/email.md.');
  process.exit(78);
}
if (!config.db.url || !config.temporal.address) {
  logger.fatal('DATABASE_URL and TEMPORAL_ADDRESS must be set (the same as the worker\'s; npm start prints them)');
  process.exit(78);
}
const orm = await createOrm(config.db.url, logger);
const connection = await Connection.connect({ address: config.temporal.address });
const temporal = new Client({ connection, namespace: config.temporal.namespace, dataConverter: temporalDataConverter(config.temporal.codec) });
const ingester = createMailIngester({
  imap,
  em: () => orm.em.fork(),
  temporal,
  ticketTimings: ticketTimingsFromConfig(config),
  concurrency: config.mail.ingest.concurrency,
  maxMessageBytes: config.mail.ingest.maxMessageBytes,
  logger,
});

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal: sig }, 'stopping the mail ingester (messages in hand are finished first)');
    void ingester
      .stop()
      .then(async () => {
        await connection.close();
        await orm.close();
        logger.info(ingester.stats(), 'mail ingester stopped');
        process.exit(0);
      })
      .catch((e: unknown) => {
        logger.error({ err: e }, 'mail ingester did not stop cleanly');
        process.exit(1);
      });
  });
}
await ingester.start();
logger.info({ mailbox: `${imap.user}/${imap.mailbox}`, host: imap.host, port: imap.port }, 'mail ingester running');
