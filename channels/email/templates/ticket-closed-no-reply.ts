import { ticketTag } from '../message-id.js';
import { ticketSubject } from './ticket-acknowledgement.js';
import { formatWait, frame, greetingName, html, type MailContext, type RenderedMail } from './layout.js';

export interface TicketClosedNoReplyInput {
  ctx: MailContext;
  ticketNumber: string;
  requesterName?: string | null;
  originalSubject: string;
  /** how long the helpdesk waited on the requester after its last answer, in milliseconds */
  waitedMs: number;
}

/**
 * The ticket waited on the requester after a staff answer and nobody wrote: it is closed. A reply to this
 * e-mail reaches the helpdesk as a new ticket that continues the closed one (its thread names the ticket).
 */
export function renderTicketClosedNoReply(i: TicketClosedNoReplyInput): RenderedMail {
  const waited = formatWait(i.waitedMs);
  const closed = `We have not heard back from you in ${waited} since our last answer, so ticket ${i.ticketNumber} is now closed.`;
  const again = `If you still need help with this matter, reply to this e-mail (keep ${ticketTag(i.ticketNumber)} in the subject): your reply opens a new ticket that continues ${i.ticketNumber}, and a member of the helpdesk will take it up.`;
  const signature = 'CoO Helpdesk';
  const { text, html: body } = frame(i.ctx, {
    greeting: greetingName(i.requesterName ?? 'Sir/Madam'),
    text: [closed, again, signature].join('\n\n'),
    html: html`<p style="margin:0 0 12px">${closed}</p><p style="margin:0 0 12px">${again}</p><p style="margin:0 0 12px">${signature}</p>`,
  });
  return { subject: ticketSubject(i.ticketNumber, i.originalSubject), text, html: body };
}
