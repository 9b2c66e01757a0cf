/**
 * A helpdesk mail becomes a ticket: categorised against the seeds' known problems, linked to the IEC
 * and application it names (or whose registered address wrote it), numbered HD-<year>-<n>. One ticket
 * per inbound mail, however often this runs (unique opening mail).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationRow, ExporterUser, IecRecord } from '../../db/entities/index.js';
import { HelpdeskTicket } from '../../db/entities/helpdesk.js';
import { categorise } from '../../channels/email/categorise.js';
import type { InboundMessage } from '../../channels/email/parse-message.js';
import { nextSequence } from '../../db/sequence.js';
import type { HelpdeskActivityDeps } from './deps.js';
import { parseStoredMail } from '../mail/examine-inbound-mail.js';
import { loadStoredMail } from '../mail/stored-mail.js';

export interface OpenTicketInput {
  mailId: string;
  /** the closed ticket this mail continues */
  relatedTicket?: string;
  suspicious?: { reason: string; applicationNumber?: string };
}

export interface OpenTicketResult {
  ticketNumber: string;
  created: boolean;
  /** send the automatic first answer (not to suspicious or automatic mail, nor to ourselves) */
  acknowledge: boolean;
}

const MAX_STORED_TEXT = 20_000;

interface Links {
  iec: string | null;
  applicationNumber: string | null;
  exporterUserId: string | null;
}

async function linksOf(em: EntityManager, mail: InboundMessage, refs: ReturnType<typeof categorise>['references'], named: string | undefined): Promise<Links> {
  let application: ApplicationRow | null = null;
  for (const n of [...(named ? [named] : []), ...refs.fileNumbers, ...refs.draftNumbers]) {
    application = await em.findOne(ApplicationRow, { $or: [{ number: n }, { fileNumber: n }] });
    if (application) break;
  }
  const writer = mail.from ? await em.findOne(ExporterUser, { email: mail.from.address, status: { $ne: 'removed' } }) : null;
  let iec: string | null = application?.iec ?? null;
  if (!iec) {
    for (const code of refs.iecs) {
      if (await em.findOne(IecRecord, { iec: code })) {
        iec = code;
        break;
      }
    }
  }
  iec ??= writer?.iec ?? null;
  if (!iec && mail.from) {
    const byCompanyMail = await em.getConnection().execute<{ iec: string }[]>(`select iec from iec_record where lower(data->>'email') = ? limit 1`, [mail.from.address]);
    iec = byCompanyMail[0]?.iec ?? null;
  }
  return {
    iec,
    applicationNumber: application ? (application.fileNumber ?? application.number) : (named ?? null),
    exporterUserId: writer && (!iec || writer.iec === iec) ? writer.id : null,
  };
}

function ticketYear(d: Date): number {
  return Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata', year: 'numeric' }).format(d));
}

export async function openTicket(deps: HelpdeskActivityDeps, input: OpenTicketInput): Promise<OpenTicketResult> {
  const em = deps.em();
  const existing = await em.findOne(HelpdeskTicket, { openingMailId: input.mailId });
  const mailbox = deps.mail.replyMailbox.toLowerCase();
  if (existing) return { ticketNumber: existing.number, created: false, acknowledge: !existing.suspicious && existing.requesterEmail !== mailbox };

  const stored = await loadStoredMail(em, input.mailId);
  const mail = await parseStoredMail(deps, stored);
  const text = mail.text.reply || mail.text.full;
  const cat = categorise({ subject: mail.subject, text });
  const links = await linksOf(em, mail, cat.references, input.suspicious?.applicationNumber);
  const requester = mail.replyTo[0] ?? mail.from!;
  const year = ticketYear(new Date());
  const number = `HD-${year}-${String(await nextSequence(em, `helpdesk-ticket/${year}`)).padStart(6, '0')}`;
  const thread = [...mail.references, ...(mail.messageId ? [mail.messageId] : [])];
  const inserted = await em.getConnection().execute<{ number: string }[]>(
    `insert into helpdesk_ticket (number, opening_mail_id, status, escalated, escalations, category, category_title, confidence, reasons,
       suspicious, suspicion_reason, requester_email, requester_name, subject, iec, application_number, exporter_user_id, related_ticket,
       workflow_id, thread_message_ids, last_inbound_message_id, created_at, updated_at)
     values (?, ?, 'new', false, 0, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, now(), now())
     on conflict (opening_mail_id) do nothing returning number`,
    [
      number,
      input.mailId,
      cat.category,
      cat.title.slice(0, 200),
      cat.confidence,
      JSON.stringify(cat.reasons),
      !!input.suspicious,
      input.suspicious?.reason ?? null,
      requester.address.slice(0, 320),
      (requester.name || mail.from?.name || '').slice(0, 200),
      mail.subject.slice(0, 500),
      links.iec,
      links.applicationNumber,
      links.exporterUserId,
      input.relatedTicket ?? null,
      `helpdesk-ticket/${number}`,
      JSON.stringify(thread.slice(-30)),
      mail.messageId,
    ],
  );
  const ticketNumber = inserted[0]?.number ?? (await em.findOneOrFail(HelpdeskTicket, { openingMailId: input.mailId })).number;
  await em.getConnection().execute(
    `insert into helpdesk_message (key, ticket_number, direction, kind, mail_id, message_id, author, author_name, text, created_at)
     values (?, ?, 'in', 'mail', ?, ?, ?, ?, ?, now()) on conflict (key) do nothing`,
    [`${ticketNumber}/in/${input.mailId}`, ticketNumber, input.mailId, mail.messageId, mail.from!.address, (mail.from!.name || mail.from!.address).slice(0, 200), text.slice(0, MAX_STORED_TEXT)],
  );
  const acknowledge = !input.suspicious && !mail.automatic && requester.address !== mailbox;
  return { ticketNumber, created: inserted.length > 0, acknowledge };
}
