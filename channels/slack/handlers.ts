import type { App, BlockAction, ButtonAction, ViewSubmitAction, webApi } from '@slack/bolt';
import {
  attachmentsToAttest,
  type ApplicationCard,
  type DecisionResult,
  type DeficiencyInput,
  type OfficerIdentity,
  type RejectionInput,
  type SlackBackend,
} from './backend.js';
import { buildApplicationMessage, isDecidable } from './blocks/application-message.js';
import { escapeMrkdwn } from './blocks/format.js';
import { buildHomeView, buildUnlinkedHomeView, queueItemText, sortOldestFirst } from './blocks/home-view.js';
import { buildApproveModal, buildDeficiencyModal, buildDetailsModal, buildRejectModal, decodeModalContext } from './blocks/modals.js';
import {
  notDecidableText,
  notFoundText,
  notLinkedText,
  otherOfficeText,
  refusalText,
} from './blocks/notices.js';
import { ActionId, CallbackId, InputBlockId } from './ids.js';
import { keyForAction, keyForViewSubmission } from './idempotency.js';
import type { StructuredLogger } from './logger.js';
import type { SlackNotifier } from './notifier.js';
import { helpText, parseCommand } from './parse-command.js';
import { approvalFromChoice, readApprovalChoice, readDeficiencyInput, readRejectionInput, type ApprovalChoice, type Parsed, type ViewStateValues } from './validate-input.js';

export interface HandlerDeps {
  backend: SlackBackend;
  notifier: SlackNotifier;
  logger: StructuredLogger;
  command: string;
  now: () => Date;
}

/** Where an interaction happened, so replies go to the same place. */
interface Where {
  channel?: string;
  messageTs?: string;
}

type Gate = { ok: true; officer: OfficerIdentity; card: ApplicationCard } | { ok: false; text: string };

const UNCERTAIN_TEXT =
  'The CoO service did not answer in time. Your action may or may not have been recorded: ' +
  'the application message shows the current state; check it before trying again.';

export interface RegisteredHandlers {
  /** Re-renders a user's Home tab (e.g. after their office's queue changed). */
  publishHome(client: webApi.WebClient, teamId: string, userId: string): Promise<void>;
}

export function registerHandlers(app: App, deps: HandlerDeps): RegisteredHandlers {
  const { backend, notifier, logger, command } = deps;
  const workflowOwnsMessage = backend.channelMessageOwner === 'workflow';

  /** Only an officer linked to this Slack user, of the application's own office, may act. */
  async function gate(teamId: string, userId: string, number: string): Promise<Gate> {
    const officer = await backend.officerForSlackUser(teamId, userId);
    if (!officer) return { ok: false, text: (await backend.refusalForSlackUser?.(teamId, userId)) ?? notLinkedText(command) };
    const card = await backend.getCard(number);
    if (!card) return { ok: false, text: notFoundText(number) };
    if (card.office.code !== officer.officeCode) return { ok: false, text: otherOfficeText(card, officer.officeCode) };
    return { ok: true, officer, card };
  }

  /** Ephemeral in the channel of the interaction; a direct message when there is no channel. */
  async function tell(client: webApi.WebClient, where: Where, userId: string, text: string): Promise<void> {
    if (where.channel) {
      try {
        await client.chat.postEphemeral({ channel: where.channel, user: userId, text });
        return;
      } catch (error) {
        logger.warn({ err: error, channel: where.channel, userId }, 'slack: ephemeral failed, sending a direct message');
      }
    }
    await client.chat.postMessage({ channel: userId, text });
  }

  /** Runs an interaction; a failure is logged and the officer told, never left silent. */
  async function guarded(client: webApi.WebClient, where: Where, userId: string, what: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      logger.error({ err: error, userId, what }, 'slack: interaction failed');
      try {
        await tell(client, where, userId, UNCERTAIN_TEXT);
      } catch (tellError) {
        logger.error({ err: tellError, userId }, 'slack: could not tell the officer about the failure');
      }
    }
  }

  async function afterDecision(
    client: webApi.WebClient,
    result: DecisionResult,
    ctx: { officer: OfficerIdentity; number: string; fileNumber?: string; where: Where; userId: string },
  ): Promise<void> {
    if (result.ok) {
      // the workflow refreshes the channel message itself after the transition (backend.channelMessageOwner)
      const ref = workflowOwnsMessage ? await backend.getMessageRef(ctx.number) : await notifier.updateApplication(result.card);
      const { channel, messageTs } = ctx.where;
      if (channel && messageTs && (!ref || channel !== ref.channel || messageTs !== ref.ts)) {
        // a stale copy of the message (e.g. posted again after a deletion) must lose its buttons too
        await client.chat.update({ channel, ts: messageTs, ...buildApplicationMessage(result.card) });
      }
      logger.info({ applicationNumber: ctx.number, officerId: ctx.officer.officerId, status: result.card.status }, 'slack: decision recorded');
      return;
    }
    logger.info({ applicationNumber: ctx.number, officerId: ctx.officer.officerId, refusal: result.code }, 'slack: decision refused');
    await tell(client, ctx.where, ctx.userId, refusalText(result, ctx.officer, { applicationNumber: ctx.number, ...(ctx.fileNumber ? { fileNumber: ctx.fileNumber } : {}) }));
    if (!workflowOwnsMessage && (result.code === 'already_decided' || result.code === 'illegal_transition')) {
      await notifier.refreshApplication(ctx.number);
    }
  }

  function teamOf(body: { team: { id: string } | null; user: { team_id?: string } }, context: { teamId?: string }): string {
    return body.team?.id ?? body.user.team_id ?? context.teamId ?? '';
  }

  function whereOf(body: BlockAction): Where {
    return {
      ...(body.channel?.id ? { channel: body.channel.id } : {}),
      ...(body.message?.ts ? { messageTs: body.message.ts } : {}),
    };
  }

  // ---- buttons ----

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: ActionId.approve }, async ({ ack, body, action, client, context }) => {
    await ack();
    const userId = body.user.id;
    const teamId = teamOf(body, context);
    const where = whereOf(body);
    await guarded(client, where, userId, 'approve', async () => {
      const g = await gate(teamId, userId, action.value ?? '');
      if (!g.ok) return tell(client, where, userId, g.text);
      // documents to attest: the approval modal lists them, each can be declined with a remark
      if (attachmentsToAttest(g.card).length > 0 && isDecidable(g.card)) {
        await client.views.open({ trigger_id: body.trigger_id, view: buildApproveModal(g.card, { applicationNumber: g.card.applicationNumber, ...where }) });
        return;
      }
      const key = keyForAction({ teamId, userId, actionId: action.action_id, actionTs: action.action_ts });
      const result = await backend.approve(g.card.applicationNumber, g.officer, key);
      await afterDecision(client, result, { officer: g.officer, number: g.card.applicationNumber, ...(g.card.fileNumber ? { fileNumber: g.card.fileNumber } : {}), where, userId });
    });
  });

  for (const [actionId, build] of [
    [ActionId.deficiency, buildDeficiencyModal],
    [ActionId.reject, buildRejectModal],
  ] as const) {
    app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: actionId }, async ({ ack, body, action, client, context }) => {
      await ack();
      const userId = body.user.id;
      const teamId = teamOf(body, context);
      const where = whereOf(body);
      await guarded(client, where, userId, actionId, async () => {
        const g = await gate(teamId, userId, action.value ?? '');
        if (!g.ok) return tell(client, where, userId, g.text);
        if (!isDecidable(g.card)) {
          await tell(client, where, userId, notDecidableText(g.card));
          if (!workflowOwnsMessage) await notifier.updateApplication(g.card);
          return;
        }
        const view = build(g.card, { applicationNumber: g.card.applicationNumber, ...where });
        await client.views.open({ trigger_id: body.trigger_id, view });
      });
    });
  }

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: ActionId.details }, async ({ ack, body, action, client, context }) => {
    await ack();
    const userId = body.user.id;
    const where = whereOf(body);
    await guarded(client, where, userId, 'details', async () => {
      const g = await gate(teamOf(body, context), userId, action.value ?? '');
      if (!g.ok) return tell(client, where, userId, g.text);
      await client.views.open({ trigger_id: body.trigger_id, view: buildDetailsModal(g.card) });
    });
  });

  // ---- modal submissions ----

  function onSubmit<T>(
    callbackId: string,
    firstBlock: string,
    read: (values: ViewStateValues) => Parsed<T>,
    decide: (number: string, officer: OfficerIdentity, input: T, key: string, card: ApplicationCard) => Promise<DecisionResult>,
  ): void {
    app.view<ViewSubmitAction>({ type: 'view_submission', callback_id: callbackId }, async ({ ack, body, view, client, context }) => {
      const modal = decodeModalContext(view.private_metadata);
      if (!modal) {
        await ack({ response_action: 'errors', errors: { [firstBlock]: 'This form is out of date. Close it and click the button on the application again.' } });
        return;
      }
      const parsed = read(view.state.values as ViewStateValues);
      if (!parsed.ok) {
        await ack({ response_action: 'errors', errors: parsed.errors });
        return;
      }
      const userId = body.user.id;
      const teamId = teamOf(body, context);
      const where: Where = { ...(modal.channel ? { channel: modal.channel } : {}), ...(modal.messageTs ? { messageTs: modal.messageTs } : {}) };
      let acked = false;
      const close = async () => {
        if (!acked) {
          acked = true;
          await ack();
        }
      };
      try {
        await guarded(client, where, userId, callbackId, async () => {
          const g = await gate(teamId, userId, modal.applicationNumber);
          if (!g.ok) {
            await close();
            return tell(client, where, userId, g.text);
          }
          const key = keyForViewSubmission({ teamId, userId, callbackId, viewId: view.id });
          const result = await decide(g.card.applicationNumber, g.officer, parsed.input, key, g.card);
          if (!result.ok && result.code === 'validation_failed') {
            acked = true;
            await ack({ response_action: 'errors', errors: { [firstBlock]: result.message } });
            return;
          }
          await close();
          await afterDecision(client, result, { officer: g.officer, number: g.card.applicationNumber, ...(g.card.fileNumber ? { fileNumber: g.card.fileNumber } : {}), where, userId });
        });
      } finally {
        await close();
      }
    });
  }

  onSubmit<DeficiencyInput>(CallbackId.deficiency, InputBlockId.remarks, readDeficiencyInput, (n, o, input, key) =>
    backend.raiseDeficiency(n, o, input, key),
  );
  onSubmit<ApprovalChoice>(CallbackId.approve, InputBlockId.attestRemark, readApprovalChoice, async (n, o, choice, key, card) => {
    const approval = approvalFromChoice(card, choice);
    if (!approval.ok) return { ok: false, code: 'validation_failed', message: Object.values(approval.errors).join(' ') };
    return backend.approve(n, o, key, approval.input);
  });
  onSubmit<RejectionInput>(CallbackId.reject, InputBlockId.reason, readRejectionInput, (n, o, input, key) =>
    backend.reject(n, o, input, key),
  );

  // ---- App Home ----

  async function publishHome(client: webApi.WebClient, teamId: string, userId: string): Promise<void> {
    const officer = await backend.officerForSlackUser(teamId, userId);
    const view = officer
      ? buildHomeView({ officer, queue: await backend.pendingQueue(officer), now: deps.now() })
      : buildUnlinkedHomeView(command);
    await client.views.publish({ user_id: userId, view });
  }

  app.event('app_home_opened', async ({ event, body, client, context }) => {
    if (event.tab !== 'home') return;
    try {
      await publishHome(client, body.team_id ?? context.teamId ?? '', event.user);
    } catch (error) {
      logger.error({ err: error, userId: event.user }, 'slack: App Home could not be published');
    }
  });

  // ---- slash command ----

  app.command(command, async ({ command: cmd, ack, client }) => {
    let acked = false;
    const reply = async (text: string, blocks?: ReturnType<typeof buildApplicationMessage>['blocks']) => {
      if (acked) return;
      acked = true;
      await ack({ response_type: 'ephemeral', text, ...(blocks ? { blocks } : {}) });
    };
    const parsed = parseCommand(cmd.text ?? '', command);
    try {
      switch (parsed.kind) {
        case 'help':
          return await reply(helpText(command));
        case 'invalid':
          return await reply(parsed.message);
        case 'link': {
          const result = await backend.linkSlackUser({ teamId: cmd.team_id, slackUserId: cmd.user_id, code: parsed.code });
          if (!result.ok) return await reply(`:x: ${escapeMrkdwn(result.message)}`);
          await reply(
            `:white_check_mark: Linked. You act as *${escapeMrkdwn(result.officer.name)}* of office ${escapeMrkdwn(result.officer.officeCode)}.`,
          );
          await publishHome(client, cmd.team_id, cmd.user_id).catch((error: unknown) =>
            logger.warn({ err: error }, 'slack: App Home not refreshed after linking'),
          );
          return;
        }
        case 'queue': {
          const officer = await backend.officerForSlackUser(cmd.team_id, cmd.user_id);
          if (!officer) return await reply((await backend.refusalForSlackUser?.(cmd.team_id, cmd.user_id)) ?? notLinkedText(command));
          const queue = sortOldestFirst(await backend.pendingQueue(officer)).slice(0, 20);
          if (queue.length === 0) return await reply('Nothing is waiting for a decision in your office.');
          return await reply(`${queue.length} waiting, oldest first`, [
            ...queue.map((card) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text: queueItemText(card, deps.now()) } })),
          ]);
        }
        case 'lookup': {
          const g = await gate(cmd.team_id, cmd.user_id, parsed.number);
          if (!g.ok) return await reply(g.text);
          const message = buildApplicationMessage(g.card, { actions: 'details' });
          return await reply(message.text, message.blocks);
        }
      }
    } catch (error) {
      logger.error({ err: error, text: cmd.text }, 'slack: command failed');
      await reply('The CoO service could not be reached. Please try again in a minute.');
    }
  });

  app.error(async (error) => {
    logger.error({ err: error }, 'slack: unhandled error in Bolt');
  });

  return { publishHome };
}
