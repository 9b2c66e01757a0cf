import type { ApplicationCard, DeficiencyRound } from '../backend.js';
import {
  displayNumber,
  escapeMrkdwn,
  formatDay,
  formatMoney,
  formatQuantity,
  slackDate,
  truncate,
} from './format.js';
import type { Block, SectionBlock } from './types.js';
import { signatureMethodShort } from '../../../domain/identity/signature-method.js';

/** Section text is limited to 3,000 characters, fields to 2,000 (Block Kit reference). */
export const SECTION_TEXT_MAX = 3000;
const FIELD_TEXT_MAX = 2000;
/** Keeps one goods line short enough that a list of them is never cut mid-way. */
const GOODS_DESCRIPTION_MAX = 250;

export const STATUS_EMOJI: Record<ApplicationCard['status'], string> = {
  Draft: ':pencil2:',
  'Pending Signature': ':lower_left_fountain_pen:',
  'Pending Payment': ':credit_card:',
  'In-Process': ':inbox_tray:',
  Deficient: ':warning:',
  'Approved Pending Issuance': ':white_check_mark:',
  Approved: ':scroll:',
  Rejected: ':no_entry:',
  Expired: ':hourglass:',
};

export function mrkdwnSection(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, SECTION_TEXT_MAX) } };
}

/** One line saying where the file stands and what happens next. */
export function statusLine(card: ApplicationCard): string {
  const emoji = STATUS_EMOJI[card.status];
  const last = card.deficiencies.at(-1);
  const by = card.decidedBy ? escapeMrkdwn(card.decidedBy.name) : 'an officer';
  switch (card.status) {
    case 'In-Process': {
      const since = card.waitingSince ?? card.submittedAt;
      const head = last?.response
        ? `${emoji} *In-Process*: the exporter answered deficiency round ${last.round}; waiting for a decision`
        : `${emoji} *In-Process*: waiting for a decision`;
      return since ? `${head} since ${slackDate(since)}` : head;
    }
    case 'Deficient':
      return last
        ? `${emoji} *Deficient*: round ${last.round} raised by ${escapeMrkdwn(last.raisedBy.name)}; waiting for the exporter's response`
        : `${emoji} *Deficient*: waiting for the exporter's response`;
    case 'Approved Pending Issuance':
      return `${emoji} *Approved Pending Issuance*: approved by ${by}${card.decidedAt ? ` ${slackDate(card.decidedAt)}` : ''}; the certificate is being signed`;
    case 'Approved':
      return `${emoji} *Approved*: certificate ${card.certificateNumber ? `*${escapeMrkdwn(card.certificateNumber)}* ` : ''}issued (approved by ${by})`;
    case 'Rejected':
      return `${emoji} *Rejected* by ${by}${card.decidedAt ? ` ${slackDate(card.decidedAt)}` : ''}`;
    case 'Pending Payment':
      return `${emoji} *Pending Payment*: not yet paid; nothing to decide`;
    case 'Expired':
      return `${emoji} *Expired*: closed without a decision`;
    case 'Draft':
      return `${emoji} *Draft*: not submitted yet; nothing to decide`;
    case 'Pending Signature':
      return `${emoji} *Pending Signature*: not yet signed by the exporter; nothing to decide`;
  }
}

export function factFields(card: ApplicationCard): SectionBlock {
  const fields = [
    `*Exporter*\n${escapeMrkdwn(card.exporter.name)}\nIEC ${escapeMrkdwn(card.exporter.iec)}`,
    `*Agreement*\n${escapeMrkdwn(card.agreement.title)}`,
    `*Office*\n${escapeMrkdwn(card.office.name)}\n${escapeMrkdwn(card.agency.name)}`,
    `*Invoice*\n${escapeMrkdwn(card.invoice.number)} of ${formatDay(card.invoice.date)}`,
    `*Value*\n${valueText(card)}`,
  ];
  if (card.afterShipment) {
    fields.push(`*Requested*\nAfter shipment${card.afterShipment.mark ? `: to be marked “${escapeMrkdwn(card.afterShipment.mark)}”` : ''}`);
  }
  if (card.fileNumber) fields.push(`*Application*\n${escapeMrkdwn(card.applicationNumber)}`);
  if (card.submittedAt) fields.push(`*Submitted*\n${slackDate(card.submittedAt)}`);
  if (card.signature) {
    fields.push(`*Signed with*\n${signatureMethodShort(card.signature.method)}${card.signature.signerName ? `\n${escapeMrkdwn(card.signature.signerName)}` : ''}`);
  }
  return {
    type: 'section',
    fields: fields.map((text) => ({ type: 'mrkdwn' as const, text: truncate(text, FIELD_TEXT_MAX) })),
  };
}

export function valueText(card: ApplicationCard): string {
  const own = formatMoney(card.invoice.value, escapeMrkdwn(card.invoice.currency));
  return card.invoice.currency.toUpperCase() === 'USD' ? own : `${own} (USD ${formatMoney(card.invoice.valueUsd, '').trim()})`;
}

export function goodsLine(item: ApplicationCard['goods'][number]): string {
  return `• HS ${escapeMrkdwn(item.hsCode)}: ${escapeMrkdwn(truncate(item.description, GOODS_DESCRIPTION_MAX))}, ${formatQuantity(item.quantity)} ${escapeMrkdwn(item.unit)}`;
}

export function goodsSection(card: ApplicationCard, limit: number): SectionBlock {
  const count = card.goods.length;
  if (count === 0) return mrkdwnSection('*Goods*: none listed');
  const shown = card.goods.slice(0, limit).map(goodsLine);
  if (count > limit) shown.push(`… and ${count - limit} more (see Details)`);
  return mrkdwnSection(`*Goods* (${count} ${count === 1 ? 'item' : 'items'})\n${shown.join('\n')}`);
}

export function attachmentsSection(card: ApplicationCard): SectionBlock {
  if (card.attachments.length === 0) return mrkdwnSection('*Attachments*: none');
  const list = card.attachments
    .map((a) => `:paperclip: ${escapeMrkdwn(a.kind)} (${escapeMrkdwn(a.name)})${a.attest ? ' · to attest' : ''}`)
    .join('\n');
  return mrkdwnSection(`*Attachments*\n${list}`);
}

export function deficiencyRoundText(round: DeficiencyRound, remarksMax: number): string {
  const lines = [
    `*Round ${round.round}*, ${slackDate(round.raisedAt)}, ${escapeMrkdwn(round.raisedBy.name)}: ${escapeMrkdwn(truncate(round.remarks, remarksMax))}`,
  ];
  if (round.documentsRequested.length > 0) {
    lines.push(`Documents asked for: ${round.documentsRequested.map(escapeMrkdwn).join(', ')}`);
  }
  if (round.response) {
    const how = round.response.kind === 'edit' ? 'edited the application' : 'answered with a clarification';
    const text = round.response.text ? `: ${escapeMrkdwn(truncate(round.response.text, remarksMax))}` : '';
    const signedWith = round.response.signatureMethod ? ` (signed with ${signatureMethodShort(round.response.signatureMethod)})` : '';
    lines.push(`↳ Exporter ${how} ${slackDate(round.response.at)}${signedWith}${text}`);
  } else {
    lines.push('↳ Waiting for the exporter');
  }
  return lines.join('\n');
}

/** The latest `limit` rounds, newest last; older rounds are counted, not shown. */
export function deficiencyHistorySection(card: ApplicationCard, limit: number, remarksMax: number): SectionBlock | null {
  const rounds = card.deficiencies;
  if (rounds.length === 0) return null;
  const shown = rounds.slice(-limit);
  const older = rounds.length - shown.length;
  const head = older > 0 ? `*Deficiency history* (${older} earlier ${older === 1 ? 'round' : 'rounds'} in Details)` : '*Deficiency history*';
  return mrkdwnSection([head, ...shown.map((r) => deficiencyRoundText(r, remarksMax))].join('\n'));
}

export function decisionSection(card: ApplicationCard): SectionBlock | null {
  if (card.status === 'Rejected' && card.rejectionReason) {
    return mrkdwnSection(`*Reason for rejection*\n${escapeMrkdwn(card.rejectionReason)}`);
  }
  if (card.status === 'Approved' && card.certificateNumber) {
    return mrkdwnSection(`*Certificate* ${escapeMrkdwn(card.certificateNumber)}`);
  }
  return null;
}

export function headerText(card: ApplicationCard): string {
  const what = card.request ? (card.request.kind === 'duplicate' ? 'Duplicate CoO' : 'CoO in lieu') : 'CoO';
  return truncate(`${what} ${displayNumber(card)}`, 150);
}

const shown = (v: unknown): string => (v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v));

/**
 * A request for a duplicate / in-lieu certificate: the certificate it is made against, the exporter's
 * reason and, in lieu, each corrected field: the original value struck through, the new one after it.
 */
export function requestSection(card: ApplicationCard, changesShown: number): SectionBlock | null {
  const r = card.request;
  if (!r) return null;
  const lines = [
    `*${r.kind === 'duplicate' ? 'Duplicate of' : 'In lieu of'}* certificate ${escapeMrkdwn(r.originalCertificateNumber)}`,
    `*Reason* ${escapeMrkdwn(truncate(r.reason, 500))}`,
  ];
  if (r.kind === 'in-lieu') {
    lines.push(r.changes.length ? `*Corrections* (${r.changes.length})` : '*Corrections* none');
    for (const c of r.changes.slice(0, changesShown)) {
      lines.push(`• ${escapeMrkdwn(c.path)}: ~${escapeMrkdwn(truncate(shown(c.before), 120))}~ → ${escapeMrkdwn(truncate(shown(c.after), 120))}`);
    }
    if (r.changes.length > changesShown) lines.push(`…and ${r.changes.length - changesShown} more (see the request in the API)`);
  }
  return mrkdwnSection(truncate(lines.join('\n'), 2900));
}

export function compact(blocks: (Block | null)[]): Block[] {
  return blocks.filter((b): b is Block => b !== null);
}
