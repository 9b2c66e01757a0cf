import type { App, BlockAction, ButtonAction, ViewSubmitAction, webApi } from '@slack/bolt';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AgencyOfficeRow, StaffRegistrationRow } from '../../db/entities/index.js';
import { SlackUserLink } from '../../db/entities/slack.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import {
  agencyAdministrator,
  approveRegistration,
  getRegistration,
  rejectRegistration,
  type Decider,
  type DecisionDeps,
  type RegistrationBoard,
  type RegistrationView,
} from '../../services/agency/staff.js';
import { escapeMrkdwn, formatDateTimeIst, slackDate, truncate } from './blocks/format.js';
import type { Block, ModalView, SlackMessage } from './blocks/types.js';
import type { StructuredLogger } from './logger.js';

/**
 * Officers' registration requests in Slack (seed 002 §3.I.vi, §3.II): an officer's request is posted in the
 * channel of the regional office asked for (`agency_office.slack_channel`, the office's channel its officers
 * work in) with **Approve** and **Reject** (a modal asks for the reason). A click is decided by the same service
 * and rules as `POST /v1/staff-registrations/{id}/approve|reject` (services/agency/staff.ts): the Slack user must
 * be linked to an active administrator of the agency; anyone else is told privately and nothing changes. The
 * message is rewritten with the decision, without buttons, however it was taken (Slack or the API), and a
 * click on a request already decided says what happened, by whom and when.
 */

export const RegistrationActionId = {
  approve: 'coo_registration_approve',
  reject: 'coo_registration_reject',
} as const;
export const REGISTRATION_REJECT_CALLBACK = 'coo_registration_reject_modal';
export const REGISTRATION_REASON_BLOCK = 'registration_reason';
export const REGISTRATION_REASON_ACTION = 'reason';
const REASON_MAX = 2000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UNKNOWN_TEXT = 'This registration request is not known (any more): the list of requests is at GET /v1/staff-registrations.';

const deciderName = (decidedBy: string | null) => (decidedBy ?? '').replace(/^[^ ]+ \((.*)\)$/, '$1');

/** The request's message: who asks, for which office, and the buttons while it is pending; the decision after. */
export function buildRegistrationMessage(r: RegistrationView): SlackMessage {
  const who = `*${escapeMrkdwn(r.name)}*, ${escapeMrkdwn(r.designation)} (${escapeMrkdwn(r.email)})`;
  const facts = `${who}\nasks to be an officer of *${escapeMrkdwn(r.officeCode ?? r.agencyCode)}* (${escapeMrkdwn(r.agencyCode)}), signed in as \`${escapeMrkdwn(r.requestedBy)}\`.\nRequested ${slackDate(r.createdAt)}.`;
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`Officer registration: ${r.name}`, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(facts, 3000) } },
  ];
  const status = r.status === 'pending' ? 'waiting for an administrator' : r.status;
  if (r.status === 'pending') {
    blocks.push({
      type: 'actions',
      block_id: 'coo_registration_actions',
      elements: [
        {
          type: 'button',
          action_id: RegistrationActionId.approve,
          text: { type: 'plain_text', text: 'Approve', emoji: true },
          style: 'primary',
          value: r.id,
          confirm: {
            title: { type: 'plain_text', text: 'Approve the registration?' },
            text: { type: 'plain_text', text: truncate(`${r.name} becomes an active officer of ${r.officeCode ?? r.agencyCode}.`, 300) },
            confirm: { type: 'plain_text', text: 'Approve' },
            deny: { type: 'plain_text', text: 'Cancel' },
          },
        },
        { type: 'button', action_id: RegistrationActionId.reject, text: { type: 'plain_text', text: 'Reject', emoji: true }, style: 'danger', value: r.id },
      ],
    });
  } else {
    const when = r.decidedAt ? slackDate(r.decidedAt) : '';
    const outcome =
      r.status === 'approved'
        ? `:white_check_mark: Approved by ${escapeMrkdwn(deciderName(r.decidedBy))} on ${when}.`
        : `:x: Rejected by ${escapeMrkdwn(deciderName(r.decidedBy))} on ${when}.\nReason: ${escapeMrkdwn(r.reason ?? '')}`;
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(outcome, 3000) } });
  }
  return { text: `Officer registration of ${r.name} for ${r.officeCode ?? r.agencyCode}: ${status}`, blocks };
}

/** "Kavita Iyer's registration was already approved by Meena Rao on 7 Dec 2026, 19:12 IST." */
export function alreadyDecidedText(r: RegistrationView): string {
  const when = r.decidedAt ? ` on ${formatDateTimeIst(r.decidedAt)}` : '';
  const reason = r.status === 'rejected' && r.reason ? ` (reason: ${r.reason})` : '';
  return `${r.name}'s registration was already ${r.status} by ${deciderName(r.decidedBy)}${when}${reason}; nothing was changed.`;
}

function buildRejectModal(r: RegistrationView, where: { channel?: string | undefined; ts?: string | undefined }): ModalView {
  return {
    type: 'modal',
    callback_id: REGISTRATION_REJECT_CALLBACK,
    private_metadata: JSON.stringify({ id: r.id, c: where.channel, t: where.ts }),
    title: { type: 'plain_text', text: 'Reject registration' },
    submit: { type: 'plain_text', text: 'Reject' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(`*${escapeMrkdwn(r.name)}* (${escapeMrkdwn(r.email)}) for ${escapeMrkdwn(r.officeCode ?? r.agencyCode)}. The reason is sent to them by e-mail.`, 3000) } },
      {
        type: 'input',
        block_id: REGISTRATION_REASON_BLOCK,
        label: { type: 'plain_text', text: 'Reason' },
        element: { type: 'plain_text_input', action_id: REGISTRATION_REASON_ACTION, multiline: true, max_length: REASON_MAX },
      },
    ],
  };
}

/**
 * Posts an officer's request in its office's channel and rewrites it with the decision; where it was posted is
 * kept on the request (`staff_registration.slack_channel`, `slack_ts`). An office without a channel, an
 * administrator's request (decided by the platform administrator, outside any agency's channel) or Slack
 * being away posts nothing: the request is in the API's list all the same.
 */
export function createRegistrationBoard(deps: { client: webApi.WebClient; em: () => EntityManager; logger: StructuredLogger }): RegistrationBoard {
  return {
    async announce(view) {
      if (view.kind !== 'officer' || !view.officeCode) return;
      try {
        const office = await deps.em().findOne(AgencyOfficeRow, { code: view.officeCode });
        if (!office?.slackChannel) return;
        const posted = await deps.client.chat.postMessage({ channel: office.slackChannel, ...buildRegistrationMessage(view) });
        if (posted.ts) await deps.em().nativeUpdate(StaffRegistrationRow, { id: view.id }, { slackChannel: posted.channel ?? office.slackChannel, slackTs: posted.ts });
      } catch (error) {
        deps.logger.warn({ err: error, registrationId: view.id }, 'slack: the registration request could not be posted; it is in the API list');
      }
    },
    async showDecision(view) {
      try {
        const row = await deps.em().findOne(StaffRegistrationRow, { id: view.id }, { fields: ['slackChannel', 'slackTs'] });
        if (!row?.slackChannel || !row.slackTs) return;
        await deps.client.chat.update({ channel: row.slackChannel, ts: row.slackTs, ...buildRegistrationMessage(view) });
      } catch (error) {
        deps.logger.warn({ err: error, registrationId: view.id }, 'slack: the registration message could not be rewritten with the decision');
      }
    },
  };
}

export interface RegistrationHandlerDeps {
  em: () => EntityManager;
  /** the same as the API's: the applicant's e-mail, and the board that rewrites the message */
  decisionDeps: DecisionDeps;
  logger: StructuredLogger;
}

/** Buttons and the reason modal of a registration message. */
export function registerRegistrationHandlers(app: App, deps: RegistrationHandlerDeps): void {
  const { logger } = deps;

  /** The administrator a Slack user is (the link names the staff user), or the sentence refusing them. */
  async function administratorFor(teamId: string, slackUserId: string): Promise<{ ok: true; decider: Decider } | { ok: false; text: string }> {
    const em = deps.em();
    const link = await em.findOne(SlackUserLink, { slackUserId });
    if (!link || (link.teamId !== null && link.teamId !== teamId)) {
      return { ok: false, text: "Only an administrator of the agency decides officers' registrations, and your Slack account is not linked to one: ask for it to be linked (PUT /v1/slack/links/<your staff id>)." };
    }
    try {
      return { ok: true, decider: await agencyAdministrator(em, link.staffUserId) };
    } catch (e) {
      if (e instanceof AppError) return { ok: false, text: e.message };
      throw e;
    }
  }

  async function tell(client: webApi.WebClient, channel: string | undefined, user: string, text: string): Promise<void> {
    if (channel) {
      try {
        await client.chat.postEphemeral({ channel, user, text });
        return;
      } catch (error) {
        logger.warn({ err: error, channel, user }, 'slack: ephemeral failed, sending a direct message');
      }
    }
    await client.chat.postMessage({ channel: user, text });
  }

  /** A refused decision, said privately; a request already decided also loses its buttons. */
  async function refused(client: webApi.WebClient, channel: string | undefined, user: string, id: string, error: unknown): Promise<void> {
    if (!(error instanceof AppError)) throw error;
    if (error.code === ErrorCode.AlreadyDecided) {
      const view = await getRegistration(deps.em(), id);
      if (view) {
        await deps.decisionDeps.board?.showDecision(view);
        return tell(client, channel, user, alreadyDecidedText(view));
      }
    }
    return tell(client, channel, user, error.message);
  }

  async function guarded(client: webApi.WebClient, channel: string | undefined, user: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      logger.error({ err: error, user }, 'slack: registration interaction failed');
      await tell(client, channel, user, 'The CoO service could not record your action now. The message shows where the request stands; try again in a minute.').catch(() => undefined);
    }
  }

  const teamOf = (body: { team: { id: string } | null; user: { team_id?: string } }, context: { teamId?: string }) => body.team?.id ?? body.user.team_id ?? context.teamId ?? '';

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: RegistrationActionId.approve }, async ({ ack, body, action, client, context }) => {
    await ack();
    const user = body.user.id;
    const channel = body.channel?.id;
    await guarded(client, channel, user, async () => {
      const admin = await administratorFor(teamOf(body, context), user);
      if (!admin.ok) return tell(client, channel, user, admin.text);
      const id = action.value ?? '';
      if (!UUID.test(id)) return tell(client, channel, user, UNKNOWN_TEXT);
      try {
        await approveRegistration(deps.em(), deps.decisionDeps, admin.decider, id, 'slack');
        logger.info({ registrationId: id, by: admin.decider.id }, 'slack: registration approved');
      } catch (error) {
        await refused(client, channel, user, id, error);
      }
    });
  });

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: RegistrationActionId.reject }, async ({ ack, body, action, client, context }) => {
    await ack();
    const user = body.user.id;
    const channel = body.channel?.id;
    await guarded(client, channel, user, async () => {
      const admin = await administratorFor(teamOf(body, context), user);
      if (!admin.ok) return tell(client, channel, user, admin.text);
      const id = action.value ?? '';
      const view = UUID.test(id) ? await getRegistration(deps.em(), id) : null;
      if (!view) return tell(client, channel, user, UNKNOWN_TEXT);
      if (view.status !== 'pending') {
        await deps.decisionDeps.board?.showDecision(view);
        return tell(client, channel, user, alreadyDecidedText(view));
      }
      await client.views.open({ trigger_id: body.trigger_id, view: buildRejectModal(view, { channel, ts: body.message?.ts }) });
    });
  });

  app.view<ViewSubmitAction>({ type: 'view_submission', callback_id: REGISTRATION_REJECT_CALLBACK }, async ({ ack, body, view, client, context }) => {
    let meta: { id?: unknown; c?: unknown };
    try {
      meta = JSON.parse(view.private_metadata) as { id?: unknown; c?: unknown };
    } catch {
      meta = {};
    }
    const reason = (view.state.values[REGISTRATION_REASON_BLOCK]?.[REGISTRATION_REASON_ACTION]?.value ?? '').trim();
    if (typeof meta.id !== 'string' || !UUID.test(meta.id)) {
      await ack({ response_action: 'errors', errors: { [REGISTRATION_REASON_BLOCK]: 'This form is out of date. Close it and click Reject on the request again.' } });
      return;
    }
    if (reason === '' || reason.length > REASON_MAX) {
      await ack({ response_action: 'errors', errors: { [REGISTRATION_REASON_BLOCK]: `Give the reason the applicant will read (1 to ${REASON_MAX} characters).` } });
      return;
    }
    await ack();
    const id = meta.id;
    const user = body.user.id;
    const channel = typeof meta.c === 'string' ? meta.c : undefined;
    await guarded(client, channel, user, async () => {
      const admin = await administratorFor(teamOf(body, context), user);
      if (!admin.ok) return tell(client, channel, user, admin.text);
      try {
        await rejectRegistration(deps.em(), deps.decisionDeps, admin.decider, id, reason, 'slack');
        logger.info({ registrationId: id, by: admin.decider.id }, 'slack: registration rejected');
      } catch (error) {
        await refused(client, channel, user, id, error);
      }
    });
  });
}
