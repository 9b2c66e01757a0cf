import { webApi } from '@slack/bolt';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { ApplicationCard, MessageRef, SlackBackend } from './backend.js';
import { buildApplicationMessage } from './blocks/application-message.js';
import { waitingSinceMs } from './blocks/home-view.js';
import { buildEscalation, buildEscalationNote, buildOfficerReminder, type OfficerWait } from './blocks/reminders.js';
import type { StructuredLogger } from './logger.js';

/** Who receives an escalation: a Slack user ID, or an e-mail address looked up in the workspace. */
export type EscalationTarget = { slackUserId: string } | { email: string };

export interface SlackNotifier {
  /** Posts the application's message in its office channel (or updates it if it already exists). */
  postApplication(card: ApplicationCard): Promise<MessageRef>;
  /** Rewrites the application's message in place with the card's current state. */
  updateApplication(card: ApplicationCard): Promise<MessageRef>;
  /** Re-reads the card from the backend and rewrites the message (after a click, a refusal…). */
  refreshApplication(applicationNumber: string): Promise<MessageRef | null>;
  /** A reminder threaded under the application's message (the officer's review by default). */
  sendStaleReminder(card: ApplicationCard, ageMs: number, wait?: OfficerWait): Promise<MessageRef>;
  /** A direct message to the office's administrator, noted in the application's thread. */
  sendEscalation(card: ApplicationCard, admin: EscalationTarget, wait?: OfficerWait, ageMs?: number): Promise<MessageRef>;
}

export interface NotifierDeps {
  client: webApi.WebClient;
  backend: SlackBackend;
  logger: StructuredLogger;
  /** Office code → channel ID; takes precedence over `backend.channelForOffice`. */
  officeChannels?: Record<string, string>;
  now?: () => Date;
}

/** Slack answers these when the message to update no longer exists (deleted by someone). */
const MESSAGE_GONE = new Set(['message_not_found', 'cant_update_message', 'channel_not_found', 'is_archived']);

function slackErrorCode(error: unknown): string | undefined {
  if (error instanceof Error && (error as { code?: unknown }).code === webApi.ErrorCode.PlatformError) {
    return (error as webApi.WebAPIPlatformError).data.error;
  }
  return undefined;
}

/**
 * The outgoing half of the bot, usable without a Bolt App (e.g. from a Temporal activity with a
 * plain WebClient). Every function is safe to retry: a message is posted once and then updated.
 */
export function createSlackNotifier(deps: NotifierDeps): SlackNotifier {
  const { client, backend, logger } = deps;
  const now = deps.now ?? (() => new Date());

  async function channelFor(card: ApplicationCard): Promise<string> {
    const channel = deps.officeChannels?.[card.office.code] ?? (await backend.channelForOffice(card.office.code));
    if (!channel) {
      throw new AppError(
        ErrorCode.NotFound,
        `No Slack channel is configured for office ${card.office.code} (${card.office.name}). ` +
          'Set one in the agency administration before sending its files to Slack.',
        { details: { officeCode: card.office.code } },
      );
    }
    return channel;
  }

  async function post(card: ApplicationCard): Promise<MessageRef> {
    const channel = await channelFor(card);
    const message = buildApplicationMessage(card);
    const res = await client.chat.postMessage({ channel, ...message, unfurl_links: false, unfurl_media: false });
    if (!res.ts) throw new AppError(ErrorCode.DependencyUnavailable, 'Slack did not return the posted message.');
    const ref = { channel: res.channel ?? channel, ts: res.ts };
    await backend.saveMessageRef(card.applicationNumber, ref);
    logger.info({ applicationNumber: card.applicationNumber, ...ref }, 'slack: application posted');
    return ref;
  }

  async function update(card: ApplicationCard): Promise<MessageRef> {
    const ref = await backend.getMessageRef(card.applicationNumber);
    if (!ref) return post(card);
    try {
      await client.chat.update({ channel: ref.channel, ts: ref.ts, ...buildApplicationMessage(card) });
      return ref;
    } catch (error) {
      const code = slackErrorCode(error);
      if (code === undefined || !MESSAGE_GONE.has(code)) throw error;
      logger.warn({ applicationNumber: card.applicationNumber, ...ref, slackError: code }, 'slack: message gone, posting it again');
      return post(card);
    }
  }

  async function threadRef(card: ApplicationCard): Promise<MessageRef> {
    return (await backend.getMessageRef(card.applicationNumber)) ?? post(card);
  }

  async function resolveUser(admin: EscalationTarget): Promise<string> {
    if ('slackUserId' in admin) return admin.slackUserId;
    try {
      const res = await client.users.lookupByEmail({ email: admin.email });
      if (res.user?.id) return res.user.id;
    } catch (error) {
      if (slackErrorCode(error) !== 'users_not_found') throw error;
    }
    throw new AppError(
      ErrorCode.NotFound,
      `No member of the Slack workspace has the e-mail address ${admin.email}; the escalation could not be delivered.`,
      { details: { email: admin.email } },
    );
  }

  return {
    async postApplication(card) {
      const existing = await backend.getMessageRef(card.applicationNumber);
      return existing ? update(card) : post(card);
    },

    updateApplication: update,

    async refreshApplication(applicationNumber) {
      const card = await backend.getCard(applicationNumber);
      return card ? update(card) : null;
    },

    async sendStaleReminder(card, ageMs, wait) {
      const ref = await threadRef(card);
      const res = await client.chat.postMessage({ channel: ref.channel, thread_ts: ref.ts, ...buildOfficerReminder(card, ageMs, wait) });
      return { channel: res.channel ?? ref.channel, ts: res.ts ?? '' };
    },

    async sendEscalation(card, admin, wait, waitedMs) {
      const userId = await resolveUser(admin);
      const ref = await threadRef(card);
      let permalink: string | null = null;
      try {
        permalink = (await client.chat.getPermalink({ channel: ref.channel, message_ts: ref.ts })).permalink ?? null;
      } catch (error) {
        logger.warn({ err: error, applicationNumber: card.applicationNumber }, 'slack: no permalink for the escalation');
      }
      const since = waitingSinceMs(card);
      const ageMs = waitedMs ?? (since === null ? 0 : now().getTime() - since);
      const dm = await client.conversations.open({ users: userId });
      const dmChannel = dm.channel?.id;
      if (!dmChannel) throw new AppError(ErrorCode.DependencyUnavailable, `Slack did not open a conversation with ${userId}.`);
      const res = await client.chat.postMessage({ channel: dmChannel, ...buildEscalation(card, ageMs, permalink, wait) });
      await client.chat.postMessage({ channel: ref.channel, thread_ts: ref.ts, ...buildEscalationNote(userId) });
      logger.info({ applicationNumber: card.applicationNumber, admin: userId }, 'slack: escalation sent');
      return { channel: res.channel ?? dmChannel, ts: res.ts ?? '' };
    },
  };
}
