/**
 * The ingester on real servers: unreadable and oversized messages are refused and kept; a restart
 * (with duplicate deliveries, a copy whose keyword was lost, a message recorded but never handed over)
 * processes nothing twice; a reply to a deficiency address from a stranger, or with a forged reference,
 * becomes a suspicious ticket and not a response.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationRow, HelpdeskTicket, InboundMail, InboundMailCopy, NotificationRow } from '../../db/entities/index.js';
import { createReplyToken, replyAddress, subjectTag } from '../../channels/email/reply-token.js';
import { inboundMailWorkflowId } from '../../workflows/helpdesk-ticket/contract.js';
import { recordCopy } from '../../workers/mail-ingester/store.js';
import { dedupeKeyOf } from '../../workers/mail-ingester/dedupe-key.js';
import { api } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait-for.js';
import { completedActivities } from '../helpers/workflow-history.js';
import { appendMessage, imapClient, readMailbox } from '../helpers/mail-servers.js';
import { CHANNEL, HELPDESK, REPLY_SECRET, startMailStack, type MailStack } from './helpdesk-harness.js';

const RAJ = 'raj.sharma@rajkumarexports.example';
const STRANGER = 'someone@freemail.test';
const LIMIT = 200 * 1024;

let ms: MailStack;
let seq = 0;

function rawMessage(o: { from: string; to?: string; subject: string; text: string; messageId?: string | null; extra?: string }): string {
  const id = o.messageId === null ? '' : `Message-ID: ${o.messageId ?? `<ingest-test-${Date.now()}-${++seq}@freemail.test>`}\r\n`;
  return `From: ${o.from}\r\nTo: ${o.to ?? HELPDESK}\r\nSubject: ${o.subject}\r\nDate: ${new Date().toUTCString()}\r\n${id}${o.extra ?? ''}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${o.text}\r\n`;
}

function messageIdOf(raw: string): string {
  return /^Message-ID: (.+)$/im.exec(raw)![1]!.trim();
}

beforeAll(async () => {
  ms = await startMailStack({ name: 'mail-ingest', slack: true, users: [{ address: RAJ, password: 'raj-pw' }, { address: STRANGER, password: 'stranger-pw' }], maxMessageBytes: LIMIT });
  const admin = await ms.stack.token({ sub: 'platform-admin', name: 'Sanjay Verma', roles: ['admin'] });
  expect((await api(ms.stack, 'POST', '/v1/iec-master/AAACR5055K/refresh', { token: admin })).status).toBe(200);
});

afterAll(async () => {
  await ms?.stop();
});

describe('messages that cannot be processed', () => {
  it('refuses an oversized message: only its headers are kept, the sender is told, the copy is marked', async () => {
    const big = Buffer.alloc(LIMIT + 50_000, 'x').toString('base64');
    const messageId = await ms.send({ from: `Raj <${RAJ}>`, to: HELPDESK, subject: 'Scanned documents', text: 'Please see the scans attached.', attachments: [{ filename: 'scan.pdf', content: big }] });
    const row = await ms.waitFor('the outcome', async () => {
      const r = await ms.inbound(messageId);
      return r?.outcome && r;
    });
    expect(row.outcome).toBe('too-large');
    expect(row.rawSha256).toBeNull();
    expect(row.sizeBytes).toBeGreaterThan(LIMIT);
    const kept = await ms.stack.orm.em.fork().findOneOrFail(InboundMail, { id: row.id }, { populate: ['raw'] });
    expect(kept.raw!.length).toBeLessThan(5_000);
    expect(Buffer.from(kept.raw!).toString()).toContain('Subject: Scanned documents');

    const answer = await ms.waitForMail(RAJ, (m) => m.inReplyTo === messageId);
    expect(answer.subject).toBe('Not processed: Scanned documents');
    expect(answer.text).toContain(`more than the 0.2 MB the helpdesk accepts`);
    expect(answer.text).toContain('nothing is lost');
    const copy = await ms.processedCopy(messageId);
    expect(copy.flags).toEqual(expect.arrayContaining(['$CooProcessed', '$CooRejected']));
    expect(await ms.stack.orm.em.fork().count(HelpdeskTicket, { openingMailId: row.id })).toBe(0);
  });

  it('refuses bytes that are not an e-mail and something without a sender, answering nobody', async () => {
    // the earlier tests' mail handled and its answers sent first, so that what is counted below is this test's alone
    await ms.waitFor('earlier mail handled and answered', async () => {
      const em = ms.stack.orm.em.fork();
      return (await em.count(InboundMail, { outcome: null })) === 0 && (await em.count(NotificationRow, { channel: 'email', sentAt: null })) === 0;
    });
    const sentBefore = ms.mail.captured.length;
    const login = ms.mail.login(HELPDESK);
    const garbageUid = await appendMessage(login, Buffer.from('%PDF-1.7\n\x00\x01\x02 not a mail message at all \xff\xfe\n', 'latin1'));
    const headlessUid = await appendMessage(login, 'X-Scanner: ACME\r\nContent-Type: text/plain\r\n\r\nscan finished\r\n');
    await ms.waitFor('both flagged', async () => {
      const all = await readMailbox(login);
      return [garbageUid, headlessUid].every((uid) => all.find((m) => m.uid === uid)?.flags.includes('$CooRejected'));
    });
    const uidValidity = String((await readMailbox(login))[0]!.uidValidity);
    const rows = await ms.stack.orm.em.fork().find(InboundMail, { uidValidity, uid: { $in: [String(garbageUid), String(headlessUid)] } }, { orderBy: { uid: 'asc' } });
    expect(rows.map((r) => r.outcome)).toEqual(['malformed', 'malformed']);
    expect(rows.map((r) => (r.outcomeDetails as { reason: string }).reason).join(' ')).toMatch(/not an e-mail message/);
    // raw bytes kept as received
    const kept = await ms.stack.orm.em.fork().findOneOrFail(InboundMail, { id: rows.find((r) => r.uid === String(garbageUid))!.id }, { populate: ['raw'] });
    expect(Buffer.from(kept.raw!).subarray(0, 8).toString('latin1')).toBe('%PDF-1.7');
    expect(ms.mail.captured.length).toBe(sentBefore);
  });
});

describe('exactly once across restarts and duplicate deliveries', () => {
  it('processes each message once: before and after a restart, for every copy', async () => {
    const em = ms.stack.orm.em.fork();
    const first = rawMessage({ from: `Raj <${RAJ}>`, subject: 'Session expired', text: 'The portal says "I am in Error" after login. What to do?' });
    await ms.mail.deliver(first, HELPDESK, { from: RAJ });
    const firstId = messageIdOf(first);
    await ms.waitFor('the first ticket', () => ms.ticketForMessage(firstId));

    await ms.ingester.stop();
    // while the ingester is down: a second delivery of the first message, two new messages, one of them
    // delivered twice, one new message without a Message-ID, and a copy whose $CooProcessed keyword was lost
    await ms.mail.deliver(first, HELPDESK, { from: RAJ });
    const second = rawMessage({ from: `Raj <${RAJ}>`, subject: 'Change of e-mail address', text: 'How do I change the registered e-mail address of our firm?' });
    const third = rawMessage({ from: `Raj <${RAJ}>`, subject: 'Java error', text: 'Unable to launch application, Java settings problem.' });
    const noId = rawMessage({ from: `Raj <${RAJ}>`, subject: 'Branch not fetched', text: 'Our new branch is not fetched from the IEC.', messageId: null });
    await ms.mail.deliver(second, HELPDESK, { from: RAJ });
    await ms.mail.deliver(second, HELPDESK, { from: RAJ });
    await ms.mail.deliver(third, HELPDESK, { from: RAJ });
    await ms.mail.deliver(noId, HELPDESK, { from: RAJ });
    await ms.mail.deliver(noId, HELPDESK, { from: RAJ });
    const client = imapClient(ms.mail.login(HELPDESK));
    client.on('error', () => {});
    await client.connect();
    const lock = await client.getMailboxLock('INBOX');
    let uidValidity = '';
    try {
      uidValidity = String((client.mailbox as { uidValidity: bigint }).uidValidity);
      const uids = (await client.search({ header: { 'message-id': firstId } }, { uid: true })) || [];
      await client.messageFlagsRemove(String(uids[0]), ['$CooProcessed'], { uid: true });
    } finally {
      lock.release();
      await client.logout();
    }
    // a crash after the copy of `third` was recorded but before its workflow was started
    const all = await readMailbox(ms.mail.login(HELPDESK));
    const thirdCopy = all.find((m) => m.raw.toString().includes(messageIdOf(third)))!;
    await recordCopy(em, { mailbox: `${HELPDESK}/INBOX`, uidValidity, uid: thirdCopy.uid, raw: thirdCopy.raw, complete: true, sizeBytes: thirdCopy.raw.length });

    const before = ms.processed.length;
    const restarted = ms.newIngester();
    await restarted.start();
    // copies: first ×2 (one re-flagged, one duplicate), second ×2, third, noId ×2
    const ours = async () => {
      const ids = new Set<string>();
      for (const raw of [first, second, third]) {
        const m = await em.findOne(InboundMail, { messageId: messageIdOf(raw) }, { refresh: true });
        if (m) ids.add(m.id);
      }
      const n = await em.findOne(InboundMail, { dedupeKey: dedupeKeyOf(Buffer.from(noId)) }, { refresh: true });
      if (n) ids.add(n.id);
      return ms.processed.slice(before).filter((e) => ids.has(e.mailId));
    };
    const events = await ms.waitFor('the 7 copies handled', async () => {
      const e = await ours();
      return e.length >= 7 && e;
    });
    await restarted.drain();

    expect(events).toHaveLength(7);
    expect(events.every((e) => e.outcome === 'ticket')).toBe(true);
    expect(events.filter((e) => e.duplicate)).toHaveLength(3);
    // the copy whose keyword was lost is only flagged again: its outcome was recorded
    expect(events.filter((e) => !e.duplicate && e.alreadyDone)).toHaveLength(1);

    // one ticket and one acknowledgement per message
    for (const raw of [first, second, third]) {
      const id = messageIdOf(raw);
      const mail = await em.findOneOrFail(InboundMail, { messageId: id }, { refresh: true });
      expect(await em.count(InboundMailCopy, { mailId: mail.id })).toBe(2 - (raw === third ? 1 : 0));
      const ticket = await em.findOneOrFail(HelpdeskTicket, { openingMailId: mail.id });
      expect(await em.count(HelpdeskTicket, { subject: ticket.subject })).toBe(1);
      // the acknowledgement is sent by the ticket's own workflow, after the mail's workflow has finished
      await ms.waitForMail(RAJ, (m) => m.inReplyTo === id);
      expect(await em.count(NotificationRow, { notificationKey: `helpdesk/${ticket.number}/out/0` })).toBe(1);
      // visibility is eventually consistent: wait for the run to be listed, then count
      const runs = await ms.waitFor('the workflow in the visibility store', async () => {
        const found = [];
        for await (const w of ms.stack.client.workflow.list({ query: `WorkflowId = "${inboundMailWorkflowId(mail.dedupeKey)}"` })) found.push(w);
        return found.length > 0 && found;
      });
      expect(runs).toHaveLength(1);
    }
    const noIdMail = await em.findOneOrFail(InboundMail, { dedupeKey: dedupeKeyOf(Buffer.from(noId)) });
    expect(noIdMail.messageId).toBeNull();
    expect(await em.count(InboundMailCopy, { mailId: noIdMail.id })).toBe(2);
    expect(await em.count(HelpdeskTicket, { openingMailId: noIdMail.id })).toBe(1);

    // the acknowledgements in Raj's mailbox: exactly one per message (wait for the last one to arrive first)
    await ms.waitForMail(RAJ, (m) => m.subject?.startsWith('Re: Branch not fetched') === true);
    const rajBox = await ms.mailbox(RAJ);
    for (const raw of [first, second, third]) expect(rajBox.filter((m) => m.inReplyTo === messageIdOf(raw))).toHaveLength(1);
    expect(rajBox.filter((m) => m.subject === 'Re: Branch not fetched' || m.subject?.startsWith('Re: Branch not fetched'))).toHaveLength(1);

    // every copy in the mailbox is marked; duplicates say so
    const flagged = await readMailbox(ms.mail.login(HELPDESK));
    const secondCopies = flagged.filter((m) => m.raw.toString().includes(messageIdOf(second)));
    expect(secondCopies).toHaveLength(2);
    expect(secondCopies.every((m) => m.flags.includes('$CooProcessed') && m.flags.includes('$CooTicket'))).toBe(true);
    expect(secondCopies.filter((m) => m.flags.includes('$CooDuplicate'))).toHaveLength(1);
    expect(flagged.filter((m) => !m.flags.includes('$CooProcessed'))).toHaveLength(0);
  });

  it('reconnects after the IMAP connection drops, and takes the mail that arrived meanwhile', async () => {
    await ms.stopIngesters();
    // a TCP proxy in front of Dovecot, so the connection can be cut as a network would
    const sockets = new Set<net.Socket>();
    let refusing = false;
    let refused = 0;
    const proxy = net.createServer((client) => {
      if (refusing) {
        refused++;
        return void client.destroy();
      }
      const upstream = net.connect(ms.mail.imap.port, ms.mail.imap.host);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const port = (proxy.address() as net.AddressInfo).port;
    const ingester = ms.newIngester({ port });
    await ingester.start();
    try {
      const before = ms.processed.length;
      const a = rawMessage({ from: `Raj <${RAJ}>`, subject: 'Dongle not found', text: 'Please Insert Dongel for Signing error appears.' });
      await ms.mail.deliver(a, HELPDESK, { from: RAJ });
      await ms.waitProcessed(before + 1);

      refusing = true;
      for (const s of sockets) s.destroy();
      const b = rawMessage({ from: `Raj <${RAJ}>`, subject: 'Office not listed', text: 'The office is not shown in the drop down list.' });
      await ms.mail.deliver(b, HELPDESK, { from: RAJ });
      // the ingester noticed the drop: it is trying to reconnect, and is refused
      await waitFor(() => refused, { what: 'a reconnection attempt refused by the proxy', until: (n) => n >= 1 });
      expect(ingester.stats().connected).toBe(false);
      refusing = false;

      await ms.waitProcessed(before + 2);
      expect(ingester.stats().connects).toBeGreaterThanOrEqual(2);
      expect(await ms.ticketForMessage(messageIdOf(b))).not.toBeNull();
    } finally {
      await ingester.stop();
      proxy.close();
    }
    // the ingester of the next tests
    await ms.newIngester().start();
  });
});

describe('replies to a deficiency address', () => {
  let app: ApplicationRow;
  let token: string;

  beforeAll(async () => {
    const em = ms.stack.orm.em.fork();
    const number = `TESTCOOAPPLY${String(Date.now()).slice(-8)}AM26`;
    app = em.create(ApplicationRow, {
      id: randomUUID(),
      number,
      iec: 'AAACR5055K',
      createdBy: 'AAACR5055K-1',
      status: 'Deficient',
      tabs: {},
      deficiencyRound: 1,
    } as never);
    await em.flush();
    token = createReplyToken({ applicationNumber: number, round: 1 }, REPLY_SECRET);
  });

  it('does not accept a reply from a stranger: it becomes a suspicious ticket, and the stranger gets no answer', async () => {
    const messageId = await ms.send({
      from: `Someone <${STRANGER}>`,
      to: replyAddress(HELPDESK, token),
      subject: `Re: Deficiency raised on application ${app.number} (round 1) ${subjectTag(token)}`,
      text: 'Here is the clarification you asked for.',
    });
    const row = await ms.waitFor('the outcome', async () => {
      const r = await ms.inbound(messageId);
      return r?.outcome && r;
    });
    expect(row.outcome).toBe('suspicious');
    const ticket = (await ms.ticketForMessage(messageId))!;
    expect(ticket.suspicious).toBe(true);
    expect(ticket.suspicionReason).toContain(`came from ${STRANGER}, which is not an address registered for IEC AAACR5055K`);
    expect(ticket.applicationNumber).toBe(app.number);
    const copy = await ms.processedCopy(messageId);
    expect(copy.flags).toEqual(expect.arrayContaining(['$CooProcessed', '$CooTicket', '$CooSuspicious']));
    const posted = await ms.waitFor('the Slack message', async () => ms.fake!.messagesIn(CHANNEL).find((m) => (m.text ?? '').includes(ticket.number)));
    expect(posted.text).toContain('SUSPICIOUS');
    // nothing went to the stranger, and nothing was handed to the application: checked once the ticket's
    // workflow has shown the ticket in Slack, the step after the one that acknowledges a ticket by e-mail
    // (and the mail's own workflow, which would have handed a response over, has recorded its outcome above)
    await waitFor(() => completedActivities(ms.stack.client.workflow.getHandle(ticket.workflowId)), {
      what: `the ticket workflow ${ticket.workflowId} to complete showTicketInSlack`,
      until: (done) => done.includes('showTicketInSlack'),
    });
    expect(await ms.mailbox(STRANGER)).toHaveLength(0);
    expect(await ms.stack.orm.em.fork().count(NotificationRow, { recipient: STRANGER })).toBe(0);
  });

  it('treats a forged reply reference as suspicious', async () => {
    const forged = `${app.number.toLowerCase()}.1.aaaaaaaaaaaaaaaa`;
    const messageId = await ms.send({ from: `Raj <${RAJ}>`, to: replyAddress(HELPDESK, forged), subject: 'Re: Deficiency', text: 'Clarification attached.' });
    const row = await ms.waitFor('the outcome', async () => {
      const r = await ms.inbound(messageId);
      return r?.outcome && r;
    });
    expect(row.outcome).toBe('suspicious');
    expect((await ms.ticketForMessage(messageId))!.suspicionReason).toContain('not valid');
  });

  it('answers the exporter when the application has no deficiency open for a response', async () => {
    const messageId = await ms.send({ from: `Raj Kumar Sharma <${RAJ}>`, to: replyAddress(HELPDESK, token), subject: `Re: Deficiency ${subjectTag(token)}`, text: 'Clarification: the invoice is correct.' });
    const answer = await ms.waitForMail(RAJ, (m) => m.inReplyTo === messageId);
    expect(answer.text).toContain(`Application ${app.number} has no deficiency open for a response.`);
    expect(answer.replyTo?.text).toContain(replyAddress(HELPDESK, token));
    await ms.waitFor('the outcome', async () => (await ms.inbound(messageId))?.outcome === 'deficiency-refused');
    const copy = await ms.processedCopy(messageId);
    expect(copy.flags).toEqual(expect.arrayContaining(['$CooProcessed', '$CooDeficiency', '$CooRejected']));
  });
});

