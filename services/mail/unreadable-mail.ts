/**
 * The answer to a message that could not be processed (too large, or not readable as an e-mail), and
 * the final record of every inbound message. The answer goes only to a real sender: never to an
 * automatic message (auto-reply, bounce, list), so two robots cannot answer each other forever.
 */
import { baseSubject, replyHeaders } from '../../channels/email/message-id.js';
import { formatMegabytes } from '../../channels/email/attachments.js';
import { frame, greetingName, html, type RenderedMail } from '../../channels/email/templates/index.js';
import { InboundMail, type InboundMailOutcome } from '../../db/entities/mail-ingest.js';
import type { HelpdeskActivityDeps } from '../helpdesk/deps.js';
import { loadStoredMail, summariseHeaders } from '../mail/stored-mail.js';

/** Kept beside the activity that sends it (STYLE.md 12). */
function renderUnreadable(i: { ctx: HelpdeskActivityDeps['mail']['context']; name: string; subject: string; problem: string }): RenderedMail {
  const intro = `Your e-mail "${i.subject || '(no subject)'}" to the CoO helpdesk could not be processed:`;
  const keep = 'A copy of what arrived has been kept, so nothing is lost, but no ticket was opened and nothing was passed to an officer.';
  const fix =
    'Please send it again as an ordinary e-mail: write your message in the body, and attach at most 5 files of at most 5 MB each (PDF, JPG, XLS or XLSX) to a reply to a deficiency e-mail.';
  const { text, html: body } = frame(i.ctx, {
    greeting: greetingName(i.name || 'Sir/Madam'),
    text: [intro, `  ${i.problem}`, keep, fix].join('\n\n'),
    html: html`<p style="margin:0 0 12px">${intro}</p><p style="margin:0 0 12px"><strong>${i.problem}</strong></p><p style="margin:0 0 12px">${keep}</p><p style="margin:0 0 12px">${fix}</p>`,
  });
  const base = baseSubject(i.subject).trim();
  return { subject: base ? `Not processed: ${base}` : 'Your e-mail to the CoO helpdesk could not be processed', text, html: body };
}

export function createUnreadableMailService(deps: HelpdeskActivityDeps) {
  return {
    /** Tells the sender why their message was not processed; returns whether a mail went out. */
    async answerUnreadableMail(input: { mailId: string; reason: 'too-large' | 'malformed'; detail: string }): Promise<boolean> {
      const em = deps.em();
      const stored = await loadStoredMail(em, input.mailId);
      const h = await summariseHeaders(stored.raw);
      const to = h.replyTo ?? h.from?.address;
      if (!to || h.automatic) return false;
      if (to.toLowerCase() === deps.mail.replyMailbox.toLowerCase()) return false;
      const problem =
        input.reason === 'too-large'
          ? `It is ${formatMegabytes(stored.row.sizeBytes)}, more than the ${formatMegabytes(deps.helpdesk.maxMessageBytes)} the helpdesk accepts in one e-mail.`
          : input.detail;
      const m = renderUnreadable({ ctx: deps.mail.context, name: h.from?.name ?? '', subject: h.subject, problem });
      const threading = h.messageId ? replyHeaders({ messageId: h.messageId, references: h.references }) : null;
      await deps.notifier.send({
        key: `mail/${input.mailId}/unreadable`,
        channel: 'email',
        to,
        template: `inbound-${input.reason}`,
        subject: m.subject,
        text: m.text,
        html: m.html,
        messageId: `<inbound-${input.mailId}-not-processed@${deps.mail.domain}>`,
        ...(threading ? { inReplyTo: threading.inReplyTo, references: threading.references } : {}),
      });
      return true;
    },

    /** The outcome of an inbound message, recorded once it is final (the ingester flags the mailbox copy from it). */
    async completeInboundMail(input: { mailId: string; outcome: InboundMailOutcome; details: Record<string, unknown> }): Promise<void> {
      const em = deps.em();
      await em.nativeUpdate(InboundMail, { id: input.mailId }, { status: 'done', outcome: input.outcome, outcomeDetails: input.details, processedAt: new Date() });
    },
  };
}
