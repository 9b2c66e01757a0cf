/**
 * The Temporal worker: runs every workflow and activity of the back-office.
 * Runs alone against any Temporal cluster (TEMPORAL_ADDRESS) and PostgreSQL (DATABASE_URL);
 * `npm start` runs it beside the embedded services.
 */
import { NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfigOrExit } from '../lib/config.js';
import { createLogger } from '../lib/logger.js';
import { createOrm } from '../db/orm.js';
import { PinoTemporalLogger } from './temporal-logger.js';
import { bundleWorkflows, createWorker } from './create-worker.js';
import { createActivityDeps } from './activity-deps.js';
import { temporalDataConverter } from '../lib/temporal-codec.js';

const config = loadConfigOrExit();
const logger = createLogger({ level: config.logLevel, service: 'worker' });
Runtime.install({ logger: new PinoTemporalLogger(logger) });

if (!config.db.url || !config.temporal.address) {
  logger.fatal('DATABASE_URL and TEMPORAL_ADDRESS must be set for a standalone worker (npm start sets them)');
  process.exit(78);
}
const orm = await createOrm(config.db.url, logger);
const connection = await NativeConnection.connect({ address: config.temporal.address });
const started = Date.now();
const workflowBundle = await bundleWorkflows();
logger.info({ ms: Date.now() - started }, 'workflow code bundled');
const worker = await createWorker({
  connection,
  namespace: config.temporal.namespace,
  workflowBundle,
  dataConverter: temporalDataConverter(config.temporal.codec),
  maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivities,
  deps: createActivityDeps(config, orm),
});

let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal: sig }, 'shutting down the worker');
    worker.shutdown();
  });
}
logger.info({ taskQueue: worker.options.taskQueue, address: config.temporal.address }, 'worker running');
await worker.run();
await connection.close();
await orm.close();
logger.info('worker stopped');
