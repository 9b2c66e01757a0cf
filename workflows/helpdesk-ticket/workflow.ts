import {
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time.js';
import type { Activities } from '../../activities/index.js';
import { ErrorCode } from '../../lib/errors.js';
import { executionKey } from '../execution-key.js';
import { helpdeskRefusal, mayDoHelpdeskAction, type HelpdeskAction } from '../../domain/helpdesk/access.js';
import {
  HELPDESK_TICKET_WORKFLOW,
  MailFlag,
  helpdeskTicketWorkflowId,
  liftFreezeUpdate,
  replyTicketUpdate,
  resolveTicketUpdate,
  takeTicketUpdate,
  ticketMailSignal,
  ticketStateQuery,
  type InboundMailInput,
  type InboundMailResult,
  type StaffRef,
  type TicketEvent,
  type TicketInput,
  type TicketMail,
  type TicketState,
} from './contract.js';

/** Our database: quick, retried a long time (a database restart is survivable). */
const db = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 50 },
});
/** Outgoing mail and calls to other workflows: SMTP servers and workers go away for a while. */
const notify = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 30 },
});
/** Slack is a view: a few attempts, then the ticket goes on without it (the next change redraws it). */
const slack = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 4 },
});

function refuse(type: string, message: string): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true });
}

const nowIso = () => new Date(Date.now()).toISOString();

/**
 * One inbound message, once: its workflow ID comes from its Message-ID, so however often the ingester
 * hands it over (restarts, duplicate deliveries), this runs once. Routes it (examineInboundMail) to the
 * deficiency response, a ticket (new, or the one its thread belongs to), or a polite refusal, and
 * records the outcome the ingester turns into IMAP keywords.
 */
export async function processInboundMail(input: InboundMailInput): Promise<InboundMailResult> {
  const { mailId } = input;
  const route = await db.examineInboundMail({ mailId });
  let result: InboundMailResult;
  const details: Record<string, unknown> = { route: route.route };

  const openTicket = async (opts: { relatedTicket?: string; suspicious?: { reason: string; applicationNumber?: string } }): Promise<InboundMailResult> => {
    const t = await db.openTicket({ mailId, ...opts });
    try {
      await startChild(HELPDESK_TICKET_WORKFLOW, {
        workflowId: helpdeskTicketWorkflowId(t.ticketNumber),
        args: [{ ticketNumber: t.ticketNumber, openingMailId: mailId, acknowledge: t.acknowledge, timings: input.ticketTimings } satisfies TicketInput],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (e) {
      if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
    }
    details.ticketNumber = t.ticketNumber;
    return opts.suspicious
      ? { outcome: 'suspicious', ticketNumber: t.ticketNumber, flags: [MailFlag.processed, MailFlag.ticket, MailFlag.suspicious] }
      : { outcome: 'ticket', ticketNumber: t.ticketNumber, flags: [MailFlag.processed, MailFlag.ticket] };
  };

  switch (route.route) {
    case 'too-large':
    case 'malformed': {
      const answered = await notify.answerUnreadableMail({ mailId, reason: route.route, detail: route.route === 'malformed' ? route.reason : '' });
      details.answered = answered;
      if (route.route === 'malformed') {
        details.reason = route.reason;
        if (route.problems) details.problems = route.problems;
      }
      result = { outcome: route.route, flags: [MailFlag.processed, MailFlag.rejected] };
      break;
    }
    case 'ignored':
      details.reason = route.reason;
      result = { outcome: 'ignored', flags: [MailFlag.processed] };
      break;
    case 'deficiency': {
      let r;
      try {
        r = await notify.handleDeficiencyReply({ mailId, applicationNumber: route.applicationNumber, round: route.round, senderUserId: route.senderUserId, senderName: route.senderName });
      } catch (e) {
        // a reply that cannot be handled automatically is not lost: the helpdesk gets it as a ticket
        log.warn('deficiency reply not handled; handing it to the helpdesk', { mailId, error: String(e) });
        details.error = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
        result = await openTicket({});
        break;
      }
      Object.assign(details, r, { applicationNumber: route.applicationNumber, round: route.round });
      const refused = r.outcome === 'deficiency-problems' || r.outcome === 'deficiency-refused';
      result = {
        outcome: r.outcome,
        applicationNumber: route.applicationNumber,
        round: route.round,
        flags: [MailFlag.processed, MailFlag.deficiency, ...(refused ? [MailFlag.rejected] : [])],
      };
      break;
    }
    case 'suspicious':
      details.reason = route.reason;
      result = await openTicket({ suspicious: { reason: route.reason, ...(route.applicationNumber ? { applicationNumber: route.applicationNumber } : {}) } });
      break;
    case 'ticket-message':
      try {
        await getExternalWorkflowHandle(helpdeskTicketWorkflowId(route.ticketNumber)).signal(ticketMailSignal, { mailId });
        details.ticketNumber = route.ticketNumber;
        result = { outcome: 'ticket-message', ticketNumber: route.ticketNumber, flags: [MailFlag.processed, MailFlag.ticket] };
      } catch (e) {
        // the ticket's workflow has just ended: the message opens a new ticket that continues it
        log.info('ticket closed before its message arrived; opening a new one', { ticketNumber: route.ticketNumber, error: String(e) });
        result = await openTicket({ relatedTicket: route.ticketNumber });
      }
      break;
    case 'new-ticket':
      result = await openTicket(route.relatedTicket ? { relatedTicket: route.relatedTicket } : {});
      break;
  }
  await db.completeInboundMail({ mailId, outcome: result.outcome, details });
  return result;
}

/**
 * One helpdesk ticket (`helpdesk-ticket/<number>`): posted to the helpdesk channel, answered
 * automatically with the known fix, then waiting on staff (take, reply by e-mail in the thread,
 * resolve, lift a name-mismatch freeze: Updates) and on the requester (their mail: a signal). Waiting on
 * staff longer than the SLA escalates. A resolved ticket reopens on a reply, and ends after
 * `closeAfterResolved` without one. A ticket answered by staff and waiting on the requester is closed
 * after `closeAfterNoReply` without a message from them, with a notice in the thread (a reply to it
 * opens a new ticket continuing this one); without that timing (older inputs) it waits for ever.
 */
export async function helpdeskTicket(input: TicketInput): Promise<TicketState> {
  const t = input.timings;
  const n = input.ticketNumber;
  const state: TicketState = { ticketNumber: n, status: 'new', escalations: 0, outgoing: 1, events: [], waitingOnStaffSince: nowIso() };
  const inbox: TicketMail[] = [];
  let changed = 0;
  let resolvedAt = 0;
  const event = (kind: TicketEvent['kind'], by: string, note?: string) => state.events.push({ at: nowIso(), kind, by, ...(note ? { note } : {}) });
  const show = async () => {
    try {
      await slack.showTicketInSlack({ ticketNumber: n });
    } catch (e) {
      log.warn('the ticket could not be shown in Slack', { ticketNumber: n, error: String(e) });
    }
  };
  const waitingOnStaff = () => state.status === 'new' || state.status === 'assigned';

  setHandler(ticketStateQuery, () => state);
  setHandler(ticketMailSignal, (m) => {
    inbox.push(m);
    changed++;
  });

  const open = () => {
    if (state.status === 'closed') refuse(ErrorCode.IllegalTransition, `Ticket ${n} is closed.`);
  };
  const staffCheck = (s: StaffRef, action: HelpdeskAction) => {
    if (!s?.id || !s.name) refuse(ErrorCode.ValidationFailed, 'Who is acting must be known (staff id and name).');
    if (!mayDoHelpdeskAction(action, [s.role])) refuse(ErrorCode.Forbidden, helpdeskRefusal(action, [s.role]));
  };

  setHandler(
    takeTicketUpdate,
    async (staff) => {
      if (state.assignee?.id === staff.id) return state;
      const previous = state.assignee;
      state.assignee = { id: staff.id, name: staff.name };
      if (state.status === 'new') state.status = 'assigned';
      event('taken', staff.id, previous ? `from ${previous.name}` : undefined);
      changed++;
      await db.saveTicket({
        ticketNumber: n,
        patch: { status: state.status, assignee: state.assignee },
        note: { key: `taken/${state.events.length}`, kind: 'event', text: `${staff.name} took the ticket${previous ? ` over from ${previous.name}` : ''}.`, author: staff.id, authorName: staff.name },
      });
      await show();
      return state;
    },
    {
      validator: (staff) => {
        staffCheck(staff, 'take');
        open();
        if (state.status === 'resolved') refuse(ErrorCode.IllegalTransition, `Ticket ${n} is resolved; it reopens when the requester writes again.`);
      },
    },
  );

  setHandler(
    replyTicketUpdate,
    async (r) => {
      const seq = state.outgoing++;
      await notify.sendTicketReply({ ticketNumber: n, seq, staff: r.staff, body: r.body.trim(), resolve: r.resolve === true });
      state.assignee ??= { id: r.staff.id, name: r.staff.name };
      if (r.resolve) {
        state.status = 'resolved';
        resolvedAt = Date.now();
        event('resolved', r.staff.id, 'with an answer');
        delete state.waitingOnRequesterSince;
      } else {
        state.status = 'waiting-requester';
        // the requester's time to answer runs from the latest answer
        state.waitingOnRequesterSince = nowIso();
      }
      delete state.waitingOnStaffSince;
      event('reply', r.staff.id);
      changed++;
      await db.saveTicket({ ticketNumber: n, patch: { status: state.status, assignee: state.assignee, ...(r.resolve ? { resolvedBy: r.staff.id } : {}) } });
      await show();
      return state;
    },
    {
      validator: (r) => {
        staffCheck(r.staff, 'reply');
        open();
        const body = r.body?.trim() ?? '';
        if (body.length < 2) refuse(ErrorCode.ValidationFailed, 'Write the answer to send.');
        if (body.length > 10_000) refuse(ErrorCode.ValidationFailed, 'The answer can be at most 10,000 characters.');
      },
    },
  );

  setHandler(
    resolveTicketUpdate,
    async ({ staff, note }) => {
      state.status = 'resolved';
      resolvedAt = Date.now();
      delete state.waitingOnStaffSince;
      delete state.waitingOnRequesterSince;
      event('resolved', staff.id, note);
      changed++;
      await db.saveTicket({
        ticketNumber: n,
        patch: { status: 'resolved', resolvedBy: staff.id },
        note: { key: `resolved/${state.events.length}`, kind: 'event', text: `${staff.name} resolved the ticket${note ? `: ${note}` : '.'}`, author: staff.id, authorName: staff.name },
      });
      await show();
      return state;
    },
    {
      validator: ({ staff }) => {
        staffCheck(staff, 'resolve');
        open();
        if (state.status === 'resolved') {
          const by = [...state.events].reverse().find((e) => e.kind === 'resolved')?.by;
          refuse(ErrorCode.AlreadyDone, `Ticket ${n} is already resolved${by ? ` (by ${by})` : ''}.`);
        }
      },
    },
  );

  setHandler(
    liftFreezeUpdate,
    async (r) => {
      const res = await db.liftNameMismatchFreeze({ ticketNumber: n, staff: r.staff, ...(r.userId ? { userId: r.userId } : {}), reason: r.reason, acceptCertificateName: r.acceptCertificateName === true });
      event('freeze-lifted', r.staff.id, `${res.userId}: ${r.reason.trim()}`);
      changed++;
      await db.saveTicket({
        ticketNumber: n,
        patch: {},
        note: { key: `unfrozen/${state.events.length}`, kind: 'event', text: `${r.staff.name} lifted the name-mismatch freeze of ${res.userId}: ${r.reason.trim()}`, author: r.staff.id, authorName: r.staff.name },
      });
      await show();
      return res;
    },
    {
      validator: (r) => {
        staffCheck(r.staff, 'lift-freeze');
        open();
        if ((r.reason?.trim().length ?? 0) < 10) refuse(ErrorCode.ValidationFailed, 'Give the reason (at least 10 characters): it is kept in the audit trail.');
      },
    },
  );

  /** Records the thread's new messages; the ticket waits on staff again (reopened when resolved). True when a new wait starts. */
  const takeMail = async (): Promise<boolean> => {
    if (inbox.length === 0) return false;
    while (inbox.length > 0) {
      const m = inbox.shift()!;
      const r = await db.recordTicketMail({ ticketNumber: n, mailId: m.mailId });
      event('mail', r.from);
    }
    const reopened = state.status === 'resolved' || state.status === 'closed';
    const newWait = !waitingOnStaff();
    if (newWait) {
      state.status = state.assignee ? 'assigned' : 'new';
      state.waitingOnStaffSince = nowIso();
      delete state.waitingOnRequesterSince;
    }
    if (reopened) event('reopened', 'requester');
    await db.saveTicket({ ticketNumber: n, patch: { status: state.status } });
    await show();
    return newWait;
  };

  // --- opened --------------------------------------------------------------------------------------
  event('opened', 'system');
  await db.saveTicket({ ticketNumber: n, patch: { status: 'new' } });
  if (input.acknowledge) await notify.sendTicketAcknowledgement({ ticketNumber: n, seq: 0 });
  await show();

  // --- waiting -------------------------------------------------------------------------------------
  /** escalations of the current wait on staff (a new message starts a new wait) */
  let escalatedThisWait = 0;
  for (;;) {
    /** the requester did not write within closeAfterNoReply of a staff answer */
    let noReply = false;
    for (;;) {
      const seen = changed;
      if (waitingOnStaff()) {
        const since = Date.parse(state.waitingOnStaffSince ?? nowIso());
        const next = since + msToNumber(t.sla) + (t.escalateEvery ? escalatedThisWait * msToNumber(t.escalateEvery) : 0);
        const canEscalate = escalatedThisWait === 0 || !!t.escalateEvery;
        let woke = true;
        if (canEscalate) woke = await condition(() => changed !== seen, Math.max(1, next - Date.now()));
        else await condition(() => changed !== seen);
        if (!woke && waitingOnStaff()) {
          escalatedThisWait++;
          state.escalations++;
          event('escalated', 'system', `waiting on staff since ${state.waitingOnStaffSince}`);
          await db.escalateTicket({ ticketNumber: n, escalation: state.escalations, waitingSince: state.waitingOnStaffSince ?? nowIso() });
          await show();
        }
      } else if (state.status === 'resolved') {
        const woke = await condition(() => changed !== seen, Math.max(1, resolvedAt + msToNumber(t.closeAfterResolved) - Date.now()));
        if (!woke && state.status === 'resolved' && inbox.length === 0) break;
      } else if (state.status === 'waiting-requester' && t.closeAfterNoReply !== undefined && patched('ticket-close-without-reply')) {
        const since = Date.parse(state.waitingOnRequesterSince ?? nowIso());
        const woke = await condition(() => changed !== seen, Math.max(1, since + msToNumber(t.closeAfterNoReply) - Date.now()));
        if (!woke) {
          // an answer or a take under way at the deadline finishes first (an answer starts a new wait)
          await condition(allHandlersFinished);
          if (changed === seen && state.status === 'waiting-requester' && inbox.length === 0) {
            noReply = true;
            break;
          }
        }
      } else {
        await condition(() => changed !== seen);
      }
      if (await takeMail()) escalatedThisWait = 0;
    }

    // --- closed ------------------------------------------------------------------------------------
    state.status = 'closed';
    let note: Parameters<Activities['saveTicket']>[0]['note'];
    if (noReply) {
      // closed first, so no answer or resolution starts while the notice goes out
      const waitedMs = msToNumber(t.closeAfterNoReply!);
      event('closed-no-reply', 'system', `no message from the requester since the answer of ${state.waitingOnRequesterSince}`);
      const seq = state.outgoing++;
      await notify.sendTicketClosedNoReply({ ticketNumber: n, seq, key: executionKey('closed-no-reply', seq), waitedMs });
      const waited = typeof t.closeAfterNoReply === 'string' ? t.closeAfterNoReply : `${waitedMs} ms`;
      note = {
        key: `closed-no-reply/${state.events.length}`,
        kind: 'event',
        text: `Closed: the requester has not written in ${waited} since the last answer. They were told by e-mail; a reply opens a new ticket continuing this one.`,
        author: 'system',
        authorName: 'Helpdesk',
      };
    }
    delete state.waitingOnRequesterSince;
    event('closed', 'system');
    await condition(allHandlersFinished);
    await db.saveTicket({ ticketNumber: n, patch: { status: 'closed' }, ...(note ? { note } : {}) });
    await show();
    // a message that arrived while closing reopens the ticket rather than being lost
    if (inbox.length === 0) break;
    state.status = 'resolved';
    await takeMail();
    escalatedThisWait = 0;
  }
  log.info('ticket closed', { ticketNumber: n, workflowId: workflowInfo().workflowId });
  return state;
}
