import { asFailure } from '../application/failures.js';
import type { SigningPayload } from '../../workflows/application/contract.js';
import type { HelpdeskActivityDeps } from '../../services/helpdesk/deps.js';
import { acceptSmimeSignedResponse } from '../../services/mail/accept-smime.js';
import { createDeficiencyReplyActivities, type DeficiencyReplyInput, type DeficiencyReplyResult } from './deficiency-reply.js';
import { examineInboundMail, type MailRoute } from '../../services/mail/examine-inbound-mail.js';
import { loadStoredMail } from '../../services/mail/stored-mail.js';
import { createUnreadableMailActivities } from './unreadable-mail.js';

export type { MailRoute };

/** The activities of processInboundMail (workflows/helpdesk-ticket), and the S/MIME signature check the application workflow uses. */
export function createMailIngestActivities(deps: HelpdeskActivityDeps) {
  const deficiency = createDeficiencyReplyActivities(deps);
  return {
    async examineInboundMail(input: { mailId: string }): Promise<MailRoute> {
      return asFailure(() => examineInboundMail(deps, input));
    },
    async handleDeficiencyReply(input: DeficiencyReplyInput): Promise<DeficiencyReplyResult> {
      return asFailure(() => deficiency.handleDeficiencyReply(input));
    },
    ...createUnreadableMailActivities(deps),

    /**
     * For the application workflow's signUpdate with `method: 'smime'`: the S/MIME-signed reply stored as
     * inbound mail `mailId` is the exporter's signature over `payload` (a clarification). Verifies every
     * DSC rule, the registered DSC of `signerId`, the name threshold, and that the signed e-mail carries
     * exactly the payload's text and files; stores the signed version once per `stepKey`. Business
     * refusals are non-retryable failures typed with the error code (signature_invalid, dsc_expired…).
     */
    async acceptSmimeSignedResponse(input: { applicationId: string; iec: string; stepKey: string; payload: SigningPayload; signerId: string; mailId: string }) {
      return asFailure(async () => {
        const em = deps.em();
        const stored = await loadStoredMail(em, input.mailId);
        return acceptSmimeSignedResponse(em, await deps.identity(), { ...input, raw: stored.raw });
      });
    },
  };
}
