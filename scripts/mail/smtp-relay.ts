/**
 * An SMTP server (nodemailer's smtp-server) standing in for the outgoing mail relay: every message it
 * receives is recorded, and delivered over LMTP into the Dovecot mailbox of each recipient that is a
 * local user, so mail the application sends to an exporter really arrives in the exporter's IMAP INBOX.
 */
import { EventEmitter } from 'node:events';
import nodemailer from 'nodemailer';
import type { NodemailerError } from 'nodemailer/lib/errors';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export interface Endpoint {
  host: string;
  port: number;
}

export interface CapturedMessage {
  /** 1, 2, 3… in order of arrival */
  seq: number;
  /** envelope sender ('' for the null sender) */
  from: string;
  /** envelope recipients */
  to: string[];
  raw: Buffer;
  receivedAt: Date;
  /** recipients whose mailbox received the message over LMTP */
  delivered: string[];
  /** recipients that are not local users (only recorded), or that LMTP refused */
  notDelivered: { address: string; reason: string }[];
  /** user name given with SMTP AUTH, if any */
  authUser: string | null;
}

export interface SmtpRelayOptions {
  host: string;
  port: number;
  lmtp: Endpoint;
  /** Address of the local mailbox for a recipient (without any +detail), or null when the recipient is not local. */
  localMailbox(address: string): string | null;
  /** Where mail to non-local recipients is also delivered (a development catch-all), if anywhere. */
  catchAll?: string;
  /** SMTP AUTH is optional; when given, only these credentials are accepted. */
  checkLogin?(user: string, password: string): boolean;
  maxMessageBytes?: number;
}

export interface SmtpRelay extends Endpoint {
  readonly messages: readonly CapturedMessage[];
  /** Resolves with the first message (already received or arriving later) that matches. */
  waitFor(predicate: (m: CapturedMessage) => boolean, timeoutMs?: number): Promise<CapturedMessage>;
  clear(): void;
  stop(): Promise<void>;
}

/** Delivers a raw message over LMTP; returns the recipients refused, with the server's answer. */
export async function deliverLmtp(
  lmtp: Endpoint,
  raw: Buffer | string,
  envelope: { from: string; to: string[] },
): Promise<{ accepted: string[]; rejected: { address: string; reason: string }[] }> {
  const transport = nodemailer.createTransport({
    host: lmtp.host,
    port: lmtp.port,
    lmtp: true,
    secure: false,
    ignoreTLS: true,
    name: 'coo-mail-relay',
  });
  try {
    const info = await transport.sendMail({ envelope: { from: envelope.from, to: envelope.to }, raw });
    const errors = (info as { rejectedErrors?: { recipient?: string; response?: string; message: string }[] }).rejectedErrors ?? [];
    const rejected = info.rejected.map((address) => {
      const err = errors.find((e) => e.recipient === address);
      return { address, reason: err?.response ?? err?.message ?? 'refused' };
    });
    return { accepted: info.accepted, rejected };
  } catch (e) {
    const err = e as NodemailerError;
    if (err.rejected && err.rejected.length === envelope.to.length) {
      return { accepted: [], rejected: envelope.to.map((address) => ({ address, reason: err.response ?? err.message })) };
    }
    throw e;
  } finally {
    transport.close();
  }
}

function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => done(Buffer.concat(chunks)));
    stream.on('error', fail);
  });
}

export async function startSmtpRelay(opts: SmtpRelayOptions): Promise<SmtpRelay> {
  const messages: CapturedMessage[] = [];
  const events = new EventEmitter();
  events.setMaxListeners(100);
  let seq = 0;
  const maxBytes = opts.maxMessageBytes ?? 50 * 1024 * 1024;

  const onData = async (stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> => {
    const raw = await readAll(stream);
    if (stream.sizeExceeded) {
      throw Object.assign(new Error(`Message is larger than ${maxBytes} bytes`), { responseCode: 552 });
    }
    const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const to = session.envelope.rcptTo.map((r) => r.address);
    const local = new Map<string, string[]>();
    const notDelivered: CapturedMessage['notDelivered'] = [];
    for (const address of to) {
      const mailbox = opts.localMailbox(address) ?? opts.catchAll ?? null;
      if (mailbox === null) {
        notDelivered.push({ address, reason: 'not a local mailbox (recorded only)' });
        continue;
      }
      // Keep the +detail of a local address: LMTP files it in the user's mailbox and keeps it in Delivered-To.
      const rcpt = opts.localMailbox(address) ? address : mailbox;
      local.set(rcpt, [...(local.get(rcpt) ?? []), address]);
    }
    const delivered: string[] = [];
    if (local.size > 0) {
      let result;
      try {
        result = await deliverLmtp(opts.lmtp, raw, { from, to: [...local.keys()] });
      } catch (e) {
        throw Object.assign(new Error(`Local delivery failed: ${(e as Error).message}`), { responseCode: 451 });
      }
      for (const rcpt of result.accepted) delivered.push(...(local.get(rcpt) ?? [rcpt]));
      for (const r of result.rejected) for (const address of local.get(r.address) ?? [r.address]) notDelivered.push({ address, reason: r.reason });
    }
    const captured: CapturedMessage = {
      seq: ++seq,
      from,
      to,
      raw,
      receivedAt: new Date(),
      delivered,
      notDelivered,
      authUser: typeof session.user === 'string' ? session.user : null,
    };
    messages.push(captured);
    events.emit('message', captured);
  };

  const server = new SMTPServer({
    name: 'coo-mail-relay',
    banner: 'CoO development mail relay',
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    hideSTARTTLS: true,
    size: maxBytes,
    logger: false,
    disableReverseLookup: true,
    onAuth(auth, _session, callback) {
      const user = auth.username ?? '';
      const ok = opts.checkLogin ? opts.checkLogin(user, auth.password ?? '') : true;
      if (!ok) {
        callback(Object.assign(new Error('Invalid user name or password'), { responseCode: 535 }));
        return;
      }
      callback(null, { user });
    },
    onData(stream, session, callback) {
      onData(stream, session).then(
        () => callback(),
        (e: unknown) => callback(e as Error),
      );
    },
  });

  await new Promise<void>((done, fail) => {
    const onError = (e: Error) => fail(e);
    server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.off('error', onError);
      done();
    });
  });
  server.on('error', () => {
    // connection-level errors (a client hanging up) are not fatal to the server
  });

  return {
    host: opts.host,
    port: opts.port,
    messages,
    waitFor(predicate, timeoutMs = 10_000) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((done, fail) => {
        const onMessage = (m: CapturedMessage) => {
          if (!predicate(m)) return;
          clearTimeout(timer);
          events.off('message', onMessage);
          done(m);
        };
        const timer = setTimeout(() => {
          events.off('message', onMessage);
          fail(new Error(`No matching message reached the SMTP server within ${timeoutMs} ms (${messages.length} received)`));
        }, timeoutMs);
        events.on('message', onMessage);
      });
    },
    clear() {
      messages.length = 0;
    },
    stop() {
      return new Promise<void>((done) => server.close(() => done()));
    },
  };
}
