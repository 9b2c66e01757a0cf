import type { EntityManager } from '@mikro-orm/postgresql';
import type { IecDirectory } from '../services/iec/iec-directory.js';
import { createIecActivities, createIdentityActivities } from './registration.js';
import { createBenchActivities } from './bench.js';
import type { IdentitySetupSource } from '../services/identity/identity-setup.js';
import { createApplicationActivities, type ApplicationActivityDeps } from './application.js';
import type { MailSettings } from '../services/notification/notify-application.js';
import type { CertificateRenderer } from '../services/certificate/application-certificate-renderer.js';
import { createSlackActivities } from './slack.js';
import { createMailIngestActivities } from './mail.js';
import { createHelpdeskActivities, type HelpdeskSettings } from './helpdesk.js';
import { createWalletActivities } from './wallet.js';

export interface ActivityDeps extends ApplicationActivityDeps {
  /** a fresh entity manager per call: each activity forks its own */
  em: () => EntityManager;
  iecDirectory: IecDirectory;
  /** trusted CAs, DSC options and the eSign provider (identity issue) */
  identity: IdentitySetupSource;
  mail: MailSettings;
  certificateRenderer?: CertificateRenderer | undefined;
  /** the mail ingester's and the helpdesk tickets' (issue 7) */
  helpdesk: HelpdeskSettings;
}

export function createActivities(deps: ActivityDeps) {
  return {
    ...createIecActivities(deps),
    ...createBenchActivities(),
    ...createIdentityActivities(deps),
    ...createApplicationActivities(deps),
    ...createSlackActivities(deps),
    ...createMailIngestActivities(deps),
    ...createHelpdeskActivities(deps),
    ...createWalletActivities(deps),
  };
}
export type Activities = ReturnType<typeof createActivities>;
