/**
 * The helpdesk's mail path inside one process, on real servers: a private Dovecot (IMAP + LMTP) and an
 * SMTP relay delivering into it, the worker on the given Temporal server and PostgreSQL, the API with the
 * helpdesk's Slack app mounted (pointed at a Slack Web API by URL when one is given), and the mail ingester
 * watching helpdesk@coo.test over IMAP. For the mail benchmark; the end-to-end tests reach it through
 * test/e2e/helpdesk-harness.ts, which adds a fake Slack workspace.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { webApi } from '@slack/bolt';
import type { Duration } from '@temporalio/common';
import { simpleParser, type ParsedMail } from 'mailparser';
import { createApp } from '../../api/app.js';
import { authenticatorFromConfig } from '../../api/http/auth.js';
import { createApiServer } from '../../api/http/client-error.js';
import { OutboxNotifier } from '../../services/notification/notifier.js';
import type { ActivityDeps } from '../../activities/index.js';
import { createLogger } from '../../lib/logger.js';
import type { Config } from '../../lib/config.js';
import { HELPDESK_SLACK_PATH } from '../../channels/slack-helpdesk/app.js';
import { HelpdeskTicket, InboundMail } from '../../db/entities/index.js';
import { createMailIngester, type MailIngester, type ProcessedEvent } from '../../workers/mail-ingester/ingester.js';
import { waitFor as waitUntil } from './wait-for.js';
import type { MailServers, MailUser } from '../mail/mail-servers.js';
import { readMailbox } from '../mail/mailbox.js';
import { startTemporaryMailServers } from '../mail/temporary-mail-servers.js';
import { startStack, type Stack, type StackServices } from './stack.js';

export const HELPDESK = 'helpdesk@coo.test';
export const HELPDESK_PASSWORD = 'helpdesk-pw';
export const DOMAIN = 'coo.test';
export const REPLY_SECRET = 'reply-secret-for-e2e-tests-0001';

/** The helpdesk's Slack app as configured by HELPDESK_SLACK_*, its Web API at `apiUrl`. */
export interface HelpdeskSlack {
  apiUrl: string;
  botToken: string;
  signingSecret: string;
  channel: string;
}

export interface MailStackOptions {
  name: string;
  /** the PostgreSQL and Temporal server to run on */
  services: StackServices;
  users: MailUser[];
  /** without it, the helpdesk runs without Slack */
  slack?: HelpdeskSlack;
  sla?: Duration;
  escalateEvery?: Duration;
  closeAfterResolved?: Duration;
  closeAfterNoReply?: Duration;
  maxMessageBytes?: number;
  concurrency?: number;
  escalationEmail?: string;
  deps?: Partial<ActivityDeps>;
  /** start the ingester at once (default true) */
  startIngester?: boolean;
}

export type ParsedMailboxMessage = ParsedMail & { uid: number; flags: string[] };

export interface MailStack {
  stack: Stack;
  mail: MailServers;
  /** the API's endpoint for the helpdesk's Slack app (requests signed with the signing secret) */
  slackUrl: string;
  ingester: MailIngester;
  processed: ProcessedEvent[];
  /** sends over the SMTP relay (as an exporter's mail server would) */
  send(msg: SendMailOptions): Promise<string>;
  /** a new ingester on the same mailbox (optionally through another port, e.g. a proxy) */
  newIngester(o?: { port?: number }): MailIngester;
  /** stops every ingester started so far */
  stopIngesters(): Promise<void>;
  waitProcessed(count: number, timeoutMs?: number): Promise<ProcessedEvent[]>;
  waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs?: number): Promise<T>;
  waitForMail(address: string, predicate: (m: ParsedMailboxMessage) => boolean, timeoutMs?: number): Promise<ParsedMailboxMessage>;
  mailbox(address: string): Promise<ParsedMailboxMessage[]>;
  /** the helpdesk's copy of a message, once the ingester has flagged it processed (flags come after the outcome) */
  processedCopy(messageId: string, timeoutMs?: number): Promise<ParsedMailboxMessage>;
  ticket(n: string): Promise<HelpdeskTicket>;
  ticketForMessage(messageId: string): Promise<HelpdeskTicket | null>;
  inbound(messageId: string): Promise<InboundMail | null>;
  stop(): Promise<void>;
}

export async function startMailStack(opts: MailStackOptions): Promise<MailStack> {
  const mail = await startTemporaryMailServers({ users: [{ address: HELPDESK, password: HELPDESK_PASSWORD }, ...opts.users] });
  const slack = opts.slack;
  const stack = await startStack({ name: opts.name, services: opts.services });
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', service: `test:${opts.name}` });
  const mailer = nodemailer.createTransport({ host: mail.smtp.host, port: mail.smtp.port, secure: false, ignoreTLS: true });
  const maxMessageBytes = opts.maxMessageBytes ?? 30 * 1024 * 1024;
  const deps: Partial<ActivityDeps> = {
    notifier: new OutboxNotifier({ em: () => stack.orm.em.fork(), mailer, from: `CoO Trade Connect <no-reply@${DOMAIN}>` }),
    mail: {
      context: { platformName: 'CoO Trade Connect', portalUrl: stack.baseUrl, helpdeskAddress: HELPDESK },
      domain: DOMAIN,
      replyMailbox: HELPDESK,
      replySecret: REPLY_SECRET,
    },
    helpdesk: {
      temporal: () => stack.client,
      slack: slack ? { client: new webApi.WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }), channel: slack.channel } : null,
      escalationEmail: opts.escalationEmail ?? null,
      maxMessageBytes,
    },
    ...opts.deps,
  };
  await stack.startWorker(deps);

  // the API as it runs with the helpdesk's Slack configured (HELPDESK_SLACK_*), on its own port
  const config: Config = {
    ...stack.config,
    helpdesk: {
      ...stack.config.helpdesk,
      slack: slack ? { botToken: slack.botToken, signingSecret: slack.signingSecret, channel: slack.channel, apiUrl: slack.apiUrl, staff: {} } : undefined,
    },
  };
  const app = createApp({ config, logger, orm: stack.orm, temporal: stack.client, authenticator: authenticatorFromConfig({ ...config.auth, jwksUrl: undefined }, stack.devKey) });
  const server: http.Server = await new Promise((resolve) => {
    const s = createApiServer(app).listen(0, '127.0.0.1', () => resolve(s));
  });
  const slackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${HELPDESK_SLACK_PATH}`;

  const processed: ProcessedEvent[] = [];
  const ingesters: MailIngester[] = [];
  const newIngester = (o: { port?: number } = {}) => {
    const ing = createMailIngester({
      imap: { host: mail.imap.host, port: o.port ?? mail.imap.port, secure: false, user: HELPDESK, password: HELPDESK_PASSWORD, mailbox: 'INBOX' },
      em: () => stack.orm.em.fork(),
      temporal: stack.client,
      ticketTimings: { sla: opts.sla ?? '1 hour', ...(opts.escalateEvery ? { escalateEvery: opts.escalateEvery } : {}), closeAfterResolved: opts.closeAfterResolved ?? '1 hour', closeAfterNoReply: opts.closeAfterNoReply ?? '1 hour' },
      concurrency: opts.concurrency ?? 4,
      maxMessageBytes,
      logger,
      pollEveryMs: 2_000,
      backoff: { initialMs: 100, maxMs: 2_000 },
    });
    ing.on('processed', (e) => processed.push(e));
    ingesters.push(ing);
    return ing;
  };
  const ingester = newIngester();
  if (opts.startIngester !== false) await ingester.start();

  // mailboxes are read over IMAP: errors (a connection refused while Dovecot is busy) count as "not yet"
  const waitFor = <T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 30_000): Promise<T> =>
    waitUntil(fn, { what, timeoutMs, intervalMs: 100, retryErrors: true, until: (v) => Boolean(v) }) as Promise<T>;
  const parseAll = async (address: string) => {
    const list = await readMailbox(mail.login(address));
    return Promise.all(list.map(async (m) => Object.assign(await simpleParser(m.raw), { uid: m.uid, flags: m.flags })));
  };

  return {
    stack,
    mail,
    slackUrl,
    ingester,
    processed,
    async send(msg) {
      const info = await mailer.sendMail(msg);
      return info.messageId;
    },
    newIngester,
    async stopIngesters() {
      for (const i of ingesters) await i.stop();
    },
    waitProcessed: async (count, timeoutMs = 30_000) => {
      await waitUntil(() => processed.length, { what: `${count} processed messages (the count of them)`, timeoutMs, until: (n) => n >= count });
      return processed;
    },
    waitFor,
    waitForMail: (address, predicate, timeoutMs = 30_000) =>
      waitFor(
        `a matching message in ${address}`,
        async () => {
          for (const m of await parseAll(address)) if (predicate(m)) return m;
          return null;
        },
        timeoutMs,
      ),
    mailbox: parseAll,
    processedCopy: (messageId, timeoutMs = 30_000) =>
      waitFor(
        `the helpdesk copy of ${messageId} flagged processed`,
        async () => (await parseAll(HELPDESK)).find((m) => m.messageId === messageId && m.flags.includes('$CooProcessed')),
        timeoutMs,
      ),
    ticket: async (n) => stack.orm.em.fork().findOneOrFail(HelpdeskTicket, { number: n }, { refresh: true }),
    async ticketForMessage(messageId) {
      const m = await stack.orm.em.fork().findOne(InboundMail, { messageId });
      if (!m) return null;
      return stack.orm.em.fork().findOne(HelpdeskTicket, { openingMailId: m.id });
    },
    inbound: async (messageId) => stack.orm.em.fork().findOne(InboundMail, { messageId }, { refresh: true }),
    async stop() {
      for (const i of ingesters) await i.stop();
      // end this run's ticket workflows: their SLA timers must not fire into the next test file's worker
      const mailIds = [...new Set(processed.map((e) => e.mailId))];
      const tickets = mailIds.length ? await stack.orm.em.fork().find(HelpdeskTicket, { openingMailId: { $in: mailIds } }) : [];
      await Promise.allSettled(tickets.map((t) => stack.client.workflow.getHandle(t.workflowId).terminate('end of the test file')));
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await stack.stop();
      await mail.stop();
    },
  };
}
