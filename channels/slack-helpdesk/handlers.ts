import type { App, BlockAction, ButtonAction, ViewSubmitAction, webApi } from '@slack/bolt';
import { withoutNul } from '../../lib/text.js';
import { keyForAction, keyForViewSubmission } from '../slack/idempotency.js';
import type { StructuredLogger } from '../slack/logger.js';
import type { StaffRef } from '../../workflows/helpdesk-ticket/contract.js';
import { helpdeskRefusal, mayDoHelpdeskAction, type HelpdeskAction } from '../../domain/helpdesk/access.js';
import type { HelpdeskBackend } from './backend.js';
import {
  ActionId,
  CallbackId,
  InputActionId,
  InputBlockId,
  REASON_LIMITS,
  REPLY_LIMITS,
  buildLiftFreezeModal,
  buildReplyModal,
  decodeModalContext,
} from './blocks.js';

interface Where {
  channel?: string;
  messageTs?: string;
}

type StateValues = Record<string, Record<string, { value?: string | null; selected_options?: { value: string }[] }>>;

const NOT_STAFF =
  'Only helpdesk staff can act on tickets. Your Slack account could not be matched to a staff user: ask an administrator to add your Slack e-mail to your staff profile (or to HELPDESK_SLACK_STAFF).';
const UNCERTAIN = 'The CoO service did not answer in time. Your action may or may not have been recorded: the ticket message shows the current state.';

export function registerHelpdeskHandlers(app: App, deps: { backend: HelpdeskBackend; logger: StructuredLogger }): void {
  const { backend, logger } = deps;

  async function tell(client: webApi.WebClient, where: Where, userId: string, text: string): Promise<void> {
    if (where.channel) {
      try {
        await client.chat.postEphemeral({ channel: where.channel, user: userId, text });
        return;
      } catch (e) {
        logger.warn({ err: e, channel: where.channel }, 'slack-helpdesk: ephemeral failed, sending a direct message');
      }
    }
    await client.chat.postMessage({ channel: userId, text });
  }

  async function guarded(client: webApi.WebClient, where: Where, userId: string, what: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      logger.error({ err: e, userId, what }, 'slack-helpdesk: interaction failed');
      await tell(client, where, userId, UNCERTAIN).catch(() => undefined);
    }
  }

  const teamOf = (body: { team: { id: string } | null; user: { team_id?: string } }, ctx: { teamId?: string }) => body.team?.id ?? body.user.team_id ?? ctx.teamId ?? '';
  const whereOf = (body: BlockAction): Where => ({ ...(body.channel?.id ? { channel: body.channel.id } : {}), ...(body.message?.ts ? { messageTs: body.message.ts } : {}) });

  const refusal = (ticketNumber: string, message: string) => `:no_entry: ${ticketNumber}: ${message}`;

  /**
   * The staff user a Slack user acts as, when the helpdesk rule lets their role do `action` (the same rule
   * as the API's route); otherwise they are told privately why not, and null (nothing is done).
   */
  async function staffOrTell(client: webApi.WebClient, where: Where, teamId: string, userId: string, action: HelpdeskAction, ticketNumber: string): Promise<StaffRef | null> {
    const staff = await backend.staffForSlackUser(teamId, userId);
    if (!staff) {
      await tell(client, where, userId, NOT_STAFF);
      return null;
    }
    if (!mayDoHelpdeskAction(action, [staff.role])) {
      logger.warn({ ticketNumber, staffId: staff.id, role: staff.role, action }, 'slack-helpdesk: action refused for the role');
      await tell(client, where, userId, refusal(ticketNumber, helpdeskRefusal(action, [staff.role])));
      return null;
    }
    return staff;
  }

  for (const [actionId, what, run] of [
    [ActionId.take, 'take', (n: string, s: StaffRef, key: string) => backend.take(n, s, key)],
    [ActionId.resolve, 'resolve', (n: string, s: StaffRef, key: string) => backend.resolve(n, s, key)],
  ] as const) {
    app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: actionId }, async ({ ack, body, action, client, context }) => {
      await ack();
      const userId = body.user.id;
      const teamId = teamOf(body, context);
      const where = whereOf(body);
      const n = action.value ?? '';
      await guarded(client, where, userId, actionId, async () => {
        const staff = await staffOrTell(client, where, teamId, userId, what, n);
        if (!staff) return;
        const r = await run(n, staff, keyForAction({ teamId, userId, actionId, actionTs: action.action_ts }));
        if (!r.ok) await tell(client, where, userId, refusal(n, r.message));
        else logger.info({ ticketNumber: n, staffId: staff.id, action: actionId }, 'slack-helpdesk: action recorded');
      });
    });
  }

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: ActionId.reply }, async ({ ack, body, action, client, context }) => {
    await ack();
    const userId = body.user.id;
    const where = whereOf(body);
    const n = action.value ?? '';
    await guarded(client, where, userId, 'reply', async () => {
      if (!(await staffOrTell(client, where, teamOf(body, context), userId, 'reply', n))) return;
      const card = await backend.card(n);
      if (!card) return tell(client, where, userId, refusal(n, 'this ticket does not exist.'));
      if (card.status === 'closed') return tell(client, where, userId, refusal(n, 'the ticket is closed.'));
      await client.views.open({ trigger_id: body.trigger_id, view: buildReplyModal(card, { ticketNumber: n, ...where }) });
    });
  });

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: ActionId.liftFreeze }, async ({ ack, body, action, client, context }) => {
    await ack();
    const userId = body.user.id;
    const where = whereOf(body);
    const n = action.value ?? '';
    await guarded(client, where, userId, 'lift-freeze', async () => {
      if (!(await staffOrTell(client, where, teamOf(body, context), userId, 'lift-freeze', n))) return;
      const card = await backend.card(n);
      if (!card) return tell(client, where, userId, refusal(n, 'this ticket does not exist.'));
      await client.views.open({ trigger_id: body.trigger_id, view: buildLiftFreezeModal(card, { ticketNumber: n, ...where }) });
    });
  });

  app.view<ViewSubmitAction>({ type: 'view_submission', callback_id: CallbackId.reply }, async ({ ack, body, view, client, context }) => {
    const ctx = decodeModalContext(view.private_metadata);
    if (!ctx) return void (await ack({ response_action: 'errors', errors: { [InputBlockId.body]: 'This form is out of date. Close it and click Reply on the ticket again.' } }));
    const values = view.state.values as StateValues;
    const text = withoutNul(values[InputBlockId.body]?.[InputActionId.body]?.value ?? '').trim();
    if (text.length < REPLY_LIMITS.min) return void (await ack({ response_action: 'errors', errors: { [InputBlockId.body]: 'Write the answer to send.' } }));
    if (text.length > REPLY_LIMITS.max) return void (await ack({ response_action: 'errors', errors: { [InputBlockId.body]: `At most ${REPLY_LIMITS.max} characters.` } }));
    const resolve = (values[InputBlockId.resolve]?.[InputActionId.resolve]?.selected_options ?? []).some((o) => o.value === 'resolve');
    const userId = body.user.id;
    const teamId = teamOf(body, context);
    const where: Where = { ...(ctx.channel ? { channel: ctx.channel } : {}), ...(ctx.messageTs ? { messageTs: ctx.messageTs } : {}) };
    // the answer goes out by e-mail inside the Update: close the modal first (Slack waits 3 s at most)
    await ack();
    await guarded(client, where, userId, 'reply-submit', async () => {
      const staff = await staffOrTell(client, where, teamId, userId, 'reply', ctx.ticketNumber);
      if (!staff) return;
      const r = await backend.reply(ctx.ticketNumber, staff, { body: text, resolve }, keyForViewSubmission({ teamId, userId, callbackId: CallbackId.reply, viewId: view.id }));
      if (!r.ok) await tell(client, where, userId, `${refusal(ctx.ticketNumber, r.message)} Your answer was not sent:\n>${text.slice(0, 500)}`);
      else logger.info({ ticketNumber: ctx.ticketNumber, staffId: staff.id, resolve }, 'slack-helpdesk: answer sent');
    });
  });

  app.view<ViewSubmitAction>({ type: 'view_submission', callback_id: CallbackId.liftFreeze }, async ({ ack, body, view, client, context }) => {
    const ctx = decodeModalContext(view.private_metadata);
    if (!ctx) return void (await ack({ response_action: 'errors', errors: { [InputBlockId.reason]: 'This form is out of date. Close it and click the button on the ticket again.' } }));
    const values = view.state.values as StateValues;
    const userIdToLift = withoutNul(values[InputBlockId.userId]?.[InputActionId.userId]?.value ?? '').trim();
    const reason = withoutNul(values[InputBlockId.reason]?.[InputActionId.reason]?.value ?? '').trim();
    const accept = (values[InputBlockId.accept]?.[InputActionId.accept]?.selected_options ?? []).some((o) => o.value === 'accept');
    const errors: Record<string, string> = {};
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$/.test(userIdToLift)) errors[InputBlockId.userId] = 'A user id such as AAACR5055K-1.';
    if (reason.length < REASON_LIMITS.min) errors[InputBlockId.reason] = `Give the reason (at least ${REASON_LIMITS.min} characters): it is kept in the audit trail.`;
    if (Object.keys(errors).length > 0) return void (await ack({ response_action: 'errors', errors }));
    const userId = body.user.id;
    const teamId = teamOf(body, context);
    const where: Where = { ...(ctx.channel ? { channel: ctx.channel } : {}), ...(ctx.messageTs ? { messageTs: ctx.messageTs } : {}) };
    let acked = false;
    try {
      const staff = await backend.staffForSlackUser(teamId, userId);
      if (!staff) {
        acked = true;
        return void (await ack({ response_action: 'errors', errors: { [InputBlockId.reason]: NOT_STAFF } }));
      }
      if (!mayDoHelpdeskAction('lift-freeze', [staff.role])) {
        logger.warn({ ticketNumber: ctx.ticketNumber, staffId: staff.id, role: staff.role, action: 'lift-freeze' }, 'slack-helpdesk: action refused for the role');
        acked = true;
        await ack({ response_action: 'errors', errors: { [InputBlockId.reason]: helpdeskRefusal('lift-freeze', [staff.role]) } });
        await tell(client, where, userId, refusal(ctx.ticketNumber, helpdeskRefusal('lift-freeze', [staff.role]))).catch(() => undefined);
        return;
      }
      const r = await backend.liftFreeze(ctx.ticketNumber, staff, { userId: userIdToLift, reason, acceptCertificateName: accept }, keyForViewSubmission({ teamId, userId, callbackId: CallbackId.liftFreeze, viewId: view.id }));
      acked = true;
      if (!r.ok) return void (await ack({ response_action: 'errors', errors: { [r.code === 'validation_failed' ? InputBlockId.reason : InputBlockId.userId]: r.message.slice(0, 150) } }));
      await ack();
      await tell(client, where, userId, `:unlock: ${r.message ?? 'The freeze is lifted.'}`).catch(() => undefined);
    } catch (e) {
      logger.error({ err: e, userId }, 'slack-helpdesk: lifting a freeze failed');
      if (!acked) await ack({ response_action: 'errors', errors: { [InputBlockId.reason]: UNCERTAIN.slice(0, 150) } });
    }
  });

  app.error(async (error) => {
    logger.error({ err: error }, 'slack-helpdesk: unhandled error in Bolt');
  });
}
