/**
 * `npm start`'s development mail server: the Debian packages of Dovecot installed the way `npm test`
 * installs them (scripts/lib/system-packages.ts), then the private Dovecot and its SMTP relay started.
 * Without them the start goes on with e-mails kept in the notification table, having said what to run.
 */
import { MissingProgramError, startDevMailServers, type MailServers } from '../mail/mail-servers.js';
import { ensureSystemPackages, MAIL_SERVER_PROGRAMS, type InstallerHost } from './system-packages.js';

export interface DevMailDeps {
  /** the machine the packages are checked and installed on (tests pass their own) */
  host?: InstallerHost;
  start?: (o: { dataDir: string }) => Promise<MailServers>;
}

export async function bringUpDevMail(o: { dataDir: string; log: (line: string) => void }, deps: DevMailDeps = {}): Promise<MailServers | undefined> {
  const installed = ensureSystemPackages(o.log, { programs: MAIL_SERVER_PROGRAMS, ...(deps.host ? { host: deps.host } : {}) });
  if (!installed) {
    o.log('no development mail server (see above); e-mails are kept in the notification table instead');
    return undefined;
  }
  try {
    return await (deps.start ?? startDevMailServers)({ dataDir: o.dataDir });
  } catch (e) {
    const why = e instanceof MissingProgramError ? e.message : `could not start (${(e as Error).message})`;
    o.log(`no development mail server: ${why}; e-mails are kept in the notification table instead`);
    return undefined;
  }
}
