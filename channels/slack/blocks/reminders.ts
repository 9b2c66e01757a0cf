import type { ApplicationCard } from '../backend.js';
import { displayNumber, escapeMrkdwn, formatAge } from './format.js';
import type { SlackMessage } from './types.js';

/** What the officer has not done yet: decide the file, or sign its certificate. */
export type OfficerWait = { kind: 'review' } | { kind: 'certificate-signature'; officerName: string };


/** A reminder threaded under the file's message. */
export function buildOfficerReminder(card: ApplicationCard, ageMs: number, wait: OfficerWait = { kind: 'review' }): SlackMessage {
  const ask =
    wait.kind === 'review'
      ? `Officers of ${escapeMrkdwn(card.office.name)}: please approve, raise a deficiency or reject.`
      : `${escapeMrkdwn(wait.officerName)}: please sign the certificate (GET /v1/applications/${escapeMrkdwn(card.applicationNumber)}/certificate/signing gives the bytes, POST …/certificate/signature takes the signature).`;
  const where = wait.kind === 'review' ? 'in In-Process' : `for ${escapeMrkdwn(wait.officerName)}'s digital signature on its certificate`;
  const text = `:alarm_clock: *${escapeMrkdwn(displayNumber(card))}* from ${escapeMrkdwn(card.exporter.name)} has waited *${formatAge(ageMs)}* ${where}. ${ask}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/** A direct message to an administrator of the file's agency. */
export function buildEscalation(card: ApplicationCard, ageMs: number, permalink: string | null, wait: OfficerWait = { kind: 'review' }): SlackMessage {
  const link = permalink ? ` <${permalink}|Open the application in the office channel>.` : '';
  const text =
    `:rotating_light: *Escalation*: CoO file *${escapeMrkdwn(displayNumber(card))}* ` +
    `(${escapeMrkdwn(card.exporter.name)}, ${escapeMrkdwn(card.agreement.title)}) has waited *${formatAge(ageMs)}* ` +
    (wait.kind === 'review'
      ? `in In-Process at ${escapeMrkdwn(card.office.name)} without a decision, despite a reminder.`
      : `at ${escapeMrkdwn(card.office.name)} for ${escapeMrkdwn(wait.officerName)}'s digital signature on its certificate, despite a reminder.`) +
    link;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

export function buildEscalationNote(adminSlackUserId: string): SlackMessage {
  const text = `:rotating_light: Escalated to <@${adminSlackUserId}>, the office administrator.`;
  return { text, blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text }] }] };
}
