/**
 * A private Dovecot instance (IMAP + LMTP) run in the foreground with its own configuration,
 * for tests and for the development mail server. Nothing is shared with a system Dovecot:
 * own base_dir, state_dir, log file, users file and maildirs, all under one data folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { access, chmod, chown, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { accessSync, constants, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

export interface MailUser {
  /** Full address, also the IMAP login name, e.g. `helpdesk@coo.test`. */
  address: string;
  password: string;
}

export interface DovecotOptions {
  dataDir: string;
  host: string;
  imapPort: number;
  lmtpPort: number;
  users: MailUser[];
  /** How long to wait for both listeners to greet. */
  startTimeoutMs?: number;
  /** A temporary folder the watchdog removes if this process dies without stopping Dovecot. */
  removeIfOrphaned?: string;
}

export interface DovecotInstance {
  pid: number;
  configPath: string;
  logPath: string;
  /** Rewrites the users file and waits until Dovecot accepts mail for every user. */
  setUsers(users: MailUser[]): Promise<void>;
  stop(): Promise<void>;
}

/** Thrown when a listener could not bind, so a caller choosing ports can try others. */
export class PortInUseError extends Error {
  constructor(readonly port: number | undefined, message: string) {
    super(message);
    this.name = 'PortInUseError';
  }
}

export class MissingProgramError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingProgramError';
  }
}

const INSTALL_HINT = 'apt-get install -y dovecot-imapd dovecot-lmtpd';

function findOnPath(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Locates the dovecot binary and checks that the IMAP and LMTP services are installed. */
export async function locateDovecot(): Promise<string> {
  const binary = findOnPath('dovecot');
  if (!binary) {
    throw new MissingProgramError(`Dovecot is not installed (no "dovecot" program found). Install the Debian packages: ${INSTALL_HINT}`);
  }
  const libexecDirs = ['/usr/lib/dovecot', '/usr/libexec/dovecot', '/usr/local/libexec/dovecot'];
  const has = async (service: string) => {
    for (const dir of libexecDirs) if (await exists(join(dir, service))) return true;
    return false;
  };
  if (!(await has('imap'))) {
    throw new MissingProgramError(`Dovecot's IMAP server is missing. Install the Debian package dovecot-imapd (${INSTALL_HINT})`);
  }
  if (!(await has('lmtp'))) {
    throw new MissingProgramError(`Dovecot's LMTP server is missing. Install the Debian package dovecot-lmtpd (${INSTALL_HINT})`);
  }
  return binary;
}

function lookupIds(file: string, name: string): number | null {
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const fields = line.split(':');
      if (fields[0] === name && fields[2] !== undefined) return Number(fields[2]);
    }
  } catch {
    // no such file
  }
  return null;
}

const USER_RE = /^[^\s:@]+@[^\s:@]+$/;

function validateUsers(users: MailUser[]): void {
  for (const u of users) {
    if (!USER_RE.test(u.address)) throw new Error(`Mail user "${u.address}" is not a plain address (name@domain, no spaces or colons)`);
    if (u.address.split('@')[0]?.includes('+')) throw new Error(`Mail user "${u.address}" must not contain "+": it separates the address detail`);
    if (/[:\r\n]/.test(u.password) || u.password.length === 0) {
      throw new Error(`Password of mail user "${u.address}" must be non-empty and contain no colon or line break`);
    }
  }
}

function usersFile(users: MailUser[]): string {
  return users.map((u) => `${u.address.toLowerCase()}:{PLAIN}${u.password}\n`).join('');
}

/** Unix socket paths are limited to 107 bytes; long data folders get their sockets under the temp folder. */
function runDirFor(dataDir: string): string {
  const preferred = join(dataDir, 'run');
  if (preferred.length <= 60) return preferred;
  const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  return join(tmpdir(), `coo-dovecot-${hash}`);
}

function configText(o: {
  dataDir: string;
  runDir: string;
  host: string;
  imapPort: number;
  lmtpPort: number;
  usersPath: string;
  instance: string;
  uid: number;
  gid: number;
}): string {
  return `# Generated by scripts/mail/dovecot.ts: a private instance, not the system Dovecot.
protocols = imap lmtp
listen = ${o.host}
instance_name = ${o.instance}
base_dir = ${o.runDir}
state_dir = ${o.dataDir}/state
log_path = ${o.dataDir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_username_format = %Lu
auth_failure_delay = 0
recipient_delimiter = +
mail_location = maildir:~/Maildir
mail_fsync = never
mail_max_userip_connections = 200
default_internal_user = dovecot
default_login_user = dovenull
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%Lu ${o.usersPath}
}
userdb {
  driver = static
  args = uid=${o.uid} gid=${o.gid} home=${o.dataDir}/mail/%Ld/%Ln
}
# No auth penalty: a failed login must not delay later logins from 127.0.0.1 (tests try wrong passwords).
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service imap-login {
  inet_listener imap {
    address = ${o.host}
    port = ${o.imapPort}
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = ${o.host}
    port = ${o.lmtpPort}
  }
}
`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once the listener sends a greeting that starts with `prefix`. */
function greets(host: string, port: number, prefix: string): Promise<boolean> {
  return new Promise((done) => {
    const socket = net.connect({ host, port });
    let buf = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      if (buf.includes('\n')) finish(buf.startsWith(prefix));
    });
  });
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function tail(path: string, lines = 15): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function killGroup(child: ChildProcess, pid: number): Promise<void> {
  if (!groupAlive(pid)) return;
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + 5000;
  await Promise.race([exited, sleep(5000)]);
  while (groupAlive(pid) && Date.now() < deadline) await sleep(20);
  if (groupAlive(pid)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
    while (groupAlive(pid)) await sleep(20);
  }
}

/** Process groups of every instance still running, killed if this process exits without stopping them. */
const running = new Set<number>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of running) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  });
}

/** Asks LMTP whether it would accept mail for `address` (RCPT TO), without sending any. */
export function lmtpAccepts(host: string, port: number, address: string): Promise<boolean> {
  return new Promise((done) => {
    const socket = net.connect({ host, port });
    const steps = ['LHLO probe', 'MAIL FROM:<>', `RCPT TO:<${address}>`];
    let buf = '';
    let step = -1;
    const finish = (ok: boolean) => {
      socket.end('QUIT\r\n');
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(2000, () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      // a reply is complete when its last line has a space after the code
      const lines = buf.split('\r\n');
      const complete = lines.slice(0, -1).find((l) => /^\d{3} /.test(l));
      if (!complete) return;
      buf = '';
      if (step === steps.length - 1) {
        finish(complete.startsWith('250'));
        return;
      }
      if (!/^[23]/.test(complete)) {
        finish(false);
        return;
      }
      step++;
      socket.write(`${steps[step]}\r\n`);
    });
  });
}

export async function startDovecot(opts: DovecotOptions): Promise<DovecotInstance> {
  const binary = await locateDovecot();
  validateUsers(opts.users);
  const dataDir = resolve(opts.dataDir);
  if (/\s/.test(dataDir)) throw new Error(`The mail data folder must not contain spaces: ${dataDir}`);
  const runDir = runDirFor(dataDir);
  const usersPath = join(dataDir, 'users');
  const configPath = join(dataDir, 'dovecot.conf');
  const logPath = join(dataDir, 'dovecot.log');
  const mailDir = join(dataDir, 'mail');

  await mkdir(dataDir, { recursive: true });
  // Mail is written as "nobody": it must be able to reach and write the maildir root.
  await chmod(dataDir, 0o755);
  await mkdir(join(dataDir, 'state'), { recursive: true });
  await mkdir(runDir, { recursive: true });
  await mkdir(mailDir, { recursive: true });
  const nobody = lookupIds('/etc/passwd', 'nobody') ?? 65534;
  const nogroup = lookupIds('/etc/group', 'nogroup') ?? 65534;
  const dovecotUid = lookupIds('/etc/passwd', 'dovecot');
  if (process.getuid?.() === 0) await chown(mailDir, nobody, nogroup);

  const writeUsers = async (users: MailUser[]) => {
    validateUsers(users);
    const tmp = `${usersPath}.tmp`;
    await writeFile(tmp, usersFile(users), { mode: 0o600 });
    // The auth process runs as the "dovecot" user and must read the file.
    if (dovecotUid !== null && process.getuid?.() === 0) await chown(tmp, dovecotUid, 0);
    else await chmod(tmp, 0o644);
    await rename(tmp, usersPath);
  };
  await writeUsers(opts.users);
  const instance = `coo-${createHash('sha256').update(dataDir).digest('hex').slice(0, 8)}`;
  await writeFile(
    configPath,
    configText({ dataDir, runDir, host: opts.host, imapPort: opts.imapPort, lmtpPort: opts.lmtpPort, usersPath, instance, uid: nobody, gid: nogroup }),
  );
  // A fresh log per start makes start-up failures easy to read.
  await rm(logPath, { force: true });

  let stderr = '';
  const child = spawn(binary, ['-F', '-c', configPath], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  const spawnError = new Promise<Error>((r) => child.once('error', r));
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
  });
  let exitInfo: string | null = null;
  child.once('exit', (code, signal) => {
    exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
  });
  const pid = child.pid;
  if (pid === undefined) {
    const err = await spawnError;
    throw new MissingProgramError(`Could not start ${binary}: ${err.message}. Install the Debian packages: ${INSTALL_HINT}`);
  }
  running.add(pid);
  installExitHook();
  // If this process dies without stopping Dovecot (killed test worker, crash), a detached watchdog
  // ends the Dovecot process group within a second or two, so no instance is left running.
  const watchdog = spawn(
    '/bin/sh',
    [
      '-c',
      'while kill -0 "$1" 2>/dev/null && kill -0 -"$2" 2>/dev/null; do sleep 1; done; ' +
        'if kill -0 -"$2" 2>/dev/null; then kill -TERM -"$2" 2>/dev/null; sleep 3; kill -KILL -"$2" 2>/dev/null; ' +
        'if [ -n "$3" ]; then rm -rf -- "$3"; fi; fi',
      'coo-dovecot-watchdog',
      String(process.pid),
      String(pid),
      opts.removeIfOrphaned ? resolve(opts.removeIfOrphaned) : '',
    ],
    { detached: true, stdio: 'ignore' },
  );
  watchdog.on('error', () => {});
  watchdog.unref();

  const stop = async () => {
    if (watchdog.pid !== undefined && watchdog.exitCode === null) {
      try {
        process.kill(watchdog.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await killGroup(child, pid);
    running.delete(pid);
    if (runDir !== join(dataDir, 'run')) await rm(runDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 15_000);
  let imapUp = false;
  let lmtpUp = false;
  while (!(imapUp && lmtpUp)) {
    if (exitInfo !== null) {
      const log = `${stderr}\n${await tail(logPath)}`.trim();
      running.delete(pid);
      await killGroup(child, pid);
      const busy = /Address already in use/i.exec(log);
      if (busy) {
        const port = /listen\([^,]+, (\d+)\)/.exec(log)?.[1];
        throw new PortInUseError(port ? Number(port) : undefined, `Dovecot could not listen: ${log.split('\n').find((l) => l.includes('Address already in use')) ?? log}`);
      }
      throw new Error(`Dovecot stopped during start-up (${exitInfo}). Its log:\n${log}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Dovecot did not accept connections on ${opts.host}:${opts.imapPort} (IMAP) and ${opts.lmtpPort} (LMTP) in time. Its log:\n${await tail(logPath)}`);
    }
    if (!imapUp) imapUp = await greets(opts.host, opts.imapPort, '* OK');
    if (!lmtpUp) lmtpUp = await greets(opts.host, opts.lmtpPort, '220');
    if (!(imapUp && lmtpUp)) await sleep(25);
  }

  const setUsers = async (users: MailUser[]) => {
    await writeUsers(users);
    // Dovecot notices a changed users file within about a second: wait until LMTP knows every user.
    const deadline = Date.now() + 5000;
    for (const u of users) {
      while (!(await lmtpAccepts(opts.host, opts.lmtpPort, u.address))) {
        if (Date.now() > deadline) throw new Error(`Dovecot did not pick up the new mail user ${u.address} in time`);
        await sleep(50);
      }
    }
  };

  return { pid, configPath, logPath, setUsers, stop };
}
