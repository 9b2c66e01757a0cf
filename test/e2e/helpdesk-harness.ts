/**
 * Everything the mail and helpdesk end-to-end tests run on, real: the mail stack of scripts/lib/mail-stack.ts
 * (a private Dovecot and SMTP relay, the worker on the test Temporal server and PostgreSQL, the API with the
 * helpdesk's Slack app mounted, the mail ingester watching helpdesk@coo.test over IMAP), with the Slack Web
 * API a local fake and signed requests to the helpdesk's Slack endpoint.
 */
import { startMailStack as startMailStackOn, type MailStack as BaseMailStack, type MailStackOptions as BaseMailStackOptions } from '../../scripts/lib/mail-stack.js';
import { FakeSlack } from '../helpers/slack-fake.js';
import { blockActions, sendSigned, viewSubmission, type SignOptions, type SlackRequest } from '../helpers/slack-sign.js';
import { testServices } from '../helpers/stack.js';

export { DOMAIN, HELPDESK, HELPDESK_PASSWORD, REPLY_SECRET } from '../../scripts/lib/mail-stack.js';
export const TEAM = 'T0HELP';
export const SLACK_SECRET = 'helpdesk-signing-secret-e2e';
export const BOT_TOKEN = 'xoxb-helpdesk-e2e';
export const CHANNEL = 'C0HELPDESK';
/** seeded staff (db/fixtures/reference-data.json) and their Slack accounts in the fake workspace */
export const KAVITA = { slackId: 'U0KAVITA', staffId: 'helpdesk-1', email: 'kavita.sharma@coo-helpdesk.example', name: 'Kavita Sharma' };
export const PRIYA = { slackId: 'U0PRIYA', staffId: 'officer-eic-mum', email: 'priya.deshpande@eicindia.example', name: 'Priya Deshpande' };
/** the platform administrator: helpdesk staff too */
export const SANJAY = { slackId: 'U0SANJAY', staffId: 'platform-admin', email: 'sanjay.verma@coo-platform.example', name: 'Sanjay Verma' };

export interface MailStackOptions extends Omit<BaseMailStackOptions, 'services' | 'slack'> {
  /** the helpdesk's Slack app on, its Web API a fake workspace with Kavita, Sanjay, Priya (an officer) and a stranger */
  slack?: boolean;
}

export interface MailStack extends BaseMailStack {
  fake: FakeSlack | undefined;
  slackClick(actionId: string, value: string, userId: string, opts?: SignOptions & { channel?: string; messageTs?: string }): ReturnType<typeof sendSigned>;
  slackSubmit(view: { id: string; callback_id?: string; private_metadata?: string }, userId: string, values: Record<string, Record<string, Record<string, unknown>>>): ReturnType<typeof sendSigned>;
  slackSend(request: SlackRequest, opts?: SignOptions): ReturnType<typeof sendSigned>;
}

export async function startMailStack(opts: MailStackOptions): Promise<MailStack> {
  const { slack, ...rest } = opts;
  const fake = slack
    ? await FakeSlack.start({
        botToken: BOT_TOKEN,
        teamId: TEAM,
        users: [
          { id: KAVITA.slackId, email: KAVITA.email, name: KAVITA.name },
          { id: PRIYA.slackId, email: PRIYA.email, name: PRIYA.name },
          { id: SANJAY.slackId, email: SANJAY.email, name: SANJAY.name },
          { id: 'U0STRANGER', email: 'someone@elsewhere.example', name: 'Stranger' },
        ],
      })
    : undefined;
  let ms: BaseMailStack;
  try {
    ms = await startMailStackOn({
      ...rest,
      services: testServices(),
      ...(fake ? { slack: { apiUrl: fake.url, botToken: BOT_TOKEN, signingSecret: SLACK_SECRET, channel: CHANNEL } } : {}),
    });
  } catch (e) {
    await fake?.close();
    throw e;
  }
  const { slackUrl } = ms;
  return {
    ...ms,
    fake,
    slackClick: (actionId, value, userId, o = {}) =>
      sendSigned(slackUrl, SLACK_SECRET, blockActions({ teamId: TEAM, userId, actionId, value, channel: o.channel ?? CHANNEL, ...(o.messageTs ? { messageTs: o.messageTs } : {}) }), o),
    slackSubmit: (view, userId, values) =>
      sendSigned(slackUrl, SLACK_SECRET, viewSubmission({ teamId: TEAM, userId, callbackId: view.callback_id ?? '', viewId: view.id, privateMetadata: view.private_metadata ?? '', values })),
    slackSend: (request, o) => sendSigned(slackUrl, SLACK_SECRET, request, o),
    async stop() {
      await ms.stop();
      await fake?.close();
    },
  };
}
