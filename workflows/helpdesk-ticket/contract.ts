/**
 * Contracts of the mail workflows: `processInboundMail` (one per inbound message, ID from its
 * Message-ID, so a message is processed once however often the ingester sees it) and `helpdeskTicket`
 * (one per ticket, `helpdesk-ticket/<number>`, with its SLA). The ingester, the API and the helpdesk's
 * Slack bot depend only on this module; it imports no workflow code.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { InboundMailOutcome, TicketStatus } from '../../domain/helpdesk/vocabulary.js';
export { TASK_QUEUE } from '../task-queues.js';
export type { InboundMailOutcome, TicketStatus };

export const INBOUND_MAIL_WORKFLOW = 'processInboundMail';
export const HELPDESK_TICKET_WORKFLOW = 'helpdeskTicket';

/** A ticket's waits: production values from lib/config.ts, seconds in tests. */
export interface TicketTimings {
  /** waiting on staff longer than this escalates */
  sla: Duration;
  /** escalate again this often while still waiting (none: once) */
  escalateEvery?: Duration;
  /** a resolved ticket is reopened by a reply until this has passed; then the workflow ends */
  closeAfterResolved: Duration;
  /**
   * a ticket answered by staff and waiting on the requester is closed, with a notice to the requester,
   * when they have not written for this long (none, as in inputs from before it existed: it waits for ever)
   */
  closeAfterNoReply?: Duration;
}

export interface InboundMailInput {
  /** the inbound_mail row holding the raw message */
  mailId: string;
  ticketTimings: TicketTimings;
}

/** IMAP keywords stored on the message for people reading the mailbox. */
export const MailFlag = {
  processed: '$CooProcessed',
  ticket: '$CooTicket',
  deficiency: '$CooDeficiency',
  rejected: '$CooRejected',
  suspicious: '$CooSuspicious',
  duplicate: '$CooDuplicate',
} as const;

export interface InboundMailResult {
  outcome: InboundMailOutcome;
  ticketNumber?: string;
  applicationNumber?: string;
  round?: number;
  /** the keywords for the message, $CooProcessed included */
  flags: string[];
}

const PRINTABLE = /^[\x21-\x7e]+$/;

/**
 * `inbound-mail/<Message-ID without brackets>`, or `inbound-mail/<dedupe key>` for messages without
 * a usable Message-ID (the key is then `sha256:<hex>` of the content).
 */
export function inboundMailWorkflowId(dedupeKey: string): string {
  const id = dedupeKey.startsWith('mid:') ? dedupeKey.slice(4).replace(/^<|>$/g, '') : dedupeKey;
  return `inbound-mail/${PRINTABLE.test(id) && id.length <= 300 ? id : dedupeKey}`;
}

export const helpdeskTicketWorkflowId = (ticketNumber: string): string => `helpdesk-ticket/${ticketNumber}`;

export interface TicketInput {
  ticketNumber: string;
  openingMailId: string;
  /** the automatic first answer (not for suspicious or automatic mail) */
  acknowledge: boolean;
  timings: TicketTimings;
}

/** Who acts on a ticket; the Updates refuse a role the helpdesk rule (domain/helpdesk/access.ts) does not allow. */
export interface StaffRef {
  id: string;
  name: string;
  role: string;
  /** where they acted: recorded with what the action changes (the audit trail of a lifted freeze) */
  channel: 'slack' | 'api';
}

export interface TicketEvent {
  at: string;
  kind: 'opened' | 'mail' | 'taken' | 'reply' | 'resolved' | 'reopened' | 'escalated' | 'freeze-lifted' | 'closed-no-reply' | 'closed';
  by: string;
  note?: string;
}

export interface TicketState {
  ticketNumber: string;
  status: TicketStatus;
  assignee?: { id: string; name: string };
  /** ISO time since when the requester waits on staff; absent when not waiting */
  waitingOnStaffSince?: string;
  /** ISO time of the staff answer since which the ticket waits on the requester; absent when not waiting on them */
  waitingOnRequesterSince?: string;
  escalations: number;
  /** outgoing mails so far (0 is the acknowledgement) */
  outgoing: number;
  events: TicketEvent[];
}

export interface TicketMail {
  mailId: string;
}

export interface ReplyInput {
  staff: StaffRef;
  body: string;
  /** close the ticket with this answer */
  resolve?: boolean;
}

export interface LiftFreezeInput {
  staff: StaffRef;
  /** the exporter user to unfreeze (default: the ticket's linked user) */
  userId?: string;
  reason: string;
  /** record the certificate name that froze the user as checked by hand */
  acceptCertificateName?: boolean;
}

export const ticketStateQuery = defineQuery<TicketState>('ticketState');
/** Another message of the thread (the requester's, or anyone's threaded into the ticket). */
export const ticketMailSignal = defineSignal<[TicketMail]>('ticketMail');
export const takeTicketUpdate = defineUpdate<TicketState, [StaffRef]>('takeTicket');
/** The reply goes out by e-mail in the ticket's thread before the update returns. */
export const replyTicketUpdate = defineUpdate<TicketState, [ReplyInput]>('replyTicket');
export const resolveTicketUpdate = defineUpdate<TicketState, [{ staff: StaffRef; note?: string }]>('resolveTicket');
export const liftFreezeUpdate = defineUpdate<{ userId: string; unfrozenAt: string }, [LiftFreezeInput]>('liftFreeze');

