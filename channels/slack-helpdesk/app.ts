/**
 * The helpdesk staff's Slack app: a second Bolt app in HTTP mode beside the officers' one, with its own
 * request URL (`/slack/helpdesk/events`), bot token and signing secret, so each team installs only
 * what it uses. Ticket messages are posted by the ticket workflow's activities (no Bolt needed there);
 * this app answers the buttons and modals.
 */
import { App, type Authorize, webApi } from '@slack/bolt';
import express, { type Router } from 'express';
import type { Client } from '@temporalio/client';
import type { Config } from '../../lib/config.js';
import type { Logger } from '../../lib/logger.js';
import type { Orm } from '../../db/orm.js';
import { toBoltLogger, type StructuredLogger } from '../slack/logger.js';
import { signedRequestReceiver } from '../slack/receiver-errors.js';
import type { HelpdeskBackend } from './backend.js';
import { registerHelpdeskHandlers } from './handlers.js';
import { TemporalHelpdeskBackend } from './temporal-backend.js';

export const HELPDESK_SLACK_PATH = '/slack/helpdesk/events';

export interface HelpdeskSlackOptions {
  backend: HelpdeskBackend;
  botToken: string;
  signingSecret: string;
  /** Web API base URL (tests point it at a fake) */
  slackApiUrl?: string;
  logger: StructuredLogger;
}

export interface HelpdeskSlackApp {
  app: App;
  /** mount BEFORE any body parser: Bolt verifies the signature over the raw body */
  router: Router;
  client: webApi.WebClient;
}

export function slackClientOptions(apiUrl: string | undefined): webApi.WebClientOptions {
  return apiUrl ? { slackApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` } : {};
}

export function createHelpdeskSlackApp(opts: HelpdeskSlackOptions): HelpdeskSlackApp {
  const boltLogger = toBoltLogger(opts.logger, 'slack-helpdesk');
  const clientOptions = slackClientOptions(opts.slackApiUrl);
  const client = new webApi.WebClient(opts.botToken, { ...clientOptions, logger: boltLogger });
  let identity: Promise<{ botUserId: string; botId: string }> | undefined;
  const authorize: Authorize<boolean> = async () => {
    identity ??= client.auth.test().then(
      (r) => ({ botUserId: r.user_id ?? '', botId: r.bot_id ?? '' }),
      (e: unknown) => {
        identity = undefined;
        throw e;
      },
    );
    const { botUserId, botId } = await identity;
    return { botToken: opts.botToken, botUserId, botId };
  };
  const router = express.Router();
  const receiver = signedRequestReceiver({ signingSecret: opts.signingSecret, router, logger: opts.logger, boltLogger, component: 'slack-helpdesk' });
  const app = new App({ authorize, receiver, logger: boltLogger, clientOptions });
  registerHelpdeskHandlers(app, { backend: opts.backend, logger: opts.logger });
  return { app, router, client };
}

/** The router for the API, when HELPDESK_SLACK_* is configured; undefined otherwise. */
/** What the helpdesk's Slack endpoint needs from the process that mounts it (the API). */
export interface HelpdeskSlackDeps {
  config: Pick<Config, 'helpdesk'>;
  logger: Logger;
  orm: Orm;
  temporal: Client;
}

export function helpdeskSlackRouter(deps: HelpdeskSlackDeps): Router | undefined {
  const cfg = deps.config.helpdesk.slack;
  if (!cfg) return undefined;
  const slackClient = new webApi.WebClient(cfg.botToken, slackClientOptions(cfg.apiUrl));
  const bot = createHelpdeskSlackApp({
    backend: new TemporalHelpdeskBackend({ temporal: deps.temporal, em: () => deps.orm.em.fork(), slack: slackClient, staffMap: cfg.staff }),
    botToken: cfg.botToken,
    signingSecret: cfg.signingSecret,
    ...(cfg.apiUrl ? { slackApiUrl: cfg.apiUrl } : {}),
    logger: deps.logger.child({ component: 'slack-helpdesk' }),
  });
  return bot.router;
}
