import { log } from '@temporalio/activity';
import type { ApplicationServiceDeps } from '../services/application/deps.js';
import { createSigningService } from '../services/application/signing.js';
import { createTransitionService } from '../services/application/transitions.js';
import type { CertificateRenderer } from '../services/certificate/application-certificate-renderer.js';
import { createIssueDocumentService } from '../services/certificate/issue-document.js';
import { createAttestationService } from '../services/certificate/attested-documents.js';
import type { IdentitySetupSource } from '../services/identity/identity-setup.js';
import { createApplicationNotificationService, type MailSettings } from '../services/notification/notify-application.js';
import { createPaymentService } from '../services/payment/application-payment.js';
import { createOfficerDeadlineService } from '../services/notification/officer-deadline.js';
import type { SlackActivityDeps } from '../services/slack/deps.js';
import { asActivities } from './failure.js';

export interface ApplicationActivityDeps extends ApplicationServiceDeps {
  identity: IdentitySetupSource;
  mail: MailSettings;
  certificateRenderer?: CertificateRenderer | undefined;
  /** officers in Slack; unset when Slack is not configured */
  slack?: SlackActivityDeps | undefined;
}

/** The activities of the application workflow (workflows/application), each over its service. */
export function createApplicationActivities(deps: ApplicationActivityDeps) {
  const transitions = createTransitionService(deps);
  const signing = createSigningService(deps);
  const payment = createPaymentService(deps);
  const documents = createIssueDocumentService(deps);
  const attestation = createAttestationService(deps);
  const notifications = createApplicationNotificationService(deps);
  const deadlines = createOfficerDeadlineService(deps);
  return asActivities({
    // the read model, the audit trail and the numbers (services/application/transitions.ts)
    recordTransition: transitions.recordTransition,
    assignFileNumber: transitions.assignFileNumber,
    createCertificateRecord: transitions.createCertificateRecord,
    // what the exporter signs, and the check of the signature (services/application/signing.ts)
    prepareSigningPayload: signing.prepareSigningPayload,
    verifyAndRecordSignature: signing.verifyAndRecordSignature,
    // fee, payment and tax invoice (services/payment/application-payment.ts)
    quoteFee: payment.quoteFee,
    createGatewayOrder: payment.createGatewayOrder,
    getGatewayOrderStatus: payment.getGatewayOrderStatus,
    debitWallet: payment.debitWallet,
    recordGatewayOutcome: payment.recordGatewayOutcome,
    async issueTaxInvoice(input: Parameters<typeof payment.issueTaxInvoice>[0]) {
      const invoice = await payment.issueTaxInvoice(input);
      if (invoice.noPdfReason) log.warn('tax invoice without a PDF', { number: invoice.number, reason: invoice.noPdfReason });
      return invoice;
    },
    // the certificate's PDF (services/certificate/issue-document.ts)
    issueCertificateDocument: documents.issueCertificateDocument,
    prepareCertificateSigning: documents.prepareCertificateSigning,
    signCertificateAsOfficer: documents.signCertificateAsOfficer,
    // attested copies of the attachments marked "Attest" (services/certificate/attested-documents.ts)
    issueAttestedDocuments: attestation.issueAttestedDocuments,
    // e-mail and SMS of each event (services/notification/notify-application.ts)
    notifyApplicationEvent: notifications.notifyApplicationEvent,
    // reminders and escalation of a wait on an officer (services/notification/officer-deadline.ts)
    notifyOfficerDeadline: deadlines.notifyOfficerDeadline,
  });
}
