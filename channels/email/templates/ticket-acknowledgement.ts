import { baseSubject, ticketTag } from '../message-id.js';
import { apiBase, frame, greetingName, html, multiline, type MailContext, type RenderedMail } from './layout.js';

export interface TicketAcknowledgementInput {
  ctx: MailContext;
  ticketNumber: string;
  requesterName?: string | null;
  originalSubject: string;
  /** the recognised known problem and its fix (from faq.ts), or null when none matched */
  knownProblem: { title: string; fix: string } | null;
  /** IEC and application/file/certificate numbers found in the mail, linked to the ticket */
  references?: string[];
}

export function ticketSubject(ticketNumber: string, originalSubject: string): string {
  const base = baseSubject(originalSubject.replace(/\[\s*ticket[^\]]*\]/gi, '')).trim() || 'Your message to the CoO helpdesk';
  return `Re: ${base} ${ticketTag(ticketNumber)}`;
}

/** The automatic first answer: ticket number, and the known fix when the problem was recognised. */
export function renderTicketAcknowledgement(i: TicketAcknowledgementInput): RenderedMail {
  const intro = `Your message has been received and registered as ticket ${i.ticketNumber}. Please keep ${ticketTag(i.ticketNumber)} in the subject of any further e-mail about this matter.`;
  const refs = i.references && i.references.length > 0 ? `We have linked it to: ${i.references.join(', ')}.` : '';
  // a known fix names the API's paths (GET /v1/applications…): in the mail they are this system's full addresses
  const known = i.knownProblem && { ...i.knownProblem, fix: i.knownProblem.fix.replace(/(^|[\s(])(\/v1\/)/g, (_m, pre: string, path: string) => `${pre}${apiBase(i.ctx)}${path}`) };
  const matched = known ? `Your message looks like this known problem: ${known.title}. The known solution:` : '';
  const after = known
    ? 'If this solves the problem, there is no need to reply. If it does not, reply to this e-mail describing what you tried, and a member of the helpdesk will take it up.'
    : 'A member of the helpdesk will answer you by reply to this e-mail.';
  const textParts = [intro, refs, matched, known ? known.fix.split('\n').map((l) => `  ${l}`).join('\n') : '', after].filter((p) => p !== '');
  const { text, html: body } = frame(i.ctx, {
    greeting: greetingName(i.requesterName ?? 'Sir/Madam'),
    text: textParts.join('\n\n'),
    html: html`<p style="margin:0 0 12px">${intro}</p>${refs ? html`<p style="margin:0 0 12px">${refs}</p>` : ''}${
      known
        ? html`<p style="margin:0 0 8px">${matched}</p><div style="margin:0 0 12px;padding:8px 12px;border-left:4px solid #2e7d32;background:#eef7ee">${multiline(known.fix)}</div>`
        : ''
    }<p style="margin:0 0 12px">${after}</p>`,
  });
  return { subject: ticketSubject(i.ticketNumber, i.originalSubject), text, html: body };
}
