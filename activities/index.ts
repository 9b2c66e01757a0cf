import type { EntityManager } from '@mikro-orm/postgresql';
import type { IecDirectory } from '../services/iec/iec-directory.js';
import { createIecActivities } from './iec/refresh-iec-record.js';
import { createBenchActivities } from './bench/noop.js';
import { createIdentityActivities } from './identity/activities.js';
import type { IdentitySetupSource } from '../services/identity/identity-setup.js';
import type { ApplicationActivityDeps } from '../services/application/deps.js';
import { createSigningActivities } from './application/signing.js';
import { createPaymentActivities } from './application/payment.js';
import { createTransitionActivities } from './application/transitions.js';
import { createApplicationNotifications, type MailSettings } from './application/notify-application.js';
import { createIssueDocumentActivities } from './application/issue-document.js';
import type { CertificateRenderer } from '../services/certificate/application-certificate-renderer.js';
import { createSlackActivities } from './slack/stale-queue.js';
import type { SlackActivityDeps } from '../services/slack/deps.js';
import { createMailIngestActivities } from './mail-ingest/index.js';
import { createHelpdeskActivities, type HelpdeskSettings } from './helpdesk/index.js';

export interface ActivityDeps extends ApplicationActivityDeps {
  /** a fresh entity manager per call: each activity forks its own */
  em: () => EntityManager;
  iecDirectory: IecDirectory;
  /** trusted CAs, DSC options and the eSign provider (identity issue) */
  identity: IdentitySetupSource;
  mail: MailSettings;
  certificateRenderer?: CertificateRenderer | undefined;
  /** officers in Slack (issue 6): the stale-queue activities; unset when Slack is not configured */
  slack?: SlackActivityDeps | undefined;
  /** the mail ingester's and the helpdesk tickets' (issue 7) */
  helpdesk: HelpdeskSettings;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createIecActivities(deps),
    ...createBenchActivities(),
    ...createIdentityActivities(deps),
    ...createSigningActivities(deps),
    ...createPaymentActivities(deps),
    ...createTransitionActivities(deps),
    ...createApplicationNotifications(deps),
    ...createIssueDocumentActivities(deps),
    ...createSlackActivities(deps),
    ...createMailIngestActivities(deps),
    ...createHelpdeskActivities(deps),
  };
}
export type Activities = ReturnType<typeof createActivities>;
