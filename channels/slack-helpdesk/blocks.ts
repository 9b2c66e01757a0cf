/**
 * Block Kit for the helpdesk channel: one message per ticket (category, requester, exporter, linked
 * application, state, buttons), its modals (reply, lift a name-mismatch freeze) and thread notes.
 * Pure functions over a TicketCard.
 */
import type { types } from '@slack/bolt';
import { escapeMrkdwn, formatDateTimeIst, truncate } from '../slack/blocks/format.js';
import type { TicketStatus } from '../../db/entities/helpdesk.js';

type Block = types.KnownBlock;
type Button = types.Button;
type ModalView = types.ModalView;

export const ActionId = {
  take: 'helpdesk_take',
  reply: 'helpdesk_reply',
  resolve: 'helpdesk_resolve',
  liftFreeze: 'helpdesk_lift_freeze',
} as const;

export const CallbackId = { reply: 'helpdesk_reply', liftFreeze: 'helpdesk_lift_freeze' } as const;

export const InputBlockId = { body: 'reply_body', resolve: 'reply_resolve', userId: 'lift_user', reason: 'lift_reason', accept: 'lift_accept' } as const;
export const InputActionId = { body: 'body', resolve: 'resolve', userId: 'user_id', reason: 'reason', accept: 'accept' } as const;

export const REPLY_LIMITS = { min: 2, max: 3000 } as const;
export const REASON_LIMITS = { min: 10, max: 1000 } as const;

export interface TicketCard {
  ticketNumber: string;
  status: TicketStatus;
  category: string;
  categoryTitle: string;
  confidence: number;
  suspicious: boolean;
  suspicionReason: string | null;
  requester: { email: string; name: string };
  subject: string;
  /** the new text of the opening message */
  excerpt: string;
  iec: string | null;
  exporterName: string | null;
  applicationNumber: string | null;
  applicationStatus: string | null;
  /** the exporter user who wrote, and whether automated verification is frozen for them */
  exporterUserId: string | null;
  userFrozen: boolean;
  assignee: { id: string; name: string } | null;
  escalated: boolean;
  escalations: number;
  createdAt: string;
  relatedTicket: string | null;
}

export interface SlackMessage {
  text: string;
  blocks: Block[];
}

const STATUS_TEXT: Record<TicketStatus, string> = {
  new: ':large_yellow_circle: New, waiting on staff',
  assigned: ':large_blue_circle: Taken, waiting on staff',
  'waiting-requester': ':speech_balloon: Answered, waiting on the requester',
  resolved: ':white_check_mark: Resolved',
  closed: ':lock: Closed',
};

function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Button {
  return { type: 'button', text: { type: 'plain_text', text }, action_id: actionId, value, ...(style ? { style } : {}) };
}

/**
 * The lift-freeze button: on a ticket about a registered exporter user (only that user's freeze can be
 * lifted from it), for the name-mismatch category or when that user is frozen.
 */
export function offersLiftFreeze(card: TicketCard): boolean {
  return card.exporterUserId !== null && (card.category === 'name_mismatch_freeze' || card.userFrozen);
}

export function buildTicketMessage(card: TicketCard): SlackMessage {
  const n = card.ticketNumber;
  const title = `${card.suspicious ? ':warning: SUSPICIOUS · ' : ''}${n} · ${card.categoryTitle}`;
  const fields: types.MrkdwnElement[] = [
    { type: 'mrkdwn', text: `*Status*\n${STATUS_TEXT[card.status]}${card.escalated ? `\n:rotating_light: escalated${card.escalations > 1 ? ` ×${card.escalations}` : ''}` : ''}` },
    { type: 'mrkdwn', text: `*Category*\n${escapeMrkdwn(card.categoryTitle)} (${Math.round(card.confidence * 100)}%)` },
    { type: 'mrkdwn', text: `*From*\n${escapeMrkdwn(truncate(card.requester.name ? `${card.requester.name} <${card.requester.email}>` : card.requester.email, 200))}` },
    { type: 'mrkdwn', text: `*Exporter*\n${card.iec ? escapeMrkdwn(`${card.exporterName ?? 'unknown firm'} (IEC ${card.iec})`) : '_not identified_'}` },
    {
      type: 'mrkdwn',
      text: `*Application*\n${card.applicationNumber ? escapeMrkdwn(`${card.applicationNumber}${card.applicationStatus ? ` · ${card.applicationStatus}` : ''}`) : '_none named_'}`,
    },
    { type: 'mrkdwn', text: `*Assignee*\n${card.assignee ? escapeMrkdwn(card.assignee.name) : '_nobody yet_'}` },
  ];
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(title, 150) } },
    { type: 'section', fields },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(`*${escapeMrkdwn(card.subject || '(no subject)')}*\n>${escapeMrkdwn(card.excerpt || '(no text)').replace(/\n/g, '\n>')}`, 2900) } },
  ];
  const notes: string[] = [`Opened ${formatDateTimeIst(card.createdAt)}`];
  if (card.relatedTicket) notes.push(`continues ${card.relatedTicket}`);
  if (card.userFrozen && card.exporterUserId) notes.push(`automated verification of ${card.exporterUserId} is frozen`);
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(notes.join(' · ')) }] });
  if (card.suspicious && card.suspicionReason) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(`:warning: ${escapeMrkdwn(card.suspicionReason)}`, 2900) } });
  }
  if (card.status !== 'closed') {
    const buttons: Button[] = [];
    if (card.status !== 'resolved') buttons.push(button(card.assignee ? 'Take over' : 'Take', ActionId.take, n, card.assignee ? undefined : 'primary'));
    buttons.push(button('Reply', ActionId.reply, n));
    if (card.status !== 'resolved') buttons.push(button('Resolve', ActionId.resolve, n));
    if (offersLiftFreeze(card)) buttons.push(button('Lift name-mismatch freeze', ActionId.liftFreeze, n, 'danger'));
    blocks.push({ type: 'actions', block_id: `helpdesk_actions`, elements: buttons });
  }
  return { text: `${title} from ${card.requester.email}`, blocks };
}

/** A note in the ticket's thread (a new message, an answer, an escalation). */
export function buildThreadNote(text: string): SlackMessage {
  return { text: truncate(text, 2900), blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(escapeMrkdwn(text), 2900) } }] };
}

export interface ModalContext {
  ticketNumber: string;
  channel?: string;
  messageTs?: string;
}

export function encodeModalContext(ctx: ModalContext): string {
  return JSON.stringify({ n: ctx.ticketNumber, c: ctx.channel, t: ctx.messageTs });
}

export function decodeModalContext(text: string): ModalContext | null {
  try {
    const raw = JSON.parse(text) as Record<string, unknown>;
    if (typeof raw.n !== 'string' || raw.n === '') return null;
    return { ticketNumber: raw.n, ...(typeof raw.c === 'string' ? { channel: raw.c } : {}), ...(typeof raw.t === 'string' ? { messageTs: raw.t } : {}) };
  } catch {
    return null;
  }
}

export function buildReplyModal(card: TicketCard, ctx: ModalContext): ModalView {
  return {
    type: 'modal',
    callback_id: CallbackId.reply,
    private_metadata: encodeModalContext(ctx),
    title: { type: 'plain_text', text: truncate(`Reply to ${card.ticketNumber}`, 24) },
    submit: { type: 'plain_text', text: 'Send by e-mail' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: truncate(`To *${escapeMrkdwn(card.requester.email)}*, in the thread of "${escapeMrkdwn(card.subject || '(no subject)')}".`, 2900) },
      },
      {
        type: 'input',
        block_id: InputBlockId.body,
        label: { type: 'plain_text', text: 'Your answer' },
        element: { type: 'plain_text_input', action_id: InputActionId.body, multiline: true, min_length: REPLY_LIMITS.min, max_length: REPLY_LIMITS.max },
      },
      {
        type: 'input',
        block_id: InputBlockId.resolve,
        optional: true,
        label: { type: 'plain_text', text: 'Ticket' },
        element: {
          type: 'checkboxes',
          action_id: InputActionId.resolve,
          options: [{ text: { type: 'plain_text', text: 'Mark the ticket resolved with this answer' }, value: 'resolve' }],
        },
      },
    ],
  };
}

export function buildLiftFreezeModal(card: TicketCard, ctx: ModalContext): ModalView {
  return {
    type: 'modal',
    callback_id: CallbackId.liftFreeze,
    private_metadata: encodeModalContext(ctx),
    title: { type: 'plain_text', text: 'Lift freeze' },
    submit: { type: 'plain_text', text: 'Lift the freeze' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text:
            'Lifting the freeze lets the user sign again. Check first that the profile name and the name in the DSC are the same person (seed 000: the names must match completely). ' +
            `Only the user this ticket is about${card.exporterUserId ? ` (${card.exporterUserId})` : ''} can be unfrozen from it.`,
        },
      },
      {
        type: 'input',
        block_id: InputBlockId.userId,
        label: { type: 'plain_text', text: 'Exporter user id' },
        element: { type: 'plain_text_input', action_id: InputActionId.userId, max_length: 60, ...(card.exporterUserId ? { initial_value: card.exporterUserId } : {}) },
      },
      {
        type: 'input',
        block_id: InputBlockId.reason,
        label: { type: 'plain_text', text: 'Reason (kept in the audit trail)' },
        element: { type: 'plain_text_input', action_id: InputActionId.reason, multiline: true, min_length: REASON_LIMITS.min, max_length: REASON_LIMITS.max },
      },
      {
        type: 'input',
        block_id: InputBlockId.accept,
        optional: true,
        label: { type: 'plain_text', text: 'Certificate name' },
        element: {
          type: 'checkboxes',
          action_id: InputActionId.accept,
          options: [{ text: { type: 'plain_text', text: 'Accept the name in the DSC as checked by hand for this user' }, value: 'accept' }],
        },
      },
    ],
  };
}
