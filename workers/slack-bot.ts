/**
 * The officers' Slack bot in Socket Mode (a WebSocket to Slack: no public URL needed). In HTTP mode the
 * API serves it at /slack/events instead and this process is not needed. Runs alone against any Temporal
 * cluster and PostgreSQL; `npm start` runs it when SLACK_MODE=socket.
 */
import { Client, Connection } from '@temporalio/client';
import { loadConfigOrExit } from '../lib/config.js';
import { createLogger } from '../lib/logger.js';
import { createOrm } from '../db/orm.js';
import { temporalDataConverter } from '../lib/temporal-codec.js';
import { createSlackApp } from '../channels/slack/app.js';
import { TemporalSlackBackend } from '../channels/slack/temporal-backend.js';
import { createStaffDecisionDeps } from '../services/agency/staff-decision-deps.js';

const config = loadConfigOrExit();
const logger = createLogger({ level: config.logLevel, service: 'slack-bot' });
if (!config.slack || config.slack.mode !== 'socket') {
  logger.fatal('the Slack bot process runs in Socket Mode only: set SLACK_BOT_TOKEN, SLACK_APP_TOKEN and SLACK_MODE=socket');
  process.exit(78);
}
if (!config.db.url || !config.temporal.address) {
  logger.fatal('DATABASE_URL and TEMPORAL_ADDRESS must be set (npm start sets them)');
  process.exit(78);
}
const slack = config.slack;
const orm = await createOrm(config.db.url, logger);
const connection = await Connection.connect({ address: config.temporal.address });
const temporal = new Client({ connection, namespace: config.temporal.namespace, dataConverter: temporalDataConverter(config.temporal.codec) });
const backend = new TemporalSlackBackend({ temporal, em: () => orm.em.fork(), logger });
const bot = createSlackApp({
  backend,
  botToken: slack.botToken,
  mode: 'socket',
  ...(slack.appToken ? { appToken: slack.appToken } : {}),
  ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
  logger,
  // officers' registration requests decided from their Slack message, as through the API
  registrations: {
    em: () => orm.em.fork(),
    decisionDeps: createStaffDecisionDeps({ em: () => orm.em.fork(), smtpUrl: config.mail.smtpUrl, from: config.mail.from, portalUrl: config.api.publicBaseUrl, logger }),
  },
});
await bot.verifyToken();
await bot.start();
logger.info('Slack bot connected (Socket Mode)');

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      await bot.stop();
      await connection.close();
      await orm.close();
      logger.info('Slack bot stopped');
      process.exit(0);
    })();
  });
}
