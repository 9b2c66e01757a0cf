/**
 * The HTTP API. Runs alone against any Temporal cluster (TEMPORAL_ADDRESS) and PostgreSQL
 * (DATABASE_URL); `npm start` runs it beside the embedded services.
 */
import { Client, Connection } from '@temporalio/client';
import { loadConfigOrExit } from '../lib/config.js';
import { createLogger } from '../lib/logger.js';
import { loadOrCreateDevKey } from '../lib/auth/dev-keys.js';
import { createOrm } from '../db/orm.js';
import { createApp } from './app.js';
import { authenticatorFromConfig } from './http/auth.js';
import { temporalDataConverter } from '../lib/temporal-codec.js';
import { createApiServer } from './http/client-error.js';

const config = loadConfigOrExit();
const logger = createLogger({ level: config.logLevel, service: 'api' });
if (!config.db.url || !config.temporal.address) {
  logger.fatal('DATABASE_URL and TEMPORAL_ADDRESS must be set for a standalone API (npm start sets them)');
  process.exit(78);
}
const orm = await createOrm(config.db.url, logger);
// lazy: the API comes up even while Temporal is unreachable, and /readyz says so
const connection = Connection.lazy({ address: config.temporal.address });
const temporal = new Client({ connection, namespace: config.temporal.namespace, dataConverter: temporalDataConverter(config.temporal.codec) });
const devKey = config.auth.devKeys ? await loadOrCreateDevKey(config.auth.devKeyFile) : undefined;
const authenticator = authenticatorFromConfig(config.auth, devKey);

const app = createApp({ config, logger, orm, temporal, authenticator });
const server = createApiServer(app).listen(config.api.port, config.api.host, () => {
  logger.info({ url: config.api.publicBaseUrl }, 'API listening');
});
server.on('error', (e) => {
  logger.fatal({ err: e }, `the API cannot listen on ${config.api.host}:${config.api.port}`);
  process.exit(1);
});

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal: sig }, 'shutting down the API');
    server.close(async () => {
      await connection.close();
      await orm.close();
      logger.info('API stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  });
}
