/**
 * The application stack inside one test file, on the services from test/global-setup.ts:
 * ORM, Temporal client, a worker on a unique task queue, and the Express API on a free port.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { inject } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, type Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createOrm, type Orm } from '../../db/orm.js';
import { loadConfig, type Config } from '../../lib/config.js';
import { createLogger } from '../../lib/logger.js';
import { loadOrCreateDevKey, mintToken, type DevKey } from '../../lib/auth/dev-keys.js';
import type { Principal } from '../../lib/auth/roles.js';
import { createApp } from '../../api/app.js';
import { createAuthenticator } from '../../api/http/auth.js';
import type { ActivityDeps } from '../../activities/index.js';
import { bundleWorkflows, createWorker } from '../../workers/create-worker.js';
import { createActivityDeps } from '../../workers/activity-deps.js';
import { PinoTemporalLogger } from '../../workers/temporal-logger.js';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** One webpack bundle per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflows();
  return bundle;
}

export interface Stack {
  config: Config;
  orm: Orm;
  client: Client;
  connection: Connection;
  nativeConnection: NativeConnection;
  baseUrl: string;
  devKey: DevKey;
  deps: ActivityDeps;
  dir: string;
  token(p: Principal): Promise<string>;
  startWorker(overrides?: Partial<ActivityDeps>): Promise<Worker>;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

export async function startStack(opts: {
  name: string;
  deps?: Partial<ActivityDeps>;
  /** outside vitest (benchmarks): the services to use instead of the global setup's */
  services?: { databaseUrl: string; temporalAddress: string; dataDir: string };
}): Promise<Stack> {
  const services = opts.services ?? { databaseUrl: inject('databaseUrl'), temporalAddress: inject('temporalAddress'), dataDir: inject('testDataDir') };
  const dir = path.join(services.dataDir, opts.name);
  fs.mkdirSync(dir, { recursive: true });
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: dir,
    DATABASE_URL: services.databaseUrl,
    TEMPORAL_ADDRESS: services.temporalAddress,
    API_PORT: '1',
  });
  const logger = createLogger({ level: config.logLevel, service: `test:${opts.name}` });
  if (!runtimeInstalled) {
    Runtime.install({ logger: new PinoTemporalLogger(logger) });
    runtimeInstalled = true;
  }
  const orm = await createOrm(config.db.url!);
  const connection = await Connection.connect({ address: config.temporal.address! });
  const client = new Client({ connection });
  const nativeConnection = await NativeConnection.connect({ address: config.temporal.address! });
  const devKey = await loadOrCreateDevKey(config.auth.devKeyFile);
  const authenticator = createAuthenticator({ issuer: config.auth.issuer, audience: config.auth.audience, devKey });
  const app = createApp({ config, logger, orm, temporal: client, authenticator });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
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
    token: (p) => mintToken(devKey, p, { issuer: config.auth.issuer, audience: config.auth.audience }),
    async startWorker(overrides) {
      const worker = await createWorker({
        connection: nativeConnection,
        namespace: 'default',
        workflowBundle: await workflowBundle(),
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

/** fetch() against the API with an optional bearer token; returns status, headers and parsed body. */
export async function api(
  stack: Stack,
  method: string,
  url: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(stack.baseUrl + url, {
    method,
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...opts.headers,
    },
    ...(opts.body !== undefined ? { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body };
}
