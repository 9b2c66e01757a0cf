/**
 * Throwaway mail servers for a test file or a benchmark: a private Dovecot (IMAP + LMTP) and an SMTP relay
 * delivering into it, in a temporary folder removed on stop, on free ports of the range reserved for mail
 * tests (14000–14099).
 *
 *   const mail = await startTemporaryMailServers({ users: [{ address: 'helpdesk@coo.test', password: 'pw' }] });
 *   ... send with nodemailer to mail.smtp, read with imapflow from mail.imap ...
 *   await mail.stop();
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPortFree } from '../infra/process.js';
import { PortInUseError, startMailServers, type MailServers, type MailUser } from './mail-servers.js';

const FIRST_PORT = 14000;
const LAST_PORT = 14099;
const HOST = '127.0.0.1';

/** Three consecutive free ports in the range, starting at a random slot so parallel test files rarely collide. */
async function pickPorts(): Promise<{ imap: number; lmtp: number; smtp: number }> {
  const slots = Math.floor((LAST_PORT - FIRST_PORT + 1) / 3);
  const first = Math.floor(Math.random() * slots);
  for (let i = 0; i < slots; i++) {
    const base = FIRST_PORT + ((first + i) % slots) * 3;
    if ((await isPortFree(base, HOST)) && (await isPortFree(base + 1, HOST)) && (await isPortFree(base + 2, HOST))) {
      return { imap: base, lmtp: base + 1, smtp: base + 2 };
    }
  }
  throw new Error(`No three free ports left between ${FIRST_PORT} and ${LAST_PORT} for the mail servers`);
}

export async function startTemporaryMailServers(opts: { users: MailUser[] }): Promise<MailServers> {
  const dataDir = await mkdtemp(join(tmpdir(), 'coo-mail-'));
  for (let attempt = 1; ; attempt++) {
    const ports = await pickPorts();
    try {
      return await startMailServers({ dataDir, users: opts.users, ports, host: HOST, removeDataOnStop: true });
    } catch (e) {
      // Another test file took the same ports between the check and the start: try others.
      if (e instanceof PortInUseError && attempt < 10) continue;
      await rm(dataDir, { recursive: true, force: true });
      throw e;
    }
  }
}
