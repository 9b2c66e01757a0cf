import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { webApi } from '@slack/bolt';
import type { StructuredLogger } from '../../channels/slack/logger.js';
import { toBoltLogger } from '../../channels/slack/logger.js';
import { createSlackNotifier, type SlackNotifier } from '../../channels/slack/notifier.js';
import { TemporalSlackBackend } from '../../channels/slack/temporal-backend.js';

/** What the Slack side of the activities needs (the officer's message, the deadline notices). */
export interface SlackActivityDeps {
  em: () => EntityManager;
  backend: TemporalSlackBackend;
  notifier: SlackNotifier;
  logger: StructuredLogger;
  now: () => Date;
}

export interface SlackConnection {
  botToken: string;
  /** Web API base URL; tests point it at a local fake */
  apiUrl?: string | undefined;
}

/**
 * Builds the Slack side of the worker from the bot token, a database and a Temporal client. Slack
 * calls are short and retried little here; the activities' retry policy rides out longer outages, and
 * a decision never waits on Slack (the workflow refreshes the message beside its own progress).
 */
export function createSlackActivityDeps(input: {
  slack: SlackConnection;
  em: () => EntityManager;
  temporal: Client;
  logger: StructuredLogger;
  now?: () => Date;
}): SlackActivityDeps {
  const now = input.now ?? (() => new Date());
  const apiUrl = input.slack.apiUrl ? (input.slack.apiUrl.endsWith('/') ? input.slack.apiUrl : `${input.slack.apiUrl}/`) : undefined;
  const client = new webApi.WebClient(input.slack.botToken, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    timeout: 10_000,
    retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 2_000 },
    logger: toBoltLogger(input.logger, 'slack-worker'),
  });
  const backend = new TemporalSlackBackend({ temporal: input.temporal, em: input.em, logger: input.logger, now });
  const notifier = createSlackNotifier({ client, backend, logger: input.logger, now });
  return { em: input.em, backend, notifier, logger: input.logger, now };
}
