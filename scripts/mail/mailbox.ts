/**
 * Small IMAP helpers over imapflow for tests and development tools: read a mailbox, wait for mail,
 * append a message. Each opens its own connection and always releases the mailbox lock and logs out.
 * UIDs are collected with fetchAll: no command is issued inside a fetch iteration (it would deadlock).
 */
import { ImapFlow } from 'imapflow';
import type { Endpoint } from './smtp-relay.js';

export interface MailboxMessage {
  uid: number;
  flags: string[];
  raw: Buffer;
  /** the mailbox's UIDVALIDITY, with uid a stable identity for the message */
  uidValidity: bigint;
}

export interface ImapLogin extends Endpoint {
  user: string;
  password: string;
}

export function imapClient(login: ImapLogin): ImapFlow {
  return new ImapFlow({
    host: login.host,
    port: login.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: login.user, pass: login.password },
    logger: false,
  });
}

async function withClient<T>(login: ImapLogin, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = imapClient(login);
  // A dropped connection is reported as an event; without a listener it would crash the process.
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

export function readMailbox(login: ImapLogin, mailbox = 'INBOX'): Promise<MailboxMessage[]> {
  return withClient(login, async (client) => {
    const lock = await client.getMailboxLock(mailbox);
    try {
      const status = client.mailbox;
      const uidValidity = status && typeof status === 'object' ? BigInt(status.uidValidity) : 0n;
      if (status && typeof status === 'object' && status.exists === 0) return [];
      const all = await client.fetchAll('1:*', { uid: true, flags: true, source: true });
      return all.map((m) => ({ uid: m.uid, flags: [...(m.flags ?? [])], raw: m.source ?? Buffer.alloc(0), uidValidity }));
    } finally {
      lock.release();
    }
  });
}

export function appendMessage(login: ImapLogin, raw: Buffer | string, opts: { mailbox?: string; flags?: string[] } = {}): Promise<number | null> {
  return withClient(login, async (client) => {
    const res = await client.append(opts.mailbox ?? 'INBOX', raw, opts.flags ?? []);
    return res && typeof res === 'object' && typeof res.uid === 'number' ? res.uid : null;
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the mailbox until a message matches; gives up with a clear error after `timeoutMs`. */
export async function waitForMailboxMessage(
  login: ImapLogin,
  predicate: (m: MailboxMessage) => boolean,
  opts: { mailbox?: string; timeoutMs?: number } = {},
): Promise<MailboxMessage> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let seen = 0;
  for (;;) {
    const messages = await readMailbox(login, opts.mailbox);
    seen = messages.length;
    const hit = messages.find(predicate);
    if (hit) return hit;
    if (Date.now() > deadline) {
      throw new Error(`No matching message arrived in ${login.user}'s ${opts.mailbox ?? 'INBOX'} (${seen} messages there)`);
    }
    await sleep(100);
  }
}
