/**
 * The system's processes as a test controls them: the worker and the API as child processes (as `npm start`
 * runs them), and a PostgreSQL and a Temporal dev server of the test's own. Each can be killed (SIGKILL, no
 * goodbye), stopped gracefully (what Ctrl-C under `npm start` sends) and started again on the same port and the
 * same data, so a restart finds every row and every workflow history where the last run left them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { createOrm, migrate } from '../../db/orm.js';
import { seed } from '../../db/seed.js';
import { loadConfig } from '../../lib/config.js';
import { startEmbeddedPostgres, type RunningPostgres } from '../../scripts/infra/postgres.js';
import { ensureTemporalCli } from '../../scripts/infra/temporal-cli.js';
import { registerSearchAttributes, startTemporalDevServer, type DevServer } from '../../scripts/infra/temporal-dev-server.js';
import { freePort, stopProcessGroup, tailFile } from '../../scripts/infra/process.js';
import { waitFor } from './wait-for.js';

export interface ControlledProcess {
  readonly name: string;
  /** how many times it was started */
  readonly starts: number;
  running(): boolean;
  /** starts it and resolves once it is ready (a second start while running is refused) */
  start(): Promise<void>;
  /** SIGKILL, no goodbye (to its whole process group where it has one); resolves once it is gone */
  kill(): Promise<void>;
  /** the graceful stop Ctrl-C gives it under `npm start`; resolves once it has exited */
  stop(): Promise<void>;
}

/** Resolves when the child has exited (at once if it already has). */
function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

/**
 * A Node entry point of the project (`workers/main.ts`, `api/main.ts`) as a child process with its own log per
 * start (`<dir>/<name>-<n>.log`); ready when `ready(log)` says so. `dir` and `env` are read at each start.
 */
export function nodeProcess(opts: { name: string; entry: string; dir: string | (() => string); env: () => NodeJS.ProcessEnv; ready: (log: string) => boolean; readyTimeoutMs?: number }): ControlledProcess & { log(): string } {
  let child: ChildProcess | undefined;
  let starts = 0;
  let logFile = '';
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  return {
    name: opts.name,
    get starts() {
      return starts;
    },
    running,
    log: () => logFile,
    async start() {
      if (running()) throw new Error(`${opts.name} is already running`);
      logFile = path.join(typeof opts.dir === 'string' ? opts.dir : opts.dir(), `${opts.name}-${++starts}.log`);
      const out = fs.openSync(logFile, 'a');
      const c = spawn(process.execPath, ['--import', 'tsx', opts.entry], { env: opts.env(), stdio: ['ignore', out, out] });
      fs.closeSync(out);
      child = c;
      const log = logFile;
      await waitFor(
        () => {
          const text = fs.readFileSync(log, 'utf8');
          if (c.exitCode !== null || c.signalCode !== null) throw new Error(`${opts.name} exited (${c.signalCode ?? c.exitCode}):\n${text.slice(-2000)}`);
          return text;
        },
        { what: `${opts.name} to be ready (${log})`, timeoutMs: opts.readyTimeoutMs ?? 90_000, intervalMs: 100, until: opts.ready, show: (text) => text.slice(-2000) },
      );
    },
    async kill() {
      if (!child) return;
      const gone = exited(child);
      child.kill('SIGKILL');
      await gone;
    },
    async stop() {
      if (!child) return;
      const gone = exited(child);
      child.kill('SIGTERM');
      await gone;
    },
  };
}

/** The worker (`workers/main.ts`): ready once it polls its task queue. */
export function workerProcess(dir: string | (() => string), env: () => NodeJS.ProcessEnv): ControlledProcess & { log(): string } {
  return nodeProcess({ name: 'worker', entry: 'workers/main.ts', dir, env: () => ({ ...env(), LOG_LEVEL: 'info' }), ready: (log) => log.includes('worker running') });
}

/** The HTTP API (`api/main.ts`) on the port of `env().API_PORT`: ready once it listens. */
export function apiProcess(dir: string | (() => string), env: () => NodeJS.ProcessEnv): ControlledProcess & { log(): string } {
  return nodeProcess({ name: 'api', entry: 'api/main.ts', dir, env: () => ({ ...env(), LOG_LEVEL: 'info' }), ready: (log) => log.includes('API listening') });
}

/** The PID of the postmaster from its data folder's postmaster.pid (its own process group: scripts/infra/postgres.ts). */
function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * An embedded PostgreSQL of the test's own (scripts/infra/postgres.ts) on a fixed port and data folder:
 * `kill()` is SIGKILL to the postmaster and every backend (a crash: the next start recovers from the WAL),
 * `stop()` the fast shutdown `npm start` does last.
 */
export function ownPostgres(opts: { name: string; database?: string; onLog?: (line: string) => void }): ControlledProcess & { readonly url: string; prepare(): Promise<void>; remove(): void } {
  const base = path.join(os.tmpdir(), `coo-${opts.name}-pg-${process.pid}`);
  const dataDir = path.join(base, 'data');
  let port = 0;
  let url = '';
  let pg: RunningPostgres | undefined;
  let starts = 0;
  const running = () => pg !== undefined && (postmasterPid(dataDir) !== undefined && alive(postmasterPid(dataDir)!));
  return {
    name: 'postgres',
    get starts() {
      return starts;
    },
    get url() {
      return url;
    },
    running,
    /** a fresh data folder and a free port, once */
    async prepare() {
      fs.rmSync(base, { recursive: true, force: true });
      fs.mkdirSync(base, { recursive: true });
      fs.chmodSync(base, 0o755);
      port = await freePort();
    },
    async start() {
      if (!port) throw new Error('prepare() the PostgreSQL first');
      starts++;
      pg = await startEmbeddedPostgres({ dataDir, port, database: opts.database ?? 'coo', ...(opts.onLog ? { onLog: opts.onLog } : {}) });
      url = pg.url;
    },
    async kill() {
      const pid = postmasterPid(dataDir);
      if (pid === undefined || !alive(pid)) return;
      process.kill(-pid, 'SIGKILL');
      await waitFor(() => !alive(pid), { what: `PostgreSQL (pid ${pid}) to be gone`, timeoutMs: 10_000 });
      // its backends too: a backend left attached to the shared memory would stop the next start
      await waitFor(() => !fs.existsSync('/proc') || !fs.readdirSync('/proc').some((p) => /^\d+$/.test(p) && pgidOf(Number(p)) === pid), { what: `PostgreSQL's backends (group ${pid}) to be gone`, timeoutMs: 10_000 });
    },
    async stop() {
      await pg?.stop();
    },
    remove() {
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

function pgidOf(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid pgrp …"; comm may hold spaces, so read after the last ')'
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}

/**
 * A Temporal dev server of the test's own (scripts/infra/temporal-dev-server.ts) on a fixed port, its state in a
 * SQLite file, as `npm start` runs it: a restart keeps every history, timer and task queue.
 */
export function ownTemporal(opts: { dir: string }): ControlledProcess & { readonly address: string; prepare(): Promise<void> } {
  let port = 0;
  let server: DevServer | undefined;
  let starts = 0;
  let cliPath = '';
  const running = () => server !== undefined && server.process.exitCode === null && server.process.signalCode === null;
  return {
    name: 'temporal',
    get starts() {
      return starts;
    },
    get address() {
      return `127.0.0.1:${port}`;
    },
    running,
    async prepare() {
      cliPath = (await ensureTemporalCli({ toolsDir: path.resolve('.tools') })).path;
      port = await freePort();
    },
    async start() {
      if (!cliPath) throw new Error('prepare() the Temporal dev server first');
      starts++;
      server = await startTemporalDevServer({ cliPath, port, dbFile: path.join(opts.dir, 'temporal.sqlite'), logFile: path.join(opts.dir, 'temporal.log') });
      const conn = await Connection.connect({ address: server.address });
      try {
        await registerSearchAttributes(conn, 'default');
      } finally {
        await conn.close();
      }
    },
    async kill() {
      if (!running()) return;
      const child = server!.process;
      const gone = exited(child);
      process.kill(-child.pid!, 'SIGKILL');
      await gone;
    },
    async stop() {
      if (running()) await stopProcessGroup(server!.process);
    },
  };
}

/** PostgreSQL migrated and seeded as `npm start` leaves it (reference and demo data, the test keyring). */
export async function migrateAndSeed(databaseUrl: string): Promise<void> {
  const orm = await createOrm(databaseUrl);
  try {
    await migrate(orm);
    await seed(orm, { demo: true, keys: loadConfig({ NODE_ENV: 'test' }).temporal.codec });
  } finally {
    await orm.close();
  }
}

/** The last lines of each log, for a failure message. */
export function tails(files: string[], lines = 15): string {
  return files.map((f) => `--- ${f}\n${tailFile(f, lines)}`).join('\n');
}
