import path from 'node:path';
import { z } from 'zod';

/**
 * The one place that reads the environment. Each entry point calls loadConfig() once and passes
 * the typed result down; nothing else touches process.env. A bad value stops start-up with the
 * variable's name and what is wrong with it.
 */
const port = z.coerce.number().int().min(1).max(65535);
const optionalUrl = z.url().optional().or(z.literal('').transform(() => undefined));
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('.data'),
  TOOLS_DIR: z.string().min(1).default('.tools'),

  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  PUBLIC_BASE_URL: optionalUrl,

  DATABASE_URL: optionalUrl,
  PG_PORT: port.default(5433),

  TEMPORAL_ADDRESS: z.string().optional().or(z.literal('').transform(() => undefined)),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_UI_URL: optionalUrl,

  AUTH_ISSUER: z.string().min(1).default('coo-backoffice-dev'),
  AUTH_AUDIENCE: z.string().min(1).default('coo-backoffice'),
  AUTH_JWKS_URL: optionalUrl,
  AUTH_DEV_KEYS: bool.default(true),

  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).default(50),
});

export type RawConfig = z.infer<typeof schema>;

export interface Config {
  env: RawConfig['NODE_ENV'];
  logLevel: RawConfig['LOG_LEVEL'];
  dataDir: string;
  toolsDir: string;
  api: { host: string; port: number; publicBaseUrl: string };
  db: { url: string | undefined; embeddedPort: number; embeddedDataDir: string };
  temporal: {
    /** set when an existing cluster is used; otherwise the project starts a dev server */
    address: string | undefined;
    namespace: string;
    port: number;
    uiPort: number;
    uiUrl: string;
    dbFile: string;
  };
  auth: { issuer: string; audience: string; jwksUrl: string | undefined; devKeys: boolean; devKeyFile: string };
  worker: { maxConcurrentActivities: number };
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`),
    );
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const apiHostForUrl = e.API_HOST === '0.0.0.0' ? 'localhost' : e.API_HOST;
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    dataDir,
    toolsDir: path.resolve(e.TOOLS_DIR),
    api: {
      host: e.API_HOST,
      port: e.API_PORT,
      publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://${apiHostForUrl}:${e.API_PORT}`).replace(/\/$/, ''),
    },
    db: { url: e.DATABASE_URL, embeddedPort: e.PG_PORT, embeddedDataDir: path.join(dataDir, 'postgres') },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      port: e.TEMPORAL_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      uiUrl: (e.TEMPORAL_UI_URL ?? `http://127.0.0.1:${e.TEMPORAL_UI_PORT}`).replace(/\/$/, ''),
      dbFile: path.join(dataDir, 'temporal', 'temporal.sqlite'),
    },
    auth: {
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
      jwksUrl: e.AUTH_JWKS_URL,
      devKeys: e.AUTH_DEV_KEYS,
      devKeyFile: path.join(dataDir, 'auth', 'dev-signing-key.json'),
    },
    worker: { maxConcurrentActivities: e.WORKER_MAX_CONCURRENT_ACTIVITIES },
  };
}

/** For entry points: load the config or print the problems and exit(78, EX_CONFIG). */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\nSee .env.example for every variable.\n`);
      process.exit(78);
    }
    throw e;
  }
}
