import { createHmac, randomBytes } from 'node:crypto';

/**
 * Requests as Slack sends them to an app's Request URL, signed with Slack's v0 scheme:
 * `X-Slack-Signature: v0=hex(HMAC-SHA256(signing secret, "v0:<timestamp>:<raw body>"))`.
 * Interactivity payloads are form-encoded (`payload=<json>`), slash commands form-encoded
 * fields, events JSON.
 */

export const FORM = 'application/x-www-form-urlencoded';
export const JSON_TYPE = 'application/json';

export interface SlackRequest {
  body: string;
  contentType: string;
}

export interface SignOptions {
  /** Unix seconds; defaults to now. Older than 5 minutes is refused by Bolt. */
  timestamp?: number;
  /** Sign with another secret (a forgery). */
  secret?: string;
  /** Sets X-Slack-Retry-Num / X-Slack-Retry-Reason as Slack does on redelivery. */
  retryNum?: number;
}

export function slackSignature(secret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export function signedHeaders(secret: string, request: SlackRequest, opts: SignOptions = {}): Record<string, string> {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': request.contentType,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(opts.secret ?? secret, timestamp, request.body),
  };
  if (opts.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(opts.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  return headers;
}

export interface SlackResponse {
  status: number;
  text: string;
  json: unknown;
}

/** POSTs a signed request and returns the status and the body (parsed when it is JSON). */
export async function sendSigned(url: string, secret: string, request: SlackRequest, opts: SignOptions = {}): Promise<SlackResponse> {
  const res = await fetch(url, { method: 'POST', headers: signedHeaders(secret, request, opts), body: request.body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** A Slack-looking ID or timestamp, unique per call. */
export function fakeId(prefix: string): string {
  return `${prefix}${randomBytes(5).toString('hex').toUpperCase()}`;
}

let tsCounter = randomBytes(2).readUInt16BE();

/** A Slack-style timestamp ("1700000000.000123"), unique within the process. */
export function actionTs(): string {
  tsCounter = (tsCounter + 1) % 1_000_000;
  return `${Math.floor(Date.now() / 1000)}.${String(tsCounter).padStart(6, '0')}`;
}

function form(payload: unknown): SlackRequest {
  return { body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), contentType: FORM };
}

export interface Actor {
  teamId: string;
  userId: string;
}

export interface ButtonClick extends Actor {
  actionId: string;
  value: string;
  /** Where the button was; absent for App Home and modals. */
  channel?: string;
  messageTs?: string;
  /** One click = one action_ts; reuse it to model a redelivery of the same click. */
  actionTs?: string;
  triggerId?: string;
  blockId?: string;
}

export function blockActionsPayload(click: ButtonClick): Record<string, unknown> {
  const ts = click.actionTs ?? actionTs();
  return {
    type: 'block_actions',
    team: { id: click.teamId, domain: 'fake' },
    user: { id: click.userId, username: click.userId.toLowerCase(), name: click.userId.toLowerCase(), team_id: click.teamId },
    api_app_id: 'AFAKE',
    token: 'legacy-verification-token',
    trigger_id: click.triggerId ?? `${fakeId('')}.${fakeId('')}`,
    response_url: 'https://hooks.slack.test/actions/T/1/abc',
    container: click.messageTs
      ? { type: 'message', message_ts: click.messageTs, channel_id: click.channel, is_ephemeral: false }
      : { type: 'view', view_id: 'VHOME' },
    ...(click.channel ? { channel: { id: click.channel, name: 'coo-office' } } : {}),
    ...(click.messageTs ? { message: { type: 'message', ts: click.messageTs, text: '', bot_id: 'BBOT' } } : {}),
    actions: [
      {
        type: 'button',
        action_id: click.actionId,
        block_id: click.blockId ?? 'coo_actions',
        text: { type: 'plain_text', text: click.actionId },
        value: click.value,
        action_ts: ts,
      },
    ],
  };
}

export function blockActions(click: ButtonClick): SlackRequest {
  return form(blockActionsPayload(click));
}

export interface ModalSubmission extends Actor {
  callbackId: string;
  /** The view as opened (its id, private_metadata), e.g. from the fake's views.open record. */
  viewId: string;
  privateMetadata: string;
  /** `view.state.values` as Slack sends them. */
  values: Record<string, Record<string, Record<string, unknown>>>;
}

export function viewSubmissionPayload(s: ModalSubmission): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: { id: s.teamId, domain: 'fake' },
    user: { id: s.userId, username: s.userId.toLowerCase(), name: s.userId.toLowerCase(), team_id: s.teamId },
    api_app_id: 'AFAKE',
    token: 'legacy-verification-token',
    trigger_id: `${fakeId('')}.${fakeId('')}`,
    view: {
      id: s.viewId,
      team_id: s.teamId,
      type: 'modal',
      callback_id: s.callbackId,
      private_metadata: s.privateMetadata,
      hash: `${Date.now()}.hash`,
      state: { values: s.values },
      blocks: [],
      title: { type: 'plain_text', text: 'Modal' },
      close: null,
      submit: null,
      app_id: 'AFAKE',
      bot_id: 'BBOT',
      root_view_id: s.viewId,
      previous_view_id: null,
      clear_on_close: false,
      notify_on_close: false,
    },
    response_urls: [],
  };
}

export function viewSubmission(s: ModalSubmission): SlackRequest {
  return form(viewSubmissionPayload(s));
}

/** A plain text input's state value. */
export function textValue(value: string): Record<string, unknown> {
  return { type: 'plain_text_input', value };
}

/** A checkboxes element's state value. */
export function checkboxValues(values: string[]): Record<string, unknown> {
  return { type: 'checkboxes', selected_options: values.map((v) => ({ value: v, text: { type: 'plain_text', text: v } })) };
}

export interface SlashCommand extends Actor {
  command: string;
  text: string;
  channel?: string;
}

export function slashCommandFields(c: SlashCommand): Record<string, string> {
  return {
    token: 'legacy-verification-token',
    team_id: c.teamId,
    team_domain: 'fake',
    channel_id: c.channel ?? 'C0GENERAL',
    channel_name: 'general',
    user_id: c.userId,
    user_name: c.userId.toLowerCase(),
    command: c.command,
    text: c.text,
    api_app_id: 'AFAKE',
    is_enterprise_install: 'false',
    response_url: 'https://hooks.slack.test/commands/T/1/abc',
    trigger_id: `${fakeId('')}.${fakeId('')}`,
  };
}

export function slashCommand(c: SlashCommand): SlackRequest {
  return { body: new URLSearchParams(slashCommandFields(c)).toString(), contentType: FORM };
}

export function eventCallbackBody(teamId: string, event: Record<string, unknown>, eventId = fakeId('Ev')): Record<string, unknown> {
  return {
    token: 'legacy-verification-token',
    team_id: teamId,
    api_app_id: 'AFAKE',
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: teamId, user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
  };
}

export function eventCallback(teamId: string, event: Record<string, unknown>, eventId?: string): SlackRequest {
  return { body: JSON.stringify(eventCallbackBody(teamId, event, eventId)), contentType: JSON_TYPE };
}

export function appHomeOpenedEvent(userId: string): Record<string, unknown> {
  return { type: 'app_home_opened', user: userId, channel: `D${userId.slice(1)}`, tab: 'home', event_ts: actionTs() };
}

export function urlVerification(challenge: string): SlackRequest {
  return { body: JSON.stringify({ token: 'legacy-verification-token', challenge, type: 'url_verification' }), contentType: JSON_TYPE };
}
