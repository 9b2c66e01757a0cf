import type { EntityManager } from '@mikro-orm/postgresql';
import type { IecDirectory } from './iec/iec-directory.js';
import { createIecActivities } from './iec/refresh-iec-record.js';
import { createIdentityActivities } from './identity/activities.js';
import type { IdentitySetupSource } from './identity/identity-setup.js';
import type { ApplicationActivityDeps } from './application/deps.js';
import { createSigningActivities } from './application/signing.js';
import { createPaymentActivities } from './application/payment.js';
import { createTransitionActivities } from './application/transitions.js';
import { createApplicationNotifications, type MailSettings } from './application/notify-application.js';
import { createIssueDocumentActivities, type CertificateRenderer } from './application/issue-document.js';

export interface ActivityDeps extends ApplicationActivityDeps {
  /** a fresh entity manager per call: each activity forks its own */
  em: () => EntityManager;
  iecDirectory: IecDirectory;
  /** trusted CAs, DSC options and the eSign provider (identity issue) */
  identity: IdentitySetupSource;
  mail: MailSettings;
  certificateRenderer?: CertificateRenderer | undefined;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createIecActivities(deps),
    ...createIdentityActivities(deps),
    ...createSigningActivities(deps),
    ...createPaymentActivities(deps),
    ...createTransitionActivities(deps),
    ...createApplicationNotifications(deps),
    ...createIssueDocumentActivities(deps),
  };
}
export type Activities = ReturnType<typeof createActivities>;
