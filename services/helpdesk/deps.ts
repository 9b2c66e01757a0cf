import type { EntityManager } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import type { webApi } from '@slack/bolt';
import type { Notifier } from '../notification/notifier.js';
import type { MailSettings } from '../notification/notify-application.js';
import type { IdentitySetupSource } from '../identity/identity-setup.js';

/** The helpdesk's Slack channel, reached from activities with the bot token (no Bolt app needed). */
export interface HelpdeskSlack {
  client: webApi.WebClient;
  channel: string;
  /** escalations are also posted here (default: the ticket's thread only) */
  escalationChannel?: string;
}

export interface HelpdeskSettings {
  /** a Temporal client, for the Updates of the application workflow a deficiency reply answers */
  temporal: () => Client;
  slack: HelpdeskSlack | null;
  /** escalations are also mailed here */
  escalationEmail: string | null;
  /** larger messages are refused (the ingester keeps only their headers) */
  maxMessageBytes: number;
}

/** What the mail-ingest and helpdesk activities use from ActivityDeps. */
export interface HelpdeskActivityDeps {
  em: () => EntityManager;
  notifier: Notifier;
  mail: MailSettings;
  identity: IdentitySetupSource;
  publicBaseUrl: string;
  helpdesk: HelpdeskSettings;
}
