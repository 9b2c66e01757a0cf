import { Client, Connection } from '@temporalio/client';
import { webApi } from '@slack/bolt';
import type { Config } from '../../lib/config.js';
import { temporalDataConverter } from '../../lib/temporal-codec.js';
import type { HelpdeskSettings } from './deps.js';

/**
 * The helpdesk's settings from the configuration: a Temporal client made on first use (only the
 * deficiency-reply activity needs one), the helpdesk channel when Slack is configured.
 */
export function helpdeskSettingsFromConfig(config: Config): HelpdeskSettings {
  let client: Client | undefined;
  const slack = config.helpdesk.slack;
  return {
    temporal: () => {
      if (!config.temporal.address) throw new Error('TEMPORAL_ADDRESS is not set: the helpdesk activities cannot reach the application workflows');
      client ??= new Client({
        connection: Connection.lazy({ address: config.temporal.address }),
        namespace: config.temporal.namespace,
        dataConverter: temporalDataConverter(config.temporal.codec),
      });
      return client;
    },
    slack: slack
      ? {
          client: new webApi.WebClient(slack.botToken, {
            ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl.endsWith('/') ? slack.apiUrl : `${slack.apiUrl}/` } : {}),
            retryConfig: { retries: 2 },
          }),
          channel: slack.channel,
        }
      : null,
    escalationEmail: config.helpdesk.escalationEmail ?? null,
    maxMessageBytes: config.mail.ingest.maxMessageBytes,
  };
}
