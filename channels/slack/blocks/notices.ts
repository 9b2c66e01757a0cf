import type { ApplicationCard, DecisionResult, OfficerRef } from '../backend.js';
import { displayNumber, escapeMrkdwn } from './format.js';

/** Short ephemeral texts. Every refusal says that nothing was changed. */

export function notLinkedText(command: string): string {
  return (
    'Your Slack account is not linked to an officer, so you cannot act on CoO files; nothing was changed. ' +
    `Ask your agency administrator for a link code, then type \`${command} link <code>\`.`
  );
}

export function otherOfficeText(card: ApplicationCard, officeCode: string): string {
  return (
    `Only officers of ${escapeMrkdwn(card.office.name)} can act on ${escapeMrkdwn(displayNumber(card))}; ` +
    `your account is linked to office ${escapeMrkdwn(officeCode)}. Nothing was changed.`
  );
}

export function notFoundText(number: string): string {
  return `No application or file numbered ${escapeMrkdwn(number)} was found.`;
}

export function notDecidableText(card: ApplicationCard): string {
  return `${escapeMrkdwn(displayNumber(card))} is ${card.status}; there is nothing to decide now.`;
}

export const SERVICE_DOWN_TEXT =
  'The CoO service could not be reached, so nothing was changed. Please try again in a minute.';

const PAST: Record<'approve' | 'deficiency' | 'reject', string> = {
  approve: 'approved',
  deficiency: 'raised a deficiency on',
  reject: 'rejected',
};

/** What the officer whose action was refused reads, naming who decided first. */
/** `file`: the card decided on; the officer reads its file number once there is one. */
export function refusalText(result: Extract<DecisionResult, { ok: false }>, viewer: OfficerRef, file: { applicationNumber: string; fileNumber?: string }): string {
  const n = escapeMrkdwn(displayNumber(file));
  if (result.code === 'already_decided' && result.decidedBy && result.decision) {
    const verb = PAST[result.decision];
    if (result.decidedBy.officerId === viewer.officerId) return `You already ${verb} ${n}. Nothing else was changed.`;
    return `${escapeMrkdwn(result.decidedBy.name)} already ${verb} ${n}, so your action was not recorded.`;
  }
  return `${escapeMrkdwn(result.message)} Nothing was changed.`;
}
