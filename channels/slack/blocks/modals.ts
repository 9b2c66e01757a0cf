import { attachmentsToAttest, type ApplicationCard } from '../backend.js';
import { CallbackId, InputActionId, InputBlockId } from '../ids.js';
import { COMMON_DOCUMENTS, LIMITS } from '../input-rules.js';
import {
  attachmentsSection,
  compact,
  decisionSection,
  deficiencyRoundText,
  factFields,
  goodsLine,
  SECTION_TEXT_MAX,
  mrkdwnSection,
  statusLine,
} from './card-sections.js';
import { displayNumber, escapeMrkdwn, truncate } from './format.js';
import type { Block, ModalView, PlainTextOption } from './types.js';


/** Where the modal came from, carried through Slack in `private_metadata`. */
export interface ModalContext {
  applicationNumber: string;
  /** The channel message the button was on, for ephemeral replies and refreshing it. */
  channel?: string;
  messageTs?: string;
}

export function encodeModalContext(ctx: ModalContext): string {
  return JSON.stringify({ a: ctx.applicationNumber, c: ctx.channel, t: ctx.messageTs });
}

export function decodeModalContext(text: string): ModalContext | null {
  try {
    const raw: unknown = JSON.parse(text);
    if (typeof raw !== 'object' || raw === null) return null;
    const { a, c, t } = raw as Record<string, unknown>;
    if (typeof a !== 'string' || a === '') return null;
    return {
      applicationNumber: a,
      ...(typeof c === 'string' ? { channel: c } : {}),
      ...(typeof t === 'string' ? { messageTs: t } : {}),
    };
  } catch {
    return null;
  }
}

function plain(text: string) {
  return { type: 'plain_text' as const, text, emoji: true };
}

function summary(card: ApplicationCard): Block {
  return {
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: truncate(
          `*${escapeMrkdwn(displayNumber(card))}* · ${escapeMrkdwn(card.exporter.name)} · ${escapeMrkdwn(card.agreement.title)}`,
          3000,
        ),
      },
    ],
  };
}

export function buildDeficiencyModal(card: ApplicationCard, ctx: ModalContext): ModalView {
  const options: PlainTextOption[] = COMMON_DOCUMENTS.map((d) => ({ text: plain(d.label), value: d.value }));
  return {
    type: 'modal',
    callback_id: CallbackId.deficiency,
    private_metadata: encodeModalContext(ctx),
    title: plain('Raise deficiency'),
    submit: plain('Send to exporter'),
    close: plain('Cancel'),
    blocks: [
      summary(card),
      {
        type: 'input',
        block_id: InputBlockId.remarks,
        label: plain('Remarks for the exporter'),
        hint: plain('The exporter reads this and answers by editing the application or with a clarification.'),
        element: {
          type: 'plain_text_input',
          action_id: InputActionId.remarks,
          multiline: true,
          min_length: LIMITS.remarksMin,
          max_length: LIMITS.remarksMax,
          placeholder: plain('What is missing or wrong, and what the exporter must do'),
        },
      },
      {
        type: 'input',
        block_id: InputBlockId.documents,
        optional: true,
        label: plain('Documents asked for'),
        element: { type: 'checkboxes', action_id: InputActionId.documents, options },
      },
      {
        type: 'input',
        block_id: InputBlockId.otherDocuments,
        optional: true,
        label: plain('Other documents'),
        hint: plain('One document per line.'),
        element: {
          type: 'plain_text_input',
          action_id: InputActionId.otherDocuments,
          multiline: true,
          max_length: LIMITS.otherDocumentsMax,
        },
      },
    ],
  };
}

/**
 * Approval of a file with attachments marked "Attest": each is listed ticked (attested at issuance); the
 * officer unticks one to decline it and says why in the remark, which the exporter reads.
 */
export function buildApproveModal(card: ApplicationCard, ctx: ModalContext): ModalView {
  const options: PlainTextOption[] = attachmentsToAttest(card)
    .slice(0, 10)
    .map((a) => ({ text: plain(truncate(`${a.kind}: ${a.name}`, 75)), value: a.id }));
  return {
    type: 'modal',
    callback_id: CallbackId.approve,
    private_metadata: encodeModalContext(ctx),
    title: plain('Approve application'),
    submit: plain('Approve'),
    close: plain('Cancel'),
    blocks: [
      summary(card),
      mrkdwnSection('The certificate is issued, and each ticked document becomes an attested copy (your signature and the office stamp), sealed like the certificate.'),
      {
        type: 'input',
        block_id: InputBlockId.attest,
        optional: true,
        label: plain('Documents to attest'),
        hint: plain('Untick a document to decline its attestation.'),
        element: { type: 'checkboxes', action_id: InputActionId.attest, options, initial_options: options },
      },
      {
        type: 'input',
        block_id: InputBlockId.attestRemark,
        optional: true,
        label: plain('Remark for the documents not attested'),
        hint: plain('Needed when you untick one: the exporter reads it.'),
        element: { type: 'plain_text_input', action_id: InputActionId.attestRemark, multiline: true, max_length: LIMITS.attestRemarkMax },
      },
    ],
  };
}

export function buildRejectModal(card: ApplicationCard, ctx: ModalContext): ModalView {
  return {
    type: 'modal',
    callback_id: CallbackId.reject,
    private_metadata: encodeModalContext(ctx),
    title: plain('Reject application'),
    submit: plain('Reject'),
    close: plain('Cancel'),
    blocks: [
      summary(card),
      mrkdwnSection(':no_entry: Rejection is final: the exporter has to apply again. To ask for corrections, raise a deficiency instead.'),
      {
        type: 'input',
        block_id: InputBlockId.reason,
        label: plain('Reason (sent to the exporter)'),
        element: {
          type: 'plain_text_input',
          action_id: InputActionId.reason,
          multiline: true,
          min_length: LIMITS.reasonMin,
          max_length: LIMITS.reasonMax,
        },
      },
    ],
  };
}

/** Modals hold at most 100 blocks; goods and rounds are listed in as few sections as fit. */
export function buildDetailsModal(card: ApplicationCard): ModalView {
  const rounds = card.deficiencies.map((r) => mrkdwnSection(deficiencyRoundText(r, 1500)));
  const blocks = compact([
    { type: 'header', text: plain(truncate(`${displayNumber(card)}`, 150)) },
    mrkdwnSection(statusLine(card)),
    factFields(card),
    mrkdwnSection(
      [
        `*Issuing agency*: ${escapeMrkdwn(card.agency.name)} (${escapeMrkdwn(card.agency.code)})`,
        `*Office*: ${escapeMrkdwn(card.office.name)} (${escapeMrkdwn(card.office.code)})`,
        `*Agreement code*: ${escapeMrkdwn(card.agreement.code)}`,
        `*Invoice currency*: ${escapeMrkdwn(card.invoice.currency)}`,
      ].join('\n'),
    ),
    { type: 'divider' },
    ...chunkedSections(`*Goods* (${card.goods.length} ${card.goods.length === 1 ? 'item' : 'items'})`, card.goods.slice(0, 200).map(goodsLine)),
    attachmentsSection(card),
    decisionSection(card),
    rounds.length > 0 ? { type: 'divider' } : null,
    rounds.length > 0 ? mrkdwnSection(`*Deficiency history* (${rounds.length} ${rounds.length === 1 ? 'round' : 'rounds'})`) : null,
    ...rounds.slice(-40),
  ]);
  return {
    type: 'modal',
    callback_id: CallbackId.details,
    title: plain('Application details'),
    close: plain('Close'),
    blocks,
  };
}

/** Lines split over as many sections as needed, never cutting a line (sections hold 3,000 characters). */
export function chunkedSections(title: string, lines: string[]): Block[] {
  const sections: Block[] = [];
  let current = title;
  for (const line of lines) {
    const next = `${current}\n${line}`;
    if (next.length > SECTION_TEXT_MAX) {
      sections.push(mrkdwnSection(current));
      current = truncate(line, SECTION_TEXT_MAX);
    } else {
      current = next;
    }
  }
  sections.push(mrkdwnSection(current));
  return sections;
}
