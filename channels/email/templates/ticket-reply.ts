import { ticketTag } from '../message-id.js';
import { ticketSubject } from './ticket-acknowledgement.js';
import { frame, greetingName, html, multiline, type MailContext, type RenderedMail } from './layout.js';

export interface TicketReplyInput {
  ctx: MailContext;
  ticketNumber: string;
  requesterName?: string | null;
  originalSubject: string;
  staffName: string;
  /** the answer typed by helpdesk staff */
  body: string;
  /** the ticket is closed with this answer */
  resolved?: boolean;
}

export function renderTicketReply(i: TicketReplyInput): RenderedMail {
  const closing = i.resolved
    ? `We have marked ticket ${i.ticketNumber} as resolved. If the problem comes back, reply to this e-mail and the ticket will be opened again.`
    : `To answer, reply to this e-mail and keep ${ticketTag(i.ticketNumber)} in the subject.`;
  const signature = `${i.staffName}, CoO Helpdesk`;
  const { text, html: body } = frame(i.ctx, {
    greeting: greetingName(i.requesterName ?? 'Sir/Madam'),
    text: [i.body.replace(/\r\n?/g, '\n').trim(), closing, signature].join('\n\n'),
    html: html`${multiline(i.body)}<p style="margin:0 0 12px">${closing}</p><p style="margin:0 0 12px">${signature}</p>`,
  });
  return { subject: ticketSubject(i.ticketNumber, i.originalSubject), text, html: body };
}
