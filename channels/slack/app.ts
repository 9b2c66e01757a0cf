import { App, type Authorize, webApi } from '@slack/bolt';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { SlackBackend } from './backend.js';
import { registerHandlers } from './handlers.js';
import { DEFAULT_COMMAND } from './ids.js';
import { toBoltLogger, type StructuredLogger } from './logger.js';
import { createSlackNotifier, type SlackNotifier } from './notifier.js';
import { signedRequestReceiver } from './receiver-errors.js';
import { createRegistrationBoard, registerRegistrationHandlers } from './staff-registrations.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DecisionDeps } from '../../services/agency/staff.js';

export interface SlackAppOptions {
  backend: SlackBackend;
  /** xoxb-… bot token of the installed app. */
  botToken: string;
  /** Verifies HTTP requests (v0 HMAC); required in HTTP mode. */
  signingSecret?: string;
  /** `http`: mount `router` in the API; `socket`: a WebSocket to Slack, no public URL needed. */
  mode: 'http' | 'socket';
  /** xapp-… app-level token with connections:write; required in Socket Mode. */
  appToken?: string;
  /** Web API base URL (tests point it at a fake); a trailing slash is added when missing. */
  slackApiUrl?: string;
  logger: StructuredLogger;
  /** Office code → channel ID; takes precedence over `backend.channelForOffice`. */
  officeChannels?: Record<string, string>;
  /** The slash command as configured in the manifest. */
  command?: string;
  now?: () => Date;
  /** Passed to Bolt's WebClient (timeouts, retry policy). */
  clientOptions?: webApi.WebClientOptions;
  /**
   * Officers' registration requests decided from their Slack message (staff-registrations.ts): the same decision
   * dependencies as the API's; without a board, one over this app's client rewrites the messages.
   */
  registrations?: { em: () => EntityManager; decisionDeps: DecisionDeps };
}

export interface SlackApp extends SlackNotifier {
  /** The Bolt app. Its own `app.client` carries no token: use `notifier` or a listener's `client`. */
  app: App;
  /**
   * HTTP mode only: Slack's Events, Interactivity and Slash Command endpoint. Mount it with
   * `api.use('/slack/events', router)` BEFORE any body parser (`express.json()`), since Bolt
   * verifies the signature over the raw body.
   */
  router: Router | undefined;
  notifier: SlackNotifier;
  /**
   * Checks the bot token with auth.test (cached once it succeeds). Optional at start-up: the API
   * keeps serving when Slack is unreachable, and the first Slack request verifies it anyway.
   */
  verifyToken(): Promise<{ botUserId: string; botId: string; teamId: string }>;
  /** Re-renders a user's Home tab, e.g. when their office's queue changed. */
  publishHome(teamId: string, slackUserId: string): Promise<void>;
  /** Connects the WebSocket in Socket Mode; nothing to do in HTTP mode (the API serves the router). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Path under which the router is meant to be mounted (the manifest's request URLs end with it). */
export const SLACK_EVENTS_PATH = '/slack/events';

export function createSlackApp(opts: SlackAppOptions): SlackApp {
  const boltLogger = toBoltLogger(opts.logger);
  const clientOptions: webApi.WebClientOptions = {
    ...opts.clientOptions,
    ...(opts.slackApiUrl ? { slackApiUrl: opts.slackApiUrl.endsWith('/') ? opts.slackApiUrl : `${opts.slackApiUrl}/` } : {}),
  };
  const command = opts.command ?? DEFAULT_COMMAND;
  const now = opts.now ?? (() => new Date());

  // Bolt's own token check runs auth.test in its constructor and leaves the promise unhandled when
  // Slack is unreachable; this one runs on first need, is cached, and is retried after a failure.
  const client = new webApi.WebClient(opts.botToken, { ...clientOptions, logger: boltLogger });
  let identity: Promise<{ botUserId: string; botId: string; teamId: string }> | undefined;
  const verifyToken = () => {
    identity ??= client.auth.test().then(
      (r) => ({ botUserId: r.user_id ?? '', botId: r.bot_id ?? '', teamId: r.team_id ?? '' }),
      (error: unknown) => {
        identity = undefined;
        throw error;
      },
    );
    return identity;
  };
  const authorize: Authorize<boolean> = async () => {
    const { botUserId, botId } = await verifyToken();
    return { botToken: opts.botToken, botUserId, botId };
  };

  let app: App;
  let router: Router | undefined;
  if (opts.mode === 'http') {
    if (!opts.signingSecret) {
      throw new AppError(ErrorCode.ValidationFailed, 'Slack HTTP mode needs the app\'s signing secret (Basic Information → App Credentials).');
    }
    router = express.Router();
    router.use(refusePreParsedBody(opts.logger));
    const receiver = signedRequestReceiver({ signingSecret: opts.signingSecret, router, logger: opts.logger, boltLogger, component: 'slack' });
    app = new App({ authorize, receiver, logger: boltLogger, clientOptions });
  } else {
    if (!opts.appToken) {
      throw new AppError(ErrorCode.ValidationFailed, 'Slack Socket Mode needs an app-level token (xapp-…) with the connections:write scope.');
    }
    app = new App({ authorize, appToken: opts.appToken, socketMode: true, logger: boltLogger, clientOptions });
  }

  const notifier = createSlackNotifier({
    client,
    backend: opts.backend,
    logger: opts.logger,
    now,
    ...(opts.officeChannels ? { officeChannels: opts.officeChannels } : {}),
  });
  const handlers = registerHandlers(app, { backend: opts.backend, notifier, logger: opts.logger, command, now });
  if (opts.registrations) {
    const { em, decisionDeps } = opts.registrations;
    const board = decisionDeps.board ?? createRegistrationBoard({ client, em, logger: opts.logger });
    registerRegistrationHandlers(app, { em, decisionDeps: { ...decisionDeps, board }, logger: opts.logger });
  }

  return {
    app,
    router,
    notifier,
    ...notifier,
    verifyToken,
    publishHome: (teamId, userId) => handlers.publishHome(client, teamId, userId),
    async start() {
      if (opts.mode === 'socket') await app.start();
    },
    async stop() {
      if (opts.mode === 'socket') await app.stop();
    },
  };
}

/**
 * A body parser mounted before the Slack route consumes the raw body Bolt must verify; the request
 * would fail with an unexplained 400. Say what is wrong instead (unless the parser kept `rawBody`).
 */
function refusePreParsedBody(logger: StructuredLogger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const raw = (req as Request & { rawBody?: unknown }).rawBody;
    if (req.readableEnded && raw === undefined) {
      logger.error(
        { path: req.originalUrl },
        'slack: the request body was already read by another parser; mount the Slack router before express.json()',
      );
      res.status(500).json({
        code: ErrorCode.Internal,
        message: 'The Slack endpoint is misconfigured: it must be mounted before any body parser.',
      });
      return;
    }
    next();
  };
}
