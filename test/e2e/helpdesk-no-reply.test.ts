/**
 * A ticket answered by staff that the requester does not answer, on real servers: after the configured
 * wait (seconds here, days in production) it is closed, the requester is told in the ticket's thread, the
 * Slack card says closed, and a reply to the notice opens a new ticket continuing it. A reply from the
 * requester before the deadline keeps the ticket open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helpdeskTicketWorkflowId, ticketStateQuery, type TicketState } from '../../workflows/helpdesk-ticket/contract.js';
import { HelpdeskMessage } from '../../db/entities/index.js';
import { api } from '../helpers/stack.js';
import { CHANNEL, HELPDESK, startMailStack, type MailStack } from './helpdesk-harness.js';

const SENDER = 'meena.rao@coastalmarine.example';
/** the requester's time to answer a staff reply (long enough for the second test's reply to arrive in time on a busy machine) */
const NO_REPLY_MS = 6_000;
/**
 * Longer than NO_REPLY_MS: in the second test the escalation of the requester's reply (waiting on staff
 * again) is the observable proof that the no-reply deadline of the staff answer before it has passed.
 */
const SLA = '10 seconds';
let ms: MailStack;

beforeAll(async () => {
  ms = await startMailStack({
    name: 'helpdesk-no-reply',
    slack: true,
    users: [{ address: SENDER, password: 'meena-pw' }],
    sla: SLA,
    closeAfterNoReply: `${NO_REPLY_MS / 1000} seconds`,
  });
});

afterAll(async () => {
  await ms?.stop();
});

/** Opens a ticket by mail and has staff answer it without resolving it; returns the answer as the requester received it. */
async function openAndAnswer(subject: string, text: string, answer: string) {
  const original = await ms.send({ from: `Meena Rao <${SENDER}>`, to: HELPDESK, subject, text });
  const ticket = await ms.waitFor('the ticket', () => ms.ticketForMessage(original));
  // the automatic first answer is out before staff answer, as it is when a person reads the ticket first
  const ack = await ms.waitForMail(SENDER, (m) => m.messageId === `<ticket-${ticket.number}-m0@coo.test>`);
  expect(ack.inReplyTo).toBe(original);
  const handle = ms.stack.client.workflow.getHandle(helpdeskTicketWorkflowId(ticket.number));
  const token = await ms.stack.token({ sub: 'helpdesk-1', name: 'Kavita Sharma', roles: ['helpdesk'] });
  const r = await api(ms.stack, 'POST', `/v1/helpdesk/tickets/${ticket.number}/reply`, { token, body: { body: answer } });
  expect(r.status).toBe(200);
  expect(r.body.status).toBe('waiting-requester');
  expect(r.body.waitingOnRequesterSince).toBeTruthy();
  const reply = await ms.waitForMail(SENDER, (m) => m.messageId === `<ticket-${ticket.number}-m1@coo.test>`);
  return { original, ticket, handle, reply, answeredAt: Date.parse(r.body.waitingOnRequesterSince as string) };
}

describe('no reply from the requester', () => {
  it('closes a ticket the requester leaves unanswered, tells them in the thread, and a reply to that opens a ticket continuing it', async () => {
    const { original, ticket, handle, reply, answeredAt } = await openAndAnswer(
      'Certificate of origin for Oman',
      'Which agreement should I choose for a shipment of frozen shrimp to Oman?',
      'Choose the India-Oman CEPA; can you tell us the HS code of the shrimp so we can confirm the origin criterion?',
    );

    // the ticket's workflow ends: closed, with the reason recorded before the close
    const row = await ms.waitFor('the ticket closed', async () => {
      const t = await ms.ticket(ticket.number);
      return t.status === 'closed' && t;
    });
    expect(row.resolvedAt).toBeNull();
    const final: TicketState = await handle.result();
    expect(final.status).toBe('closed');
    expect(final.waitingOnRequesterSince).toBeUndefined();
    const kinds = final.events.map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['opened', 'reply', 'closed-no-reply', 'closed']));
    expect(kinds).not.toContain('mail');
    expect(kinds.indexOf('closed-no-reply')).toBeLessThan(kinds.indexOf('closed'));
    const closedAt = Date.parse(final.events.find((e) => e.kind === 'closed-no-reply')!.at);
    expect(closedAt - answeredAt).toBeGreaterThanOrEqual(NO_REPLY_MS);

    // the requester is told, in the ticket's thread
    const notice = await ms.waitForMail(SENDER, (m) => m.messageId === `<ticket-${ticket.number}-m2@coo.test>`);
    expect(notice.subject).toBe(reply.subject);
    expect(notice.inReplyTo).toBe(original);
    expect(notice.references).toEqual(expect.arrayContaining([original, `<ticket-${ticket.number}-m0@coo.test>`, reply.messageId]));
    expect(notice.text).toContain(`We have not heard back from you in ${NO_REPLY_MS / 1000} seconds since our last answer, so ticket ${ticket.number} is now closed.`);
    expect(notice.text).toContain('reply to this e-mail');
    const notices = (await ms.mailbox(SENDER)).filter((m) => (m.text ?? '').includes('We have not heard back from you'));
    expect(notices).toHaveLength(1);

    // the ticket's history and its Slack card
    const history = await ms.stack.orm.em.fork().find(HelpdeskMessage, { ticketNumber: ticket.number }, { orderBy: { id: 'asc' } });
    expect(history.map((m) => m.kind)).toEqual(expect.arrayContaining(['mail', 'acknowledgement', 'reply', 'notice', 'event']));
    expect(history.find((m) => m.kind === 'event')?.text).toContain(`has not written in ${NO_REPLY_MS / 1000} seconds since the last answer`);
    const card = ms.fake!.messagesIn(CHANNEL).find((m) => !m.threadTs && (m.text ?? '').includes(ticket.number))!;
    await ms.waitFor('the card to say closed', async () => JSON.stringify(ms.fake!.message(CHANNEL, card.ts)?.blocks).includes('Closed'));
    expect(JSON.stringify(ms.fake!.message(CHANNEL, card.ts)?.blocks)).not.toContain('helpdesk_actions');
    await ms.waitFor('the notice in the Slack thread', async () => ms.fake!.messagesIn(CHANNEL).some((m) => m.threadTs === card.ts && (m.text ?? '').includes('Automatic notice sent')));

    // a reply to the notice: a new ticket continuing the closed one
    const again = await ms.send({
      from: `Meena Rao <${SENDER}>`,
      to: HELPDESK,
      subject: notice.subject!,
      inReplyTo: notice.messageId!,
      references: [...(notice.references as string[]), notice.messageId!],
      text: 'Sorry for the delay: the HS code is 0306 17.',
    });
    const next = await ms.waitFor('the new ticket', () => ms.ticketForMessage(again));
    expect(next.number).not.toBe(ticket.number);
    expect(next.relatedTicket).toBe(ticket.number);
    expect(next.status).not.toBe('closed');
    expect((await ms.ticket(ticket.number)).status).toBe('closed');
  });

  it('keeps a ticket open when the requester answers before the deadline', async () => {
    const { original, ticket, handle, reply, answeredAt } = await openAndAnswer(
      'Fee for a duplicate certificate',
      'What is the fee for a duplicate certificate of origin?',
      'It depends on the agreement: which certificate do you need a duplicate of?',
    );

    await ms.send({
      from: `Meena Rao <${SENDER}>`,
      to: HELPDESK,
      subject: reply.subject!,
      inReplyTo: reply.messageId!,
      references: [original, reply.messageId!],
      text: 'The one for our shipment to the UAE under CEPA.',
    });
    const answered = await ms.waitFor('the requester’s answer in the ticket', async () => {
      const s = await handle.query(ticketStateQuery);
      return s.events.some((e) => e.kind === 'mail') && s;
    });
    expect(answered.status).toBe('assigned'); // waiting on staff again, with the one who answered
    expect(answered.waitingOnRequesterSince).toBeUndefined();

    // waiting on staff again escalates after the SLA, which ends after the no-reply deadline of the answer
    const escalated = await ms.waitFor('the escalation of the requester’s answer', async () => {
      const s = await handle.query(ticketStateQuery);
      return s.escalations >= 1 && s;
    });
    const escalatedAt = Date.parse(escalated.events.find((e) => e.kind === 'escalated')!.at);
    expect(escalatedAt).toBeGreaterThan(answeredAt + NO_REPLY_MS);
    expect(escalated.status).toBe('assigned');
    expect(escalated.events.map((e) => e.kind)).not.toContain('closed-no-reply');
    expect((await ms.ticket(ticket.number)).status).toBe('assigned');
    expect((await ms.mailbox(SENDER)).some((m) => m.messageId === `<ticket-${ticket.number}-m2@coo.test>`)).toBe(false);
  });
});
