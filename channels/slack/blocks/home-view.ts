import type { ApplicationCard, OfficerIdentity } from '../backend.js';
import { ActionId } from '../ids.js';
import { mrkdwnSection, valueText } from './card-sections.js';
import { displayNumber, escapeMrkdwn, formatAge, truncate } from './format.js';
import type { Block, HomeView } from './types.js';

/** A Home tab holds 100 blocks: header, intro, and two blocks per file. */
export const HOME_QUEUE_SHOWN = 45;

/** When a file started waiting: since its last move, else since submission. */
export function waitingSinceMs(card: ApplicationCard): number | null {
  const iso = card.waitingSince ?? card.submittedAt;
  if (!iso) return null;
  const ms = new Date(iso).getTime();
  return Number.isNaN(ms) ? null : ms;
}

/** Oldest first; files without a date go last, ties by number so the order is stable. */
export function sortOldestFirst(cards: ApplicationCard[]): ApplicationCard[] {
  return [...cards].sort((a, b) => {
    const ta = waitingSinceMs(a) ?? Number.POSITIVE_INFINITY;
    const tb = waitingSinceMs(b) ?? Number.POSITIVE_INFINITY;
    if (ta !== tb) return ta < tb ? -1 : 1;
    return a.applicationNumber.localeCompare(b.applicationNumber);
  });
}

export function queueItemText(card: ApplicationCard, now: Date): string {
  const since = waitingSinceMs(card);
  const age = since === null ? 'waiting' : `waiting ${formatAge(now.getTime() - since)}`;
  const responded = card.deficiencies.at(-1)?.response ? ' · exporter responded to a deficiency' : '';
  return truncate(
    `*${escapeMrkdwn(displayNumber(card))}* · ${escapeMrkdwn(card.exporter.name)}\n` +
      `${escapeMrkdwn(card.agreement.title)} · ${valueText(card)}\n` +
      `:hourglass_flowing_sand: ${age}${responded}`,
    3000,
  );
}

export function buildHomeView(input: { officer: OfficerIdentity; queue: ApplicationCard[]; now: Date }): HomeView {
  const { officer, now } = input;
  const queue = sortOldestFirst(input.queue);
  const officeName = queue[0]?.office.name ?? officer.officeCode;
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`Pending queue: ${officeName}`, 150), emoji: true } },
  ];
  if (queue.length === 0) {
    blocks.push(mrkdwnSection(`Hello ${escapeMrkdwn(officer.name)}. :tada: Nothing is waiting for a decision.`));
  } else {
    const noun = queue.length === 1 ? 'file waits' : 'files wait';
    blocks.push(mrkdwnSection(`Hello ${escapeMrkdwn(officer.name)}. *${queue.length}* ${noun} for a decision, oldest first.`));
    for (const card of queue.slice(0, HOME_QUEUE_SHOWN)) {
      blocks.push({ type: 'divider' });
      blocks.push({
        type: 'section',
        text: { type: 'mrkdwn', text: queueItemText(card, now) },
        accessory: {
          type: 'button',
          action_id: ActionId.details,
          text: { type: 'plain_text', text: 'Details' },
          value: card.applicationNumber,
        },
      });
    }
    if (queue.length > HOME_QUEUE_SHOWN) {
      blocks.push({
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `… and ${queue.length - HOME_QUEUE_SHOWN} more in the office channel.` }],
      });
    }
  }
  return { type: 'home', blocks };
}

export function buildUnlinkedHomeView(command: string): HomeView {
  return {
    type: 'home',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Certificates of Origin', emoji: true } },
      mrkdwnSection(
        'Your Slack account is not linked to an officer yet, so there is no queue to show.\n' +
          `1. Ask your agency administrator for a one-time link code.\n2. Type \`${command} link <code>\` in any channel.\n` +
          'Once linked, the files waiting in your office appear here, oldest first.',
      ),
    ],
  };
}
