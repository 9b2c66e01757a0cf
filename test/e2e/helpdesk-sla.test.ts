/**
 * A ticket's SLA on real servers: waiting on staff longer than configured (seconds here, hours in
 * production) escalates, again at the configured interval, in the ticket's Slack thread and to the
 * escalation address; an answer stops the clock; the requester's next message starts a new wait.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helpdeskTicketWorkflowId, ticketStateQuery } from '../../workflows/helpdesk-ticket/contract.js';
import { HelpdeskMessage } from '../../db/entities/index.js';
import { api } from '../helpers/stack.js';
import { CHANNEL, HELPDESK, startMailStack, type MailStack } from './helpdesk-harness.js';

const SENDER = 'harshad.patel@kandlaagro.example';
const SUPERVISOR = 'supervisor@coo.test';
let ms: MailStack;

beforeAll(async () => {
  ms = await startMailStack({
    name: 'helpdesk-sla',
    slack: true,
    users: [
      { address: SENDER, password: 'harshad-pw' },
      { address: SUPERVISOR, password: 'supervisor-pw' },
    ],
    sla: '2 seconds',
    escalateEvery: '2 seconds',
    escalationEmail: SUPERVISOR,
  });
});

afterAll(async () => {
  await ms?.stop();
});

describe('SLA', () => {
  it('escalates a ticket left waiting on staff, repeatedly, until staff answer; a new message starts a new wait', async () => {
    const original = await ms.send({ from: `Harshad Patel <${SENDER}>`, to: HELPDESK, subject: 'Login problem', text: 'I forgot the user name and password for the portal.' });
    const ticket = await ms.waitFor('the ticket', () => ms.ticketForMessage(original));
    const handle = ms.stack.client.workflow.getHandle(helpdeskTicketWorkflowId(ticket.number));

    const twice = await ms.waitFor('two escalations', async () => {
      const s = await handle.query(ticketStateQuery);
      return s.escalations >= 2 && s;
    });
    expect(twice.status).toBe('new');
    expect(twice.events.filter((e) => e.kind === 'escalated').length).toBeGreaterThanOrEqual(2);
    // the read model is written by the escalation's activity, a moment after the workflow counts it
    const row = await ms.waitFor('the read model to show two escalations', async () => {
      const r = await ms.ticket(ticket.number);
      return r.escalations >= 2 && r;
    });
    expect(row.escalated).toBe(true);

    // seen in Slack (the card and the thread) and by the supervisor
    const card = ms.fake!.messagesIn(CHANNEL).find((m) => !m.threadTs && (m.text ?? '').includes(ticket.number))!;
    await ms.waitFor('the thread note', async () => ms.fake!.messagesIn(CHANNEL).some((m) => m.threadTs === card.ts && (m.text ?? '').includes('Escalated')));
    await ms.waitFor('the card to say escalated', async () => JSON.stringify(ms.fake!.message(CHANNEL, card.ts)?.blocks).includes('escalated'));
    const mailed = await ms.waitForMail(SUPERVISOR, (m) => (m.subject ?? '').startsWith(`Escalated: ${ticket.number}`));
    expect(mailed.text).toContain(SENDER);

    // staff answer (API): the clock stops
    const token = await ms.stack.token({ sub: 'helpdesk-1', name: 'Kavita Sharma', roles: ['helpdesk'] });
    const r = await api(ms.stack, 'POST', `/v1/helpdesk/tickets/${ticket.number}/reply`, { token, body: { body: 'Use "Forgot password" on the login page with your IEC and registered e-mail.' } });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('waiting-requester');
    expect(r.body.waitingOnStaffSince).toBeUndefined();
    const answered = (await handle.query(ticketStateQuery)).escalations;
    await ms.waitFor('the read model to show the clock stopped', async () => (await ms.ticket(ticket.number)).escalated === false);

    // the requester writes again: waiting on staff again, and escalated again after the SLA
    const reply = await ms.waitForMail(SENDER, (m) => m.messageId === `<ticket-${ticket.number}-m1@coo.test>`);
    await ms.send({ from: SENDER, to: HELPDESK, subject: reply.subject!, inReplyTo: reply.messageId!, references: [original, reply.messageId!], text: 'It asks for a security question I do not remember.' });
    const again = await ms.waitFor('a new escalation', async () => {
      const s = await handle.query(ticketStateQuery);
      return s.escalations > answered && s;
    });
    expect(again.status).toBe('assigned'); // the one who answered keeps it
    expect(again.assignee?.id).toBe('helpdesk-1');
    expect(again.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['reply', 'mail', 'escalated']));
    const notes = await ms.waitFor('the escalation notes', async () => {
      const found = await ms.stack.orm.em.fork().find(HelpdeskMessage, { ticketNumber: ticket.number, kind: 'escalation' });
      return found.length > answered && found;
    });
    expect(new Set(notes.map((n) => n.key)).size).toBe(notes.length);
  });

  it('refuses an answer to an unknown ticket, and bad input, with clear messages', async () => {
    const token = await ms.stack.token({ sub: 'helpdesk-1', name: 'Kavita Sharma', roles: ['helpdesk'] });
    const missing = await api(ms.stack, 'POST', '/v1/helpdesk/tickets/HD-2000-000001/reply', { token, body: { body: 'hello there' } });
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toBe('Ticket HD-2000-000001 does not exist.');
    const bad = await api(ms.stack, 'POST', '/v1/helpdesk/tickets/HD-2000-000001/reply', { token, body: { body: '' } });
    expect(bad.status).toBe(422);
    const exporter = await ms.stack.token({ sub: 'AAACR5055K-1', name: 'Raj', roles: ['exporter'], iec: 'AAACR5055K' });
    expect((await api(ms.stack, 'GET', '/v1/helpdesk/tickets', { token: exporter })).status).toBe(403);
  });
});
