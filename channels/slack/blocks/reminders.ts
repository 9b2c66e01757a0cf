import type { ApplicationCard } from '../backend.js';
import { displayNumber, escapeMrkdwn, formatAge } from './format.js';
import type { SlackMessage } from './types.js';

export function buildStaleReminder(card: ApplicationCard, ageMs: number): SlackMessage {
  const text =
    `:alarm_clock: *${escapeMrkdwn(displayNumber(card))}* from ${escapeMrkdwn(card.exporter.name)} has waited ` +
    `*${formatAge(ageMs)}* in In-Process. Officers of ${escapeMrkdwn(card.office.name)}: please approve, raise a deficiency or reject.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

export function buildEscalation(card: ApplicationCard, ageMs: number, permalink: string | null): SlackMessage {
  const link = permalink ? ` <${permalink}|Open the application in the office channel>.` : '';
  const text =
    `:rotating_light: *Escalation*: CoO file *${escapeMrkdwn(displayNumber(card))}* ` +
    `(${escapeMrkdwn(card.exporter.name)}, ${escapeMrkdwn(card.agreement.title)}) has waited *${formatAge(ageMs)}* ` +
    `in In-Process at ${escapeMrkdwn(card.office.name)} without a decision, despite a reminder.${link}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

export function buildEscalationNote(adminSlackUserId: string): SlackMessage {
  const text = `:rotating_light: Escalated to <@${adminSlackUserId}>, the office administrator.`;
  return { text, blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text }] }] };
}
