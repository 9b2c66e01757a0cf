/**
 * The helpdesk ticket workflow's activities: its read model, its mail (the automatic first answer and
 * staff answers, in the requester's thread), its Slack message, escalations, and lifting a
 * name-mismatch freeze through the identity module. Each is idempotent for its key.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { HelpdeskMessage, HelpdeskTicket, type TicketMessageKind, type TicketStatus } from '../../db/entities/helpdesk.js';
import { knownProblem, type HelpdeskCategory } from '../../channels/email/faq.js';
import { parseMessageIdList, ticketMessageId } from '../../channels/email/message-id.js';
import { renderTicketAcknowledgement, renderTicketClosedNoReply, renderTicketReply, frame, html } from '../../channels/email/templates/index.js';
import { buildThreadNote, buildTicketMessage } from '../../channels/slack-helpdesk/blocks.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { sanitizeFileName } from '../../domain/application/sanitize-file-name.js';
import type { StaffRef } from '../../workflows/helpdesk-ticket/contract.js';
import { unfreezeUser } from '../identity/freeze.js';
import type { HelpdeskActivityDeps } from '../helpdesk/deps.js';
import { loadTicketCard } from '../helpdesk/ticket-card.js';
import { loadStoredMail } from '../mail/stored-mail.js';
import { parseStoredMail } from '../mail/examine-inbound-mail.js';
import { openTicket, type OpenTicketInput, type OpenTicketResult } from '../helpdesk/open-ticket.js';

export interface TicketPatch {
  status?: TicketStatus;
  assignee?: { id: string; name: string } | null;
  resolvedBy?: string | null;
}

export interface TicketNote {
  /** unique within the ticket, e.g. `taken/<update id>` */
  key: string;
  kind: TicketMessageKind;
  text: string;
  author: string;
  authorName: string;
}

const MAX_REFERENCES = 20;
/** the author of the ticket's automatic mail */
const AUTOMATIC = { id: 'system', name: 'CoO helpdesk (automatic)' };

async function ticketOrFail(em: EntityManager, ticketNumber: string): Promise<HelpdeskTicket> {
  const t = await em.findOne(HelpdeskTicket, { number: ticketNumber }, { refresh: true });
  if (!t) throw new AppError(ErrorCode.NotFound, `Ticket ${ticketNumber} does not exist.`);
  return t;
}

async function addMessage(
  em: EntityManager,
  m: { key: string; ticketNumber: string; direction: 'in' | 'out' | 'note'; kind: TicketMessageKind; mailId?: string | null; messageId?: string | null; author: string; authorName: string; text: string },
): Promise<void> {
  await em.getConnection().execute(
    `insert into helpdesk_message (key, ticket_number, direction, kind, mail_id, message_id, author, author_name, text, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, now()) on conflict (key) do nothing`,
    [m.key, m.ticketNumber, m.direction, m.kind, m.mailId ?? null, m.messageId ?? null, m.author.slice(0, 320), m.authorName.slice(0, 200), m.text.slice(0, 20_000)],
  );
}

/** The thread's Message-IDs with one more at the end (kept short: the first and the latest). */
function extendThread(ids: string[], id: string | null): string[] {
  if (!id) return ids;
  const all = [...ids.filter((x) => x !== id), id];
  return all.length > 30 ? [all[0]!, ...all.slice(-29)] : all;
}

/**
 * The user whose freeze may be lifted from ticket `t`: the exporter user it is about (`exporterUserId`, the
 * registered user who wrote it). A user id asked for must be that one.
 */
export function freezeSubjectOf(t: Pick<HelpdeskTicket, 'number' | 'exporterUserId'>, asked: string | undefined): string {
  const subject = t.exporterUserId ?? null;
  const wanted = asked?.trim() || null;
  if (!subject) {
    throw new AppError(ErrorCode.Forbidden, `Ticket ${t.number} is not about a registered exporter user, so no freeze can be lifted from it: it must come from the frozen user's own registered e-mail.`);
  }
  if (wanted && wanted !== subject) {
    throw new AppError(ErrorCode.Forbidden, `Ticket ${t.number} is about ${subject}, not ${wanted}: a freeze is lifted only from a ticket about that user.`);
  }
  return subject;
}

export function createTicketService(deps: HelpdeskActivityDeps) {
  const ctx = deps.mail.context;

  /**
   * Sends one outgoing mail of the ticket, threaded under the requester's latest message, once for its
   * idempotency key (by default the ticket's outgoing sequence number).
   */
  async function sendTicketMail(
    em: EntityManager,
    t: HelpdeskTicket,
    seq: number,
    m: { subject: string; text: string; html: string },
    template: string,
    author: { id: string; name: string },
    kind: TicketMessageKind,
    key = `helpdesk/${t.number}/out/${seq}`,
  ) {
    const messageId = ticketMessageId({ ticketNumber: t.number, seq, domain: deps.mail.domain });
    const inReplyTo = t.lastInboundMessageId ?? t.threadMessageIds.at(-1) ?? null;
    const references = parseMessageIdList(t.threadMessageIds.join(' ')).slice(-MAX_REFERENCES);
    await deps.notifier.send({
      key,
      channel: 'email',
      to: t.requesterEmail,
      template,
      subject: m.subject,
      text: m.text,
      html: m.html,
      messageId,
      ...(inReplyTo ? { inReplyTo } : {}),
      ...(references.length > 0 ? { references } : {}),
    });
    await addMessage(em, { key: `${t.number}/out/${seq}`, ticketNumber: t.number, direction: 'out', kind, messageId, author: author.id, authorName: author.name, text: m.text });
    t.threadMessageIds = extendThread(t.threadMessageIds, messageId);
    await em.flush();
    return messageId;
  }

  return {
    async openTicket(input: OpenTicketInput): Promise<OpenTicketResult> {
      return openTicket(deps, input);
    },

    /** Records the ticket's state and, optionally, an event in its history. */
    async saveTicket(input: { ticketNumber: string; patch: TicketPatch; note?: TicketNote }): Promise<void> {
      const em = deps.em();
      const t = await ticketOrFail(em, input.ticketNumber);
      const p = input.patch;
      const waiting = (s: TicketStatus) => s === 'new' || s === 'assigned';
      // waiting on staff again after an answer: a fresh wait, not escalated yet
      if (p.status !== undefined && waiting(p.status) && !waiting(t.status)) t.escalated = false;
      if (p.status !== undefined && !waiting(p.status)) t.escalated = false;
      if (p.status !== undefined) t.status = p.status;
      if (p.assignee !== undefined) {
        t.assigneeId = p.assignee?.id ?? null;
        t.assigneeName = p.assignee?.name ?? null;
      }
      if (p.status === 'resolved' && !t.resolvedAt) t.resolvedAt = new Date();
      if (p.status && p.status !== 'resolved' && p.status !== 'closed') t.resolvedAt = null;
      if (p.resolvedBy !== undefined) t.resolvedBy = p.resolvedBy;
      await em.flush();
      if (input.note) {
        await addMessage(em, { key: `${t.number}/note/${input.note.key}`, ticketNumber: t.number, direction: 'note', kind: input.note.kind, author: input.note.author, authorName: input.note.authorName, text: input.note.text });
      }
    },

    /**
     * The ticket's message in the helpdesk channel, posted once and rewritten after every change, and its
     * not yet posted history as notes in the message's thread. Without Slack configured: nothing.
     */
    async showTicketInSlack(input: { ticketNumber: string }): Promise<boolean> {
      const slack = deps.helpdesk.slack;
      if (!slack) return false;
      const em = deps.em();
      const t = await ticketOrFail(em, input.ticketNumber);
      const card = await loadTicketCard(em, t.number);
      if (!card) return false;
      const message = buildTicketMessage(card);
      if (t.slackChannel && t.slackTs) {
        await slack.client.chat.update({ channel: t.slackChannel, ts: t.slackTs, text: message.text, blocks: message.blocks });
      } else {
        const r = await slack.client.chat.postMessage({ channel: slack.channel, text: message.text, blocks: message.blocks, unfurl_links: false });
        t.slackChannel = r.channel ?? slack.channel;
        t.slackTs = r.ts ?? null;
        await em.flush();
      }
      if (!t.slackChannel || !t.slackTs) return true;
      const pending = await em.find(HelpdeskMessage, { ticketNumber: t.number, slackTs: null, key: { $ne: `${t.number}/in/${t.openingMailId}` } }, { orderBy: { id: 'asc' } });
      for (const m of pending) {
        const sent = m.kind === 'acknowledgement' ? 'Automatic first answer sent' : m.kind === 'notice' ? 'Automatic notice sent' : `${m.authorName} answered by e-mail`;
        const prefix = m.direction === 'in' ? `:incoming_envelope: ${m.authorName} <${m.author}> wrote:` : m.direction === 'out' ? `:outbox_tray: ${sent}:` : '';
        const note = buildThreadNote(prefix ? `${prefix}\n${m.text.slice(0, 2500)}` : m.text);
        const r = await slack.client.chat.postMessage({ channel: t.slackChannel, thread_ts: t.slackTs, text: note.text, blocks: note.blocks, unfurl_links: false });
        m.slackTs = r.ts ?? 'posted';
        await em.flush();
      }
      return true;
    },

    /** The automatic first answer: ticket number and the matching fix from the seed FAQ, in the requester's thread. */
    async sendTicketAcknowledgement(input: { ticketNumber: string; seq: number }): Promise<string> {
      const em = deps.em();
      const t = await ticketOrFail(em, input.ticketNumber);
      const known = knownProblem(t.category as HelpdeskCategory);
      const refs = [...(t.iec ? [`IEC ${t.iec}`] : []), ...(t.applicationNumber ? [`application ${t.applicationNumber}`] : [])];
      const m = renderTicketAcknowledgement({
        ctx,
        ticketNumber: t.number,
        requesterName: t.requesterName || null,
        originalSubject: t.subject,
        knownProblem: known && t.confidence >= 0.5 ? { title: known.title, fix: known.fix } : null,
        references: refs,
      });
      return sendTicketMail(em, t, input.seq, m, 'ticket-acknowledgement', AUTOMATIC, 'acknowledgement');
    },

    /** A staff answer, by e-mail in the ticket's thread. */
    async sendTicketReply(input: { ticketNumber: string; seq: number; staff: StaffRef; body: string; resolve: boolean }): Promise<string> {
      const em = deps.em();
      const t = await ticketOrFail(em, input.ticketNumber);
      const m = renderTicketReply({ ctx, ticketNumber: t.number, requesterName: t.requesterName || null, originalSubject: t.subject, staffName: input.staff.name, body: input.body, resolved: input.resolve });
      const id = await sendTicketMail(em, t, input.seq, m, 'ticket-reply', { id: input.staff.id, name: input.staff.name }, 'reply');
      t.firstResponseAt ??= new Date();
      await em.flush();
      return id;
    },

    /**
     * The requester has not written for `waitedMs` since a staff answer: the notice that the ticket is
     * closed (a reply opens a new ticket continuing it), in the ticket's thread, once for `key`.
     */
    async sendTicketClosedNoReply(input: { ticketNumber: string; seq: number; key: string; waitedMs: number }): Promise<string> {
      const em = deps.em();
      const t = await ticketOrFail(em, input.ticketNumber);
      const m = renderTicketClosedNoReply({ ctx, ticketNumber: t.number, requesterName: t.requesterName || null, originalSubject: t.subject, waitedMs: input.waitedMs });
      return sendTicketMail(em, t, input.seq, m, 'ticket-closed-no-reply', AUTOMATIC, 'notice', input.key);
    },

    /** Another message of the thread, added to the ticket's history. */
    async recordTicketMail(input: { ticketNumber: string; mailId: string }): Promise<{ from: string; fromRequester: boolean }> {
      const em = deps.em();
      const t = await ticketOrFail(em, input.ticketNumber);
      const mail = await parseStoredMail(deps, await loadStoredMail(em, input.mailId));
      const from = mail.from?.address ?? 'unknown';
      await addMessage(em, {
        key: `${t.number}/in/${input.mailId}`,
        ticketNumber: t.number,
        direction: 'in',
        kind: 'mail',
        mailId: input.mailId,
        messageId: mail.messageId,
        author: from,
        authorName: mail.from?.name || from,
        text: (mail.text.reply || mail.text.full) + (mail.attachments.length > 0 ? `\n\n[${mail.attachments.length} attachment(s): ${mail.attachments.map((a) => (a.filename ? sanitizeFileName(a.filename) : 'unnamed')).join(', ')}]` : ''),
      });
      if (mail.messageId) {
        t.threadMessageIds = extendThread(t.threadMessageIds, mail.messageId);
        t.lastInboundMessageId = mail.messageId;
      }
      await em.flush();
      return { from, fromRequester: from === t.requesterEmail };
    },

    /** Waiting on staff too long: recorded, shown in Slack, and mailed to the escalation address when one is set. */
    async escalateTicket(input: { ticketNumber: string; escalation: number; waitingSince: string }): Promise<void> {
      const em = deps.em();
      const t = await ticketOrFail(em, input.ticketNumber);
      const minutes = Math.max(1, Math.round((Date.now() - Date.parse(input.waitingSince)) / 60_000));
      const text = `:rotating_light: Escalated${input.escalation > 1 ? ` (${input.escalation})` : ''}: ${t.number} has waited on staff for ${minutes} min${t.assigneeName ? ` (taken by ${t.assigneeName})` : ', nobody has taken it'}.`;
      if (t.escalations < input.escalation) {
        t.escalations = input.escalation;
        t.escalated = true;
        t.escalatedAt = new Date();
        await em.flush();
      }
      await addMessage(em, { key: `${t.number}/note/escalation/${input.escalation}`, ticketNumber: t.number, direction: 'note', kind: 'escalation', author: 'system', authorName: 'SLA', text });
      const to = deps.helpdesk.escalationEmail;
      if (to) {
        const body = frame(ctx, {
          greeting: 'Helpdesk supervisor',
          text: `Ticket ${t.number} ("${t.subject}") from ${t.requesterEmail} has waited on staff since ${input.waitingSince} and is escalated.`,
          html: html`<p>Ticket <b>${t.number}</b> ("${t.subject}") from ${t.requesterEmail} has waited on staff since ${input.waitingSince} and is escalated.</p>`,
        });
        await deps.notifier.send({ key: `helpdesk/${t.number}/escalation/${input.escalation}`, channel: 'email', to, template: 'ticket-escalation', subject: `Escalated: ${t.number} ${t.subject}`.slice(0, 200), text: body.text, html: body.html });
      }
    },

    /**
     * The identity module's unfreeze, by helpdesk staff from a ticket (who, when, why and through which channel
     * recorded in its audit trail). Only the user the ticket is about, the registered exporter user who wrote
     * it, can be unfrozen from it: a ticket is no way to lift someone else's freeze.
     */
    async liftNameMismatchFreeze(input: { ticketNumber: string; staff: StaffRef; userId?: string; reason: string; acceptCertificateName: boolean }): Promise<{ userId: string; unfrozenAt: string }> {
      const em = deps.em();
      const t = await ticketOrFail(em, input.ticketNumber);
      const userId = freezeSubjectOf(t, input.userId);
      const state = await unfreezeUser(em, {
        userId,
        by: input.staff.id,
        byName: input.staff.name,
        reason: `${input.reason.trim()} (ticket ${t.number})`,
        acceptCertificateName: input.acceptCertificateName,
        channel: input.staff.channel === 'slack' ? 'slack' : 'api',
      });
      return { userId, unfrozenAt: (state.unfrozenAt ?? new Date()).toISOString() };
    },
  };
}
