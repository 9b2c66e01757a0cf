import { attachmentsToAttest, type ApplicationCard } from '../backend.js';
import { ActionId } from '../ids.js';
import {
  attachmentsSection,
  compact,
  decisionSection,
  deficiencyHistorySection,
  factFields,
  goodsSection,
  headerText,
  mrkdwnSection,
  requestSection,
  statusLine,
} from './card-sections.js';
import { displayNumber, escapeMrkdwn, truncate } from './format.js';
import type { ActionsBlock, Button, SlackMessage } from './types.js';

const GOODS_SHOWN = 5;
/** corrections of an in-lieu request listed on the card */
const CHANGES_SHOWN = 8;
const ROUNDS_SHOWN = 3;
const REMARKS_SHOWN = 500;
/** A confirmation dialog's text holds 300 characters. */
const CONFIRM_TEXT_MAX = 300;

/** Decisions can be taken only while the file is with the office. */
export function isDecidable(card: ApplicationCard): boolean {
  return card.status === 'In-Process';
}

/**
 * The one channel message of an application. It is rebuilt from the card on every move and
 * replaces the previous version in place, so decision buttons exist only while a decision is possible.
 */
export function buildApplicationMessage(card: ApplicationCard, opts: { actions?: 'auto' | 'details' } = {}): SlackMessage {
  const blocks = compact([
    { type: 'header', text: { type: 'plain_text', text: headerText(card), emoji: true } },
    mrkdwnSection(statusLine(card)),
    requestSection(card, CHANGES_SHOWN),
    factFields(card),
    goodsSection(card, GOODS_SHOWN),
    attachmentsSection(card),
    deficiencyHistorySection(card, ROUNDS_SHOWN, REMARKS_SHOWN),
    decisionSection(card),
    actionsBlock(card, opts.actions ?? 'auto'),
  ]);
  return { text: fallbackText(card), blocks };
}

export function fallbackText(card: ApplicationCard): string {
  return `CoO ${displayNumber(card)} from ${escapeMrkdwn(card.exporter.name)}: ${card.status}`;
}

/** `details` leaves the decision buttons out (a copy shown by the slash command, which would go stale). */
function actionsBlock(card: ApplicationCard, mode: 'auto' | 'details'): ActionsBlock {
  const value = card.applicationNumber;
  const details: Button = {
    type: 'button',
    action_id: ActionId.details,
    text: { type: 'plain_text', text: 'Details' },
    value,
  };
  if (mode === 'details' || !isDecidable(card)) {
    return { type: 'actions', block_id: 'coo_actions', elements: [details] };
  }
  return {
    type: 'actions',
    block_id: 'coo_actions',
    elements: [
      {
        type: 'button',
        action_id: ActionId.approve,
        text: { type: 'plain_text', text: 'Approve' },
        style: 'primary',
        value,
        // with documents to attest, the button opens the approval modal, which is its own confirmation
        ...(attachmentsToAttest(card).length > 0 ? {} : { confirm: approveConfirm(card) }),
      },
      { type: 'button', action_id: ActionId.deficiency, text: { type: 'plain_text', text: 'Raise deficiency' }, value },
      { type: 'button', action_id: ActionId.reject, text: { type: 'plain_text', text: 'Reject' }, style: 'danger', value },
      details,
    ],
  };
}

function approveConfirm(card: ApplicationCard): NonNullable<Button['confirm']> {
  return {
    title: { type: 'plain_text', text: 'Approve this application?' },
    text: {
      type: 'mrkdwn',
      text: truncate(`Approve *${escapeMrkdwn(displayNumber(card))}* from ${escapeMrkdwn(truncate(card.exporter.name, 120))}? The certificate then goes for signature.`, CONFIRM_TEXT_MAX),
    },
    confirm: { type: 'plain_text', text: 'Approve' },
    deny: { type: 'plain_text', text: 'Cancel' },
  };
}
