/**
 * Decides where an inbound message goes: a deficiency response (a verified reply token, from an
 * address registered for the application's IEC), a suspicious ticket (a reply token from anyone else,
 * or a forged one), a message of an existing ticket (threaded by In-Reply-To/References or the ticket
 * tag in the subject), a new ticket, or nowhere (unreadable, too large, automatic mail).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationRow } from '../../db/entities/index.js';
import { HelpdeskMessage, HelpdeskTicket } from '../../db/entities/helpdesk.js';
import { parseInboundMessage, type InboundMessage } from '../../channels/email/parse-message.js';
import type { MimeDefect } from '../../channels/email/mime-check.js';
import { parseTicketMessageId, ticketNumberFromSubject } from '../../channels/email/message-id.js';
import { verifyReplyToken } from '../../channels/email/reply-token.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { HelpdeskActivityDeps } from '../helpdesk/deps.js';
import { loadStoredMail, registeredAddresses, type StoredMail } from './stored-mail.js';

export type MailRoute =
  | { route: 'too-large'; sizeBytes: number; maxBytes: number }
  | { route: 'malformed'; reason: string; /** the MIME defects found (channels/email/mime-check.ts), one sentence each */ problems?: string[] }
  | { route: 'ignored'; reason: string }
  | { route: 'deficiency'; applicationNumber: string; round: number; senderUserId: string | null; senderName: string }
  | { route: 'suspicious'; reason: string; applicationNumber?: string }
  | { route: 'ticket-message'; ticketNumber: string }
  | { route: 'new-ticket'; relatedTicket?: string };

/** The MIME defects behind a mail_malformed refusal (none for a message that is not an e-mail at all). */
export function mimeProblems(e: AppError): MimeDefect[] {
  const list = e.details?.problems;
  return Array.isArray(list) ? (list as MimeDefect[]) : [];
}

/** Parses the stored message with the helpdesk mailbox's settings (reply tokens in its +detail). */
export async function parseStoredMail(deps: HelpdeskActivityDeps, stored: StoredMail): Promise<InboundMessage> {
  return parseInboundMessage(stored.raw, { mailbox: deps.mail.replyMailbox, maxBytes: deps.helpdesk.maxMessageBytes });
}

/** The ticket a message continues, if any: our ticket Message-IDs in its thread, an earlier message of the thread, or the subject tag. */
export async function threadedTicket(em: EntityManager, mail: InboundMessage, domain: string): Promise<HelpdeskTicket | null> {
  const ids = [...(mail.inReplyTo ? [mail.inReplyTo] : []), ...[...mail.references].reverse()];
  for (const id of ids) {
    const parsed = parseTicketMessageId(id);
    if (parsed && parsed.domain === domain.toLowerCase()) {
      const t = await em.findOne(HelpdeskTicket, { number: parsed.ticketNumber.toUpperCase() });
      if (t) return t;
    }
  }
  if (ids.length > 0) {
    const earlier = await em.findOne(HelpdeskMessage, { messageId: { $in: ids } }, { orderBy: { id: 'desc' } });
    if (earlier) {
      const t = await em.findOne(HelpdeskTicket, { number: earlier.ticketNumber });
      if (t) return t;
    }
  }
  const tagged = ticketNumberFromSubject(mail.subject);
  return tagged ? em.findOne(HelpdeskTicket, { number: tagged }) : null;
}

export async function examineInboundMail(deps: HelpdeskActivityDeps, input: { mailId: string }): Promise<MailRoute> {
  const em = deps.em();
  const stored = await loadStoredMail(em, input.mailId);
  if (!stored.complete) return { route: 'too-large', sizeBytes: stored.row.sizeBytes, maxBytes: deps.helpdesk.maxMessageBytes };
  let mail: InboundMessage;
  try {
    mail = await parseStoredMail(deps, stored);
  } catch (e) {
    if (e instanceof AppError && e.code === ErrorCode.MailTooLarge) return { route: 'too-large', sizeBytes: stored.row.sizeBytes, maxBytes: deps.helpdesk.maxMessageBytes };
    if (e instanceof AppError && e.code === ErrorCode.MailMalformed) {
      const problems = mimeProblems(e);
      return problems.length > 0 ? { route: 'malformed', reason: e.message, problems: problems.map((p) => p.problem) } : { route: 'malformed', reason: e.message };
    }
    throw e;
  }
  if (!mail.from) return { route: 'malformed', reason: 'The message has no sender (From) address.' };

  if (mail.replyToken) {
    // A reply token is only ever acted on after its MAC is verified; then only for the IEC's own addresses.
    const check = verifyReplyToken(mail.replyToken, deps.mail.replySecret);
    if (!check.ok) return { route: 'suspicious', reason: `It carries a deficiency reply reference that is not valid (${check.message})` };
    const app = await em.findOne(ApplicationRow, { number: check.applicationNumber });
    if (!app) {
      return { route: 'suspicious', reason: `Its reply reference names application ${check.applicationNumber}, which does not exist.`, applicationNumber: check.applicationNumber };
    }
    // people read the file number once there is one (a deficiency is always after payment)
    const shown = app.fileNumber ?? app.number;
    if (mail.automatic) return { route: 'ignored', reason: `an automatic message (${mail.automatic}) to the reply address of application ${shown}` };
    const sender = (await registeredAddresses(em, app.iec)).get(mail.from.address);
    if (!sender) {
      return {
        route: 'suspicious',
        reason: `A reply to the deficiency e-mail of file ${shown} (round ${check.round}) came from ${mail.from.address}, which is not an address registered for IEC ${app.iec}. It was not accepted as the deficiency response.`,
        applicationNumber: shown,
      };
    }
    return { route: 'deficiency', applicationNumber: app.number, round: check.round, senderUserId: sender.userId, senderName: sender.name };
  }

  if (mail.automatic) return { route: 'ignored', reason: `an automatic message (${mail.automatic})` };
  const ticket = await threadedTicket(em, mail, deps.mail.domain);
  if (ticket && ticket.status !== 'closed') return { route: 'ticket-message', ticketNumber: ticket.number };
  return ticket ? { route: 'new-ticket', relatedTicket: ticket.number } : { route: 'new-ticket' };
}
