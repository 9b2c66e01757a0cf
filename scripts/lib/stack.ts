/**
 * The application stack inside one process, on a PostgreSQL and a Temporal server given by address
 * (the tests' global setup, or the local services a benchmark starts): ORM, Temporal client, workers
 * started on demand, and the Express API on a free port. The tests reach it through test/helpers/stack.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createOrm, type Orm } from '../../db/orm.js';
import { loadConfig, type Config } from '../../lib/config.js';
import { createLogger } from '../../lib/logger.js';
import { devTokenLifetimeSeconds, loadOrCreateDevKey, mintToken, type DevKey } from '../../lib/auth/dev-keys.js';
import type { Principal } from '../../lib/auth/roles.js';
import { createApp } from '../../api/app.js';
import { authenticatorFromConfig } from '../../api/http/auth.js';
import { createApiServer } from '../../api/http/client-error.js';
import type { ActivityDeps } from '../../activities/index.js';
import { bundleWorkflows, createWorker } from '../../workers/create-worker.js';
import { createActivityDeps } from '../../workers/activity-deps.js';
import { PinoTemporalLogger } from '../../workers/temporal-logger.js';
import { temporalDataConverter } from '../../lib/temporal-codec.js';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** One webpack bundle per process (per test file). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflows();
  return bundle;
}

/** The PostgreSQL and Temporal server the stack runs on, and the folder for its files. */
export interface StackServices {
  databaseUrl: string;
  temporalAddress: string;
  dataDir: string;
}

export interface Stack {
  config: Config;
  orm: Orm;
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  /** where the API answers (an ApiTarget for scripts/lib/api-client.ts) */
  baseUrl: string;
  devKey: DevKey;
  deps: ActivityDeps;
  dir: string;
  token(p: Principal): Promise<string>;
  startWorker(overrides?: Partial<ActivityDeps>): Promise<Worker>;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

export interface StackOptions {
  /** names its folder under `services.dataDir` and its log lines */
  name: string;
  services: StackServices;
  deps?: Partial<ActivityDeps>;
  /** more configuration, as environment variables (lib/config.ts), e.g. { TRUST_PROXY: 'loopback' } */
  env?: Record<string, string>;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const { services } = opts;
  const dir = path.join(services.dataDir, opts.name);
  fs.mkdirSync(dir, { recursive: true });
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: dir,
    DATABASE_URL: services.databaseUrl,
    TEMPORAL_ADDRESS: services.temporalAddress,
    API_PORT: '1',
    ...opts.env,
  });
  const logger = createLogger({ level: config.logLevel, service: `test:${opts.name}` });
  if (!runtimeInstalled) {
    Runtime.install({ logger: new PinoTemporalLogger(logger) });
    runtimeInstalled = true;
  }
  const orm = await createOrm(config.db.url!);
  const connection = await Connection.connect({ address: config.temporal.address! });
  const dataConverter = temporalDataConverter(config.temporal.codec);
  const client = new Client({ connection, dataConverter });
  const nativeConnection = await NativeConnection.connect({ address: config.temporal.address! });
  const devKey = await loadOrCreateDevKey(config.auth.devKeyFile);
  const authenticator = authenticatorFromConfig({ ...config.auth, jwksUrl: undefined }, devKey);
  const app = createApp({ config, logger, orm, temporal: client, authenticator });
  const server: Server = await new Promise((resolve) => {
    const s = createApiServer(app).listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  config.api.publicBaseUrl = baseUrl;
  config.payment.gatewayUrl = `${baseUrl}/sandbox/gateway`;
  const deps: ActivityDeps = createActivityDeps(config, orm, opts.deps);
  const workers: Worker[] = [];
  const running: Promise<void>[] = [];
  return {
    config,
    orm,
    client,
    connection,
    nativeConnection,
    baseUrl,
    devKey,
    deps,
    dir,
    token: (p) => mintToken(devKey, p, { issuer: config.auth.issuer, audience: config.auth.audience, lifetimeSeconds: devTokenLifetimeSeconds(config.auth.maxTokenLifetimeSeconds) }),
    async startWorker(overrides) {
      const worker = await createWorker({
        connection: nativeConnection,
        namespace: 'default',
        workflowBundle: await workflowBundle(),
        dataConverter,
        deps: { ...deps, ...overrides },
      });
      workers.push(worker);
      running.push(worker.run());
      return worker;
    },
    async stop() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await Promise.allSettled(running);
      await new Promise((r) => server.close(r));
      await connection.close();
      await nativeConnection.close();
      await orm.close();
    },
  };
}
