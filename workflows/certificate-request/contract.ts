/**
 * Contract of the certificate-request workflow: one durable workflow per request for a duplicate or a
 * certificate in lieu of an issued one (issue 11; seed 001 "Duplicate/In-lieu Certificate for CoO").
 *
 * A request is a file like an application: the exporter signs it, pays the fee of the request's kind,
 * the office that issued the original reviews it (approve, a discrepancy the exporter answers, reject) and
 * the new certificate is issued with a number derived from the original's. So its workflow speaks the
 * file's messages (the application contract's Updates, Signal and Query, re-exported here): the API, the
 * officers' Slack bot and the mail ingester address a request exactly as an application, through
 * {@link fileWorkflowOf}. Imports no workflow code.
 */
import type { RequestKind } from '../../domain/certificate/life.js';
import type { FileKind } from '../../domain/application/file-status.js';
import { APPLICATION_WORKFLOW, applicationWorkflowId, type ApplicationState, type ApplicationWorkflowInput } from '../application/contract.js';
export { TASK_QUEUE } from '../task-queues.js';
export {
  stateQuery,
  signingPayloadUpdate,
  signUpdate,
  startPaymentUpdate,
  paymentCallbackSignal,
  signCertificateUpdate,
  approveUpdate,
  raiseDeficiencyUpdate,
  rejectUpdate,
  prepareDeficiencyResponseUpdate,
  certificateImagesUpdatedSignal,
} from '../application/contract.js';

export const CERTIFICATE_REQUEST_WORKFLOW = 'cooCertificateRequest';
export const certificateRequestWorkflowId = (requestNumber: string): string => `coo-certificate-request/${requestNumber}`;

export interface CertificateRequestWorkflowInput extends ApplicationWorkflowInput {
  kind: RequestKind;
  /** the issued certificate the request is made against */
  originalCertificateNumber: string;
}

/** The request's live state: the file's (status, fee, payment, discrepancy rounds, decision, the new certificate's number). */
export type CertificateRequestState = ApplicationState;

/** The workflow of a file: its type and ID, an application's or a request's. */
export function fileWorkflowOf(file: { kind: FileKind; number: string }): { workflowType: string; workflowId: string } {
  return file.kind === 'application'
    ? { workflowType: APPLICATION_WORKFLOW, workflowId: applicationWorkflowId(file.number) }
    : { workflowType: CERTIFICATE_REQUEST_WORKFLOW, workflowId: certificateRequestWorkflowId(file.number) };
}
