import type { HelpdeskActivityDeps } from '../services/helpdesk/deps.js';
import { acceptSmimeSignedResponse } from '../services/mail/accept-smime.js';
import { createDeficiencyReplyService } from '../services/mail/deficiency-reply.js';
import { examineInboundMail } from '../services/mail/examine-inbound-mail.js';
import { loadStoredMail } from '../services/mail/stored-mail.js';
import { createUnreadableMailService } from '../services/mail/unreadable-mail.js';
import type { SigningPayload } from '../workflows/application/contract.js';
import { asActivities } from './failure.js';

export type { MailRoute } from '../services/mail/examine-inbound-mail.js';

/** The activities of processInboundMail (workflows/helpdesk-ticket), and the S/MIME signature check the application workflow uses. */
export function createMailIngestActivities(deps: HelpdeskActivityDeps) {
  const deficiency = createDeficiencyReplyService(deps);
  const unreadable = createUnreadableMailService(deps);
  return asActivities({
    examineInboundMail: (input: { mailId: string }) => examineInboundMail(deps, input),
    handleDeficiencyReply: deficiency.handleDeficiencyReply,
    answerUnreadableMail: unreadable.answerUnreadableMail,
    completeInboundMail: unreadable.completeInboundMail,

    /**
     * For the application workflow's signUpdate with `method: 'smime'`: the S/MIME-signed reply stored as
     * inbound mail `mailId` is the exporter's signature over `payload` (a clarification). Business
     * refusals are non-retryable failures typed with the error code (signature_invalid, dsc_expired…).
     */
    async acceptSmimeSignedResponse(input: { applicationId: string; iec: string; stepKey: string; payload: SigningPayload; signerId: string; mailId: string }) {
      const em = deps.em();
      const stored = await loadStoredMail(em, input.mailId);
      return acceptSmimeSignedResponse(em, await deps.identity(), { ...input, raw: stored.raw });
    },
  });
}
