/**
 * Real mail servers for a test file: a private Dovecot (IMAP + LMTP) and an SMTP relay delivering into it,
 * in a temporary folder, on free ports of the range reserved for mail tests (14000–14099).
 *
 *   const mail = await startMailServers({ users: [{ address: 'helpdesk@coo.test', password: 'pw' }] });
 *   ... send with nodemailer to mail.smtp, read with imapflow from mail.imap ...
 *   await mail.stop();
 */
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PortInUseError, startMailServers as start, type MailServers, type MailUser } from '../../scripts/mail/mail-servers.js';

export type { CapturedMessage, MailServers, MailUser } from '../../scripts/mail/mail-servers.js';
export { appendMessage, imapClient, readMailbox, waitForMailboxMessage, type MailboxMessage } from '../../scripts/mail/mailbox.js';

const FIRST_PORT = 14000;
const LAST_PORT = 14099;
const HOST = '127.0.0.1';

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = net.createServer();
    server.once('error', () => done(false));
    server.listen(port, HOST, () => server.close(() => done(true)));
  });
}

/** Three consecutive free ports in the range, starting at a random slot so parallel test files rarely collide. */
async function pickPorts(): Promise<{ imap: number; lmtp: number; smtp: number }> {
  const slots = Math.floor((LAST_PORT - FIRST_PORT + 1) / 3);
  const first = Math.floor(Math.random() * slots);
  for (let i = 0; i < slots; i++) {
    const base = FIRST_PORT + ((first + i) % slots) * 3;
    if ((await portFree(base)) && (await portFree(base + 1)) && (await portFree(base + 2))) {
      return { imap: base, lmtp: base + 1, smtp: base + 2 };
    }
  }
  throw new Error(`No three free ports left between ${FIRST_PORT} and ${LAST_PORT} for the mail servers`);
}

export async function startMailServers(opts: { users: MailUser[] }): Promise<MailServers> {
  const dataDir = await mkdtemp(join(tmpdir(), 'coo-mail-'));
  for (let attempt = 1; ; attempt++) {
    const ports = await pickPorts();
    try {
      return await start({ dataDir, users: opts.users, ports, host: HOST, removeDataOnStop: true });
    } catch (e) {
      // Another test file took the same ports between the check and the start: try others.
      if (e instanceof PortInUseError && attempt < 10) continue;
      await rm(dataDir, { recursive: true, force: true });
      throw e;
    }
  }
}
