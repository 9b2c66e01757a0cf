/**
 * Helpdesk mail on real servers: an exporter writes to helpdesk@coo.test over SMTP, the ingester takes it
 * from Dovecot over IMAP, a ticket workflow answers with the seed FAQ's fix in the same thread, posts the
 * ticket to the helpdesk channel, and staff take and answer it with signed Slack requests; the answer
 * arrives in the exporter's IMAP mailbox in the same thread, and the exporter's reply joins the ticket.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownProblem } from '../../channels/email/faq.js';
import { helpdeskTicketWorkflowId, ticketStateQuery } from '../../workflows/helpdesk-ticket/contract.js';
import { ActionId, CallbackId, InputActionId, InputBlockId, encodeModalContext } from '../../channels/slack-helpdesk/blocks.js';
import { AuditEvent, ExporterUser, HelpdeskMessage, HelpdeskTicket, UserIdentityState } from '../../db/entities/index.js';
import { freezeUser } from '../../services/identity/freeze.js';
import { api } from '../helpers/stack.js';
import { checkboxValues, textValue } from '../helpers/slack-sign.js';
import { CHANNEL, HELPDESK, KAVITA, PRIYA, SANJAY, startMailStack, type MailStack } from './helpdesk-harness.js';

const RAJ = 'raj.sharma@rajkumarexports.example';
const ANITA = 'anita.menon@sahyadrispices.example';
/**
 * The frozen exporter user of the lift-freeze test: an IEC and a user of their own, so the rows this file
 * creates never meet the identity test's users of the shared test database (whichever file runs first).
 */
const FROZEN = { id: 'HDFRZ00001-1', iec: 'HDFRZ00001', name: 'Meera Iyer', email: 'meera.iyer@frozen-exporter.example' };
const MEERA = FROZEN.email;

let ms: MailStack;

/** What a ticket action would change: the read model, its history, and the workflow's state (mails sent included). */
async function snapshot(n: string) {
  const t = await ms.ticket(n);
  const live = await ms.stack.client.workflow.getHandle(helpdeskTicketWorkflowId(n)).query(ticketStateQuery);
  return {
    status: t.status,
    assigneeId: t.assigneeId,
    resolvedAt: t.resolvedAt,
    messages: await ms.stack.orm.em.fork().count(HelpdeskMessage, { ticketNumber: n }),
    live: { status: live.status, assignee: live.assignee, outgoing: live.outgoing, events: live.events.length },
  };
}

/** The officer's token, for the same operations over HTTP. */
const priyaToken = () => ms.stack.token({ sub: PRIYA.staffId, name: PRIYA.name, roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' });

function textOf(blocks: unknown): string {
  const parts: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'text' && typeof x === 'string') parts.push(x);
        else walk(x);
      }
    }
  };
  walk(blocks);
  return parts.join('\n');
}

beforeAll(async () => {
  ms = await startMailStack({
    name: 'helpdesk',
    slack: true,
    users: [
      { address: RAJ, password: 'raj-pw' },
      { address: ANITA, password: 'anita-pw' },
      { address: MEERA, password: 'meera-pw' },
    ],
  });
  // the IEC master record, so tickets naming the IEC are linked to it
  const admin = await ms.stack.token({ sub: 'platform-admin', name: 'Sanjay Verma', roles: ['admin'] });
  const r = await api(ms.stack, 'POST', '/v1/iec-master/AAACR5055K/refresh', { token: admin });
  expect(r.status).toBe(200);
});

afterAll(async () => {
  await ms?.stop();
});

describe('a helpdesk mail becomes a ticket answered with the seed FAQ fix', () => {
  it.each([
    {
      category: 'dsc_expired',
      subject: 'Error while signing the application',
      text: 'Dear Sir,\n\nWhen I try to sign my CoO application the portal says "Expired Certificate". Our IEC is AAACR5055K.\n\nThanks & Regards,\nRaj Kumar Sharma\nRaj Kumar Exports Pvt Ltd',
      fix: 'The error "Expired Certificate" is due to one of two reasons',
    },
    {
      category: 'payment_not_reflected',
      subject: 'Fee paid but application still pending',
      text: 'Sir, the amount of Rs 392 was debited from our bank account but the application still shows Pending Payment. UTR 401234567890.\n\nRegards',
      fix: 'do not pay again',
    },
  ])('$category: the first answer carries the fix and the ticket number, in the sender’s thread', async ({ category, subject, text, fix }) => {
    const messageId = await ms.send({ from: `Raj Kumar Sharma <${RAJ}>`, to: HELPDESK, subject, text });
    const ack = await ms.waitForMail(RAJ, (m) => m.inReplyTo === messageId);

    const ticket = await ms.waitFor('the ticket', () => ms.ticketForMessage(messageId));
    expect(ticket.category).toBe(category);
    expect(ack.subject).toBe(`Re: ${subject} [Ticket ${ticket.number}]`);
    expect(ack.messageId).toBe(`<ticket-${ticket.number}-m0@coo.test>`);
    expect(ack.references).toContain(messageId);
    expect(ack.text).toContain(`registered as ticket ${ticket.number}`);
    expect(ack.text).toContain(fix);
    expect(ack.text).toContain(knownProblem(category as never)!.title);
    expect(ack.html).toContain(ticket.number);

    if (category === 'dsc_expired') expect(ticket.iec).toBe('AAACR5055K');

    // the mailbox shows what happened to the message
    const copy = await ms.processedCopy(messageId);
    expect(copy.flags).toEqual(expect.arrayContaining(['$CooProcessed', '$CooTicket']));

    // and the helpdesk channel has the ticket with its category
    const posted = await ms.waitFor('the Slack message', async () => ms.fake!.messagesIn(CHANNEL).find((m) => !m.threadTs && textOf(m.blocks).includes(ticket.number)));
    expect(textOf(posted.blocks)).toContain(knownProblem(category as never)!.title);
    expect(textOf(posted.blocks)).toContain(RAJ);
  });

  it('answers nothing to an auto-reply, and the mailbox says it was processed', async () => {
    const messageId = await ms.send({ from: RAJ, to: HELPDESK, subject: 'Out of office', text: 'I am away until Monday.', headers: { 'Auto-Submitted': 'auto-replied' } });
    const row = await ms.waitFor('the outcome', async () => (await ms.inbound(messageId))?.outcome && ms.inbound(messageId));
    expect(row.outcome).toBe('ignored');
    const copy = await ms.processedCopy(messageId);
    expect(copy.flags).toContain('$CooProcessed');
    expect(copy.flags).not.toContain('$CooTicket');
    expect((await ms.mailbox(RAJ)).some((m) => m.inReplyTo === messageId)).toBe(false);
  });
});

describe('staff take and answer a ticket from Slack; the answer goes out by e-mail in the same thread', () => {
  it('takes, replies (modal), and threads the exporter’s reply into the same ticket', async () => {
    const original = await ms.send({
      from: `Anita Menon <${ANITA}>`,
      to: HELPDESK,
      subject: 'Office not listed',
      text: 'Hello, the office of EIC Kochi is not shown in the drop-down when I fill the certificate details. What should I do?\n\nAnita',
    });
    const ack = await ms.waitForMail(ANITA, (m) => m.inReplyTo === original);
    const ticket = await ms.waitFor('the ticket', () => ms.ticketForMessage(original));
    const message = await ms.waitFor('the Slack message', async () => ms.fake!.messagesIn(CHANNEL).find((m) => !m.threadTs && textOf(m.blocks).includes(ticket.number)));

    // a forged request is refused by the signature check
    const forged = await ms.slackClick(ActionId.take, ticket.number, KAVITA.slackId, { secret: 'not-the-secret', messageTs: message.ts });
    expect(forged.status).toBe(401);

    // someone who is not staff is told so, and nothing changes
    ms.fake!.clearCalls();
    expect((await ms.slackClick(ActionId.take, ticket.number, 'U0STRANGER', { messageTs: message.ts })).status).toBe(200);
    expect(ms.fake!.ephemerals.at(-1)?.text).toContain('Only helpdesk staff can act on tickets');
    expect((await ms.ticket(ticket.number)).assigneeId).toBeNull();

    // Take
    expect((await ms.slackClick(ActionId.take, ticket.number, KAVITA.slackId, { messageTs: message.ts })).status).toBe(200);
    await ms.waitFor('the assignee', async () => (await ms.ticket(ticket.number)).assigneeId === KAVITA.staffId);
    await ms.waitFor('the message to show the assignee', async () => textOf(ms.fake!.message(CHANNEL, message.ts)?.blocks).includes(KAVITA.name));
    expect((await ms.ticket(ticket.number)).status).toBe('assigned');

    // Reply: the button opens the modal, the submission sends the mail
    ms.fake!.clearCalls();
    expect((await ms.slackClick(ActionId.reply, ticket.number, KAVITA.slackId, { messageTs: message.ts })).status).toBe(200);
    const view = await ms.waitFor('the reply modal', async () => ms.fake!.openedViews.at(-1));
    expect(view.callback_id).toBe(CallbackId.reply);
    const answer = 'The office list comes from the agency: EIC Kochi is listed under the India-Oman CEPA once the agency maps it. Please choose EIC Mumbai meanwhile.';
    const submitted = await ms.slackSubmit(view as never, KAVITA.slackId, {
      [InputBlockId.body]: { [InputActionId.body]: textValue(answer) },
      [InputBlockId.resolve]: { [InputActionId.resolve]: checkboxValues([]) },
    });
    expect(submitted.status).toBe(200);

    const reply = await ms.waitForMail(ANITA, (m) => m.messageId === `<ticket-${ticket.number}-m1@coo.test>`);
    expect(reply.inReplyTo).toBe(original);
    expect(reply.references).toEqual(expect.arrayContaining([original, ack.messageId]));
    expect(reply.subject).toBe(`Re: Office not listed [Ticket ${ticket.number}]`);
    expect(reply.text).toContain(answer);
    expect(reply.text).toContain('Kavita Sharma, CoO Helpdesk');
    await ms.waitFor('waiting on the requester', async () => (await ms.ticket(ticket.number)).status === 'waiting-requester');

    // the exporter answers the staff reply: same ticket, waiting on staff again, a note in the Slack thread
    const followUp = await ms.send({
      from: `Anita Menon <${ANITA}>`,
      to: HELPDESK,
      subject: reply.subject!,
      inReplyTo: reply.messageId!,
      references: [...(reply.references as string[]), reply.messageId!],
      text: `Thank you, I chose EIC Mumbai and it worked.\n\nOn Mon, Kavita wrote:\n> ${answer}`,
    });
    await ms.waitFor('the follow-up outcome', async () => (await ms.inbound(followUp))?.outcome === 'ticket-message');
    const state = await ms.waitFor('the follow-up in the ticket', async () => {
      const s = await ms.stack.client.workflow.getHandle(helpdeskTicketWorkflowId(ticket.number)).query(ticketStateQuery);
      return s.events.some((e) => e.kind === 'mail') && s;
    });
    expect(state.status).toBe('assigned');
    expect(await ms.ticketForMessage(followUp)).toBeNull();
    const note = await ms.waitFor('the thread note', async () => ms.fake!.messagesIn(CHANNEL).find((m) => m.threadTs === message.ts && (m.text ?? '').includes('I chose EIC Mumbai')));
    expect(note.text).not.toContain('Kavita wrote');

    // an officer's Slack account is refused every ticket action, as the API refuses the officer: told
    // privately why, and nothing changes (no assignee, no answer mailed, not resolved)
    const before = await snapshot(ticket.number);
    for (const [actionId, what] of [
      [ActionId.take, 'take tickets'],
      [ActionId.reply, 'answer tickets'],
      [ActionId.resolve, 'resolve tickets'],
      [ActionId.liftFreeze, 'lift a name-mismatch freeze'],
    ] as const) {
      ms.fake!.clearCalls();
      expect((await ms.slackClick(actionId, ticket.number, PRIYA.slackId, { messageTs: message.ts })).status).toBe(200);
      expect(ms.fake!.ephemerals.at(-1)).toMatchObject({ channel: CHANNEL, user: PRIYA.slackId, text: `:no_entry: ${ticket.number}: Only helpdesk staff can ${what}; your account is an officer.` });
      expect(ms.fake!.openedViews).toEqual([]);
    }
    // nor does a reply form submitted by the officer send anything (one opened while they were staff, or forged)
    ms.fake!.clearCalls();
    await ms.slackSubmit(view as never, PRIYA.slackId, {
      [InputBlockId.body]: { [InputActionId.body]: textValue('An answer from an officer that must not be sent.') },
      [InputBlockId.resolve]: { [InputActionId.resolve]: checkboxValues(['resolve']) },
    });
    expect(ms.fake!.ephemerals.at(-1)?.text).toContain('Only helpdesk staff can answer tickets; your account is an officer.');
    // the API refuses the officer the same operations
    const officer = await priyaToken();
    for (const [op, body] of [
      ['take', undefined],
      ['reply', { body: 'An answer from an officer.' }],
      ['resolve', {}],
      ['lift-freeze', { reason: 'An officer trying to lift a freeze.' }],
    ] as const) {
      expect((await api(ms.stack, 'POST', `/v1/helpdesk/tickets/${ticket.number}/${op}`, { token: officer, ...(body ? { body } : {}) })).status, op).toBe(403);
    }
    expect(await snapshot(ticket.number)).toEqual(before);
    expect((await ms.mailbox(ANITA)).some((m) => (m.text ?? '').includes('from an officer'))).toBe(false);

    // Resolve, twice: the second click (an administrator, helpdesk staff too) is refused with who resolved it
    expect((await ms.slackClick(ActionId.resolve, ticket.number, KAVITA.slackId, { messageTs: message.ts })).status).toBe(200);
    await ms.waitFor('resolved', async () => (await ms.ticket(ticket.number)).status === 'resolved');
    ms.fake!.clearCalls();
    await ms.slackClick(ActionId.resolve, ticket.number, SANJAY.slackId, { messageTs: message.ts });
    await ms.waitFor('the refusal', async () => ms.fake!.ephemerals.at(-1)?.text?.includes(`already resolved (by ${KAVITA.staffId})`));

    // the API shows the whole thread
    const token = await ms.stack.token({ sub: 'helpdesk-1', name: 'Kavita Sharma', roles: ['helpdesk'] });
    const detail = await api(ms.stack, 'GET', `/v1/helpdesk/tickets/${ticket.number}`, { token });
    expect(detail.status).toBe(200);
    expect(detail.body.messages.map((m: { kind: string }) => m.kind)).toEqual(expect.arrayContaining(['mail', 'acknowledgement', 'reply']));
    expect(detail.body.live.status).toBe('resolved');
    const count = await ms.stack.orm.em.fork().count(HelpdeskTicket, { requesterEmail: ANITA });
    expect(count).toBe(1);
  });
});

describe('lifting a name-mismatch freeze from a ticket (helpdesk staff only, only the user the ticket is about)', () => {
  it('offers the button for a frozen writer; the modal lifts the freeze through the identity module', async () => {
    const em = ms.stack.orm.em.fork();
    const userId = FROZEN.id;
    // someone else, frozen too: not this ticket's user
    const other = `${FROZEN.iec}-2`;
    await freezeUser(em, {
      userId: other,
      userKind: 'exporter',
      code: 'dsc_name_mismatch',
      reason: 'The name in your DSC differs from your profile name.',
      details: { source: 'dsc', profileName: 'Someone Else', certificateName: 'SOMEONE ELS', differences: [], context: 'test' },
      channel: 'api',
    });
    const frozen = async (id: string) => (await em.findOneOrFail(UserIdentityState, { userId: id }, { refresh: true })).frozen;
    if (!(await em.findOne(ExporterUser, { id: userId }))) {
      em.create(ExporterUser, { id: userId, iec: FROZEN.iec, role: 'master', name: FROZEN.name, email: MEERA, mobile: '+91 9820044003', status: 'active', mappedBy: 'registration' } as never);
      await em.flush();
    }
    await freezeUser(em, {
      userId,
      userKind: 'exporter',
      code: 'dsc_name_mismatch',
      reason: 'The name in your DSC (MEERA S IYER) differs from your profile name (Meera Iyer).',
      details: { source: 'dsc', profileName: 'Meera Iyer', certificateName: 'MEERA S IYER', differences: [], context: 'test' },
      channel: 'api',
    });

    const original = await ms.send({ from: `Meera Iyer <${MEERA}>`, to: HELPDESK, subject: 'Account frozen', text: 'My account is frozen: the portal says the name in my DSC does not match my profile name. Please help.' });
    const ack = await ms.waitForMail(MEERA, (m) => m.inReplyTo === original);
    expect(ack.text).toContain('the helpdesk will check the names and lift the freeze');
    const ticket = await ms.waitFor('the ticket', () => ms.ticketForMessage(original));
    expect(ticket.category).toBe('name_mismatch_freeze');
    expect(ticket.exporterUserId).toBe(userId);
    const message = await ms.waitFor('the Slack message', async () => ms.fake!.messagesIn(CHANNEL).find((m) => !m.threadTs && textOf(m.blocks).includes(ticket.number)));
    expect(JSON.stringify(message.blocks)).toContain(ActionId.liftFreeze);
    expect(textOf(message.blocks)).toContain(`automated verification of ${userId} is frozen`);

    // an officer: the button and a submitted form are both refused, and the user stays frozen
    const reason = 'Checked the PAN card: MEERA S IYER is the same person as Meera Iyer.';
    ms.fake!.clearCalls();
    await ms.slackClick(ActionId.liftFreeze, ticket.number, PRIYA.slackId, { messageTs: message.ts });
    expect(ms.fake!.ephemerals.at(-1)?.text).toBe(`:no_entry: ${ticket.number}: Only helpdesk staff can lift a name-mismatch freeze; your account is an officer.`);
    expect(ms.fake!.openedViews).toEqual([]);
    const forged = { id: 'V0PRIYAFORM', callback_id: CallbackId.liftFreeze, private_metadata: encodeModalContext({ ticketNumber: ticket.number, channel: CHANNEL, messageTs: message.ts }) };
    const byOfficer = await ms.slackSubmit(forged, PRIYA.slackId, {
      [InputBlockId.userId]: { [InputActionId.userId]: textValue(userId) },
      [InputBlockId.reason]: { [InputActionId.reason]: textValue(reason) },
    });
    expect((byOfficer.json as { errors: Record<string, string> }).errors[InputBlockId.reason]).toBe('Only helpdesk staff can lift a name-mismatch freeze; your account is an officer.');
    expect(ms.fake!.ephemerals.at(-1)?.text).toContain('your account is an officer');
    expect(await frozen(userId)).toBe(true);

    ms.fake!.clearCalls();
    await ms.slackClick(ActionId.liftFreeze, ticket.number, KAVITA.slackId, { messageTs: message.ts });
    const view = await ms.waitFor('the modal', async () => ms.fake!.openedViews.at(-1));
    expect(view.callback_id).toBe(CallbackId.liftFreeze);
    expect(JSON.stringify(view.blocks)).toContain(`"initial_value":"${userId}"`);

    const tooShort = await ms.slackSubmit(view as never, KAVITA.slackId, {
      [InputBlockId.userId]: { [InputActionId.userId]: textValue(userId) },
      [InputBlockId.reason]: { [InputActionId.reason]: textValue('ok') },
    });
    expect((tooShort.json as { response_action: string; errors: Record<string, string> }).errors[InputBlockId.reason]).toContain('at least 10 characters');
    expect(await frozen(userId)).toBe(true);

    // staff cannot lift someone else's freeze through this ticket, in Slack or over HTTP
    // (a form of its own: the form's view id is the Update ID, and a repeated one gets the first answer)
    const elsewhere = await ms.slackSubmit({ ...(view as never as { id: string; private_metadata: string }), id: 'V0ELSEWHERE', callback_id: CallbackId.liftFreeze }, KAVITA.slackId, {
      [InputBlockId.userId]: { [InputActionId.userId]: textValue(other) },
      [InputBlockId.reason]: { [InputActionId.reason]: textValue(reason) },
    });
    expect((elsewhere.json as { errors: Record<string, string> }).errors[InputBlockId.userId]).toContain(`Ticket ${ticket.number} is about ${userId}, not ${other}`);
    const kavita = await ms.stack.token({ sub: KAVITA.staffId, name: KAVITA.name, roles: ['helpdesk'] });
    const overHttp = await api(ms.stack, 'POST', `/v1/helpdesk/tickets/${ticket.number}/lift-freeze`, { token: kavita, body: { userId: other, reason } });
    expect(overHttp.status).toBe(403);
    expect(overHttp.body.detail).toContain('a freeze is lifted only from a ticket about that user');
    expect(await frozen(other)).toBe(true);
    expect(await frozen(userId)).toBe(true);

    const lifted = await ms.slackSubmit(view as never, KAVITA.slackId, {
      [InputBlockId.userId]: { [InputActionId.userId]: textValue(userId) },
      [InputBlockId.reason]: { [InputActionId.reason]: textValue(reason) },
      [InputBlockId.accept]: { [InputActionId.accept]: checkboxValues(['accept']) },
    });
    expect(lifted.status).toBe(200);
    expect(lifted.text).toBe('');
    const state = await em.findOneOrFail(UserIdentityState, { userId }, { refresh: true });
    expect(state.frozen).toBe(false);
    expect(state.unfrozenBy).toBe(KAVITA.staffId);
    expect(state.unfrozenReason).toBe(`${reason} (ticket ${ticket.number})`);
    expect(state.acceptedNames).toContain('MEERA S IYER');
    // the audit trail says it was done in Slack
    const audit = (await em.find(AuditEvent, { subjectId: userId, action: 'identity.unfrozen' }, { orderBy: { id: 'asc' } })).filter((a) => a.details?.reason === `${reason} (ticket ${ticket.number})`);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: KAVITA.staffId, channel: 'slack' });
    await ms.waitFor('the confirmation', async () => ms.fake!.ephemerals.some((e) => (e.text ?? '').includes(`freeze of ${userId} is lifted`)));

    // a second modal finds nothing to lift, and says so in the form
    ms.fake!.clearCalls();
    await ms.slackClick(ActionId.liftFreeze, ticket.number, KAVITA.slackId, { messageTs: message.ts });
    const second = await ms.waitFor('the second modal', async () => ms.fake!.openedViews.at(-1));
    const refused = await ms.slackSubmit(second as never, KAVITA.slackId, {
      [InputBlockId.userId]: { [InputActionId.userId]: textValue(userId) },
      [InputBlockId.reason]: { [InputActionId.reason]: textValue(reason) },
    });
    expect((refused.json as { errors: Record<string, string> }).errors[InputBlockId.userId]).toContain('is not frozen');
  });
});
