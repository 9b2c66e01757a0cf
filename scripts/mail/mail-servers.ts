/**
 * Real mail servers for tests and development: a private Dovecot (IMAP for reading mailboxes, LMTP for
 * delivery) and an SMTP relay that records what it receives and delivers it to local mailboxes.
 *
 * Tests and benchmarks use temporary-mail-servers.ts (temporary folder, free ports); `npm start` uses
 * startDevMailServers (fixed ports, a data folder that persists across restarts).
 */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PortInUseError, startDovecot, type DovecotInstance, type MailUser } from './dovecot.js';
import { deliverLmtp, startSmtpRelay, type CapturedMessage, type Endpoint, type SmtpRelay } from './smtp-relay.js';
import type { ImapLogin } from './mailbox.js';

export type { MailUser } from './dovecot.js';
export type { CapturedMessage, Endpoint } from './smtp-relay.js';
export { PortInUseError, MissingProgramError } from './dovecot.js';

export interface MailPorts {
  imap: number;
  lmtp: number;
  smtp: number;
}

export interface MailServersOptions {
  dataDir: string;
  users: MailUser[];
  ports: MailPorts;
  host?: string;
  /** Development: mail to non-local recipients is delivered to this local user too. */
  catchAll?: string;
  /** Require SMTP AUTH credentials to be those of a local user (AUTH stays optional). */
  checkSmtpLogin?: boolean;
  /** Remove the data folder on stop (tests). */
  removeDataOnStop?: boolean;
}

export interface MailServers {
  host: string;
  imap: Endpoint;
  lmtp: Endpoint;
  smtp: Endpoint;
  dataDir: string;
  users(): MailUser[];
  /** IMAP login details for a local user. */
  login(address: string): ImapLogin;
  /** Messages the SMTP relay received, in order. */
  readonly captured: readonly CapturedMessage[];
  waitForCaptured(predicate: (m: CapturedMessage) => boolean, timeoutMs?: number): Promise<CapturedMessage>;
  /** Delivers a raw message straight into local mailboxes over LMTP (as if from the outside world). */
  deliver(raw: Buffer | string, to: string | string[], opts?: { from?: string }): Promise<void>;
  addUsers(users: MailUser[]): Promise<void>;
  stop(): Promise<void>;
}

/** The mailbox (user address) a recipient address lands in, ignoring a +detail and letter case. */
export function mailboxOf(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return address.toLowerCase();
  const local = address.slice(0, at);
  const plus = local.indexOf('+');
  return `${plus >= 0 ? local.slice(0, plus) : local}${address.slice(at)}`.toLowerCase();
}

export async function startMailServers(opts: MailServersOptions): Promise<MailServers> {
  const host = opts.host ?? '127.0.0.1';
  const dataDir = resolve(opts.dataDir);
  let users = dedupe(opts.users);
  if (opts.catchAll && !users.some((u) => u.address.toLowerCase() === opts.catchAll?.toLowerCase())) {
    throw new Error(`The catch-all address ${opts.catchAll} must be one of the mail users`);
  }
  const dovecot: DovecotInstance = await startDovecot({
    dataDir,
    host,
    imapPort: opts.ports.imap,
    lmtpPort: opts.ports.lmtp,
    users,
    ...(opts.removeDataOnStop ? { removeIfOrphaned: dataDir } : {}),
  });
  const lmtp = { host, port: opts.ports.lmtp };
  let relay: SmtpRelay;
  try {
    relay = await startSmtpRelay({
      host,
      port: opts.ports.smtp,
      lmtp,
      localMailbox: (address) => {
        const box = mailboxOf(address);
        return users.some((u) => u.address.toLowerCase() === box) ? box : null;
      },
      ...(opts.catchAll ? { catchAll: opts.catchAll } : {}),
      ...(opts.checkSmtpLogin
        ? { checkLogin: (user: string, password: string) => users.some((u) => u.address.toLowerCase() === user.toLowerCase() && u.password === password) }
        : {}),
    });
  } catch (e) {
    await dovecot.stop();
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PortInUseError(opts.ports.smtp, `SMTP port ${host}:${opts.ports.smtp} is already in use`);
    }
    throw e;
  }

  let stopped = false;
  return {
    host,
    imap: { host, port: opts.ports.imap },
    lmtp,
    smtp: { host, port: opts.ports.smtp },
    dataDir,
    users: () => [...users],
    login(address) {
      const user = users.find((u) => u.address.toLowerCase() === mailboxOf(address));
      if (!user) throw new Error(`${address} is not a user of this mail server`);
      return { host, port: opts.ports.imap, user: user.address, password: user.password };
    },
    get captured() {
      return relay.messages;
    },
    waitForCaptured: (predicate, timeoutMs) => relay.waitFor(predicate, timeoutMs),
    async deliver(raw, to, o = {}) {
      const recipients = Array.isArray(to) ? to : [to];
      const result = await deliverLmtp(lmtp, raw, { from: o.from ?? '', to: recipients });
      if (result.rejected.length > 0) {
        throw new Error(`LMTP refused ${result.rejected.map((r) => `${r.address} (${r.reason})`).join(', ')}`);
      }
    },
    async addUsers(more) {
      users = dedupe([...users, ...more]);
      await dovecot.setUsers(users);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await relay.stop();
      await dovecot.stop();
      if (opts.removeDataOnStop) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function dedupe(users: MailUser[]): MailUser[] {
  const byAddress = new Map<string, MailUser>();
  for (const u of users) byAddress.set(u.address.toLowerCase(), u);
  return [...byAddress.values()];
}

export const DEV_MAIL_PORTS: MailPorts = { imap: 1143, lmtp: 1124, smtp: 1025 };
export const DEV_MAIL_DOMAIN = 'coo.test';
export const DEV_MAIL_USERS: MailUser[] = [
  { address: `helpdesk@${DEV_MAIL_DOMAIN}`, password: 'helpdesk' },
  { address: `noreply@${DEV_MAIL_DOMAIN}`, password: 'noreply' },
  { address: `catchall@${DEV_MAIL_DOMAIN}`, password: 'catchall' },
];

/**
 * The development mail server: fixed ports, mail kept in `dataDir` across restarts, and every message
 * sent to an address that is not a local user delivered to catchall@coo.test so it can be read over IMAP.
 */
export function startDevMailServers(opts: { dataDir?: string; ports?: Partial<MailPorts>; users?: MailUser[]; host?: string } = {}): Promise<MailServers> {
  return startMailServers({
    dataDir: opts.dataDir ?? '.data/mail',
    users: [...DEV_MAIL_USERS, ...(opts.users ?? [])],
    ports: { ...DEV_MAIL_PORTS, ...opts.ports },
    host: opts.host ?? '127.0.0.1',
    catchAll: `catchall@${DEV_MAIL_DOMAIN}`,
  });
}
