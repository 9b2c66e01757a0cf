/**
 * Contract of the application workflow: one durable workflow per CoO application, from signing to
 * certificate or rejection (seed 004's statuses). The API, the Slack bot and the mail ingester depend
 * only on this module; it imports no workflow code.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { FeeQuote } from '../../domain/fees/calculate-fee.js';
import type { FileStatus } from '../../domain/application/file-status.js';
export { TASK_QUEUE } from '../task-queues.js';

export const APPLICATION_WORKFLOW = 'cooApplication';
export const applicationWorkflowId = (applicationNumber: string): string => `coo-application/${applicationNumber}`;

export type { FileStatus } from '../../domain/application/file-status.js';

export type Channel = 'api' | 'slack' | 'email' | 'system';

/** Every wait is a duration in the input: days in production (lib/config.ts), seconds in tests. */
export interface ApplicationTimings {
  signatureWindow: Duration;
  paymentWindow: Duration;
  /** offsets from entering Pending Payment at which a reminder goes out, if still unpaid */
  paymentReminders: Duration[];
  /** while a gateway order is open, ask the gateway's status API this often (missed callbacks) */
  reconcileEvery: Duration;
  deficiencyWindow: Duration;
  deficiencyReminders: Duration[];
  /**
   * The officer's review (In-Process): offsets from the file's arrival at which the office's officers are
   * reminded, and the one at which the agency's administrators are told it is overdue. Absent in
   * histories recorded before these deadlines existed.
   */
  reviewReminders?: Duration[];
  reviewEscalation?: Duration;
  /** The approving officer's certificate signature (offices that sign with the officer's DSC): the same. */
  certificateSignatureReminders?: Duration[];
  certificateSignatureEscalation?: Duration;
  /**
   * A certificate held for want of a stamp or signature image (issue 12): how often to try again when no
   * upload signals it (default 1 hour).
   */
  issuanceRecheck?: Duration;
}

export interface ApplicationWorkflowInput {
  applicationId: string;
  applicationNumber: string;
  iec: string;
  exporterUserId: string;
  agreementCode: string;
  agencyCode: string;
  officeCode: string;
  timings: ApplicationTimings;
}

export interface SigningPayload {
  purpose: 'submission' | 'deficiency-edit' | 'clarification';
  round: number;
  sha256: string;
  /** the canonical bytes to sign, base64 */
  contentB64: string;
}

export interface Actor {
  id: string;
  name: string;
  channel: Channel;
}

export interface FeeSummary {
  totalPaise: number;
  lines: { description: string; amountPaise: number }[];
  supplyType: string;
  /** the whole GST breakdown (supplier and recipient GSTINs, SAC, rates) the tax invoice prints; absent in histories recorded before it was kept */
  quote?: FeeQuote;
}

export interface PaymentState {
  method: 'gateway' | 'ewallet';
  orderId: string;
  status: 'open' | 'paid' | 'failed';
  checkoutUrl?: string;
  gatewayTxnId?: string;
  failureReason?: string;
}

export interface DeficiencyRound {
  round: number;
  raisedAt: string;
  raisedBy: Actor;
  remarks: string;
  documentsRequested: string[];
  response?: {
    at: string;
    by: Actor;
    kind: 'edit' | 'clarification';
    clarification?: string;
    attachmentIds?: string[];
    sha256: string;
    /** how the response was signed (absent in histories recorded before it was kept) */
    signatureMethod?: SignatureMethod;
  };
}

export interface HistoryEntry {
  at: string;
  status: FileStatus;
  actor: Actor;
  note?: string;
  /** a signature moved the file (signed, a deficiency answered): how it was signed */
  signatureMethod?: SignatureMethod;
}

/** 'dsc': the registered DSC; 'esign': Aadhaar eSign; 'smime': a DSC-signed e-mail (a deficiency reply). */
export type SignatureMethod = 'dsc' | 'esign' | 'smime';

export interface ApplicationState {
  status: FileStatus;
  applicationNumber: string;
  fileNumber?: string;
  signing?: SigningPayload;
  signedHash?: string;
  fee?: FeeSummary;
  payment?: PaymentState;
  taxInvoiceNumber?: string;
  deficiencies: DeficiencyRound[];
  decision?: { kind: 'approve' | 'deficiency' | 'reject'; by: Actor; at: string };
  /** an approval: the attachments marked "Attest" the officer declined, with the remarks (the others are attested at issuance) */
  attestationDeclined?: AttestationDecline[];
  rejectionReason?: string;
  certificateNumber?: string;
  /** where the office's certificates are signed by the issuing officer's DSC: the certificate waiting for it */
  certificateSigning?: { certificateNumber: string; contentSha256: string; signer: Actor; requestedAt: string };
  /** approved, but the certificate cannot be drawn yet: why (the office's stamp or the officer's signature image is missing) and since when */
  issuanceHeld?: { reason: string; since: string };
  history: HistoryEntry[];
}

/**
 * What the officer's Slack message needs of the workflow's state (the rest comes from the read model),
 * handed to the refreshOfficerCard activity after each transition. `version` grows with every transition:
 * a message never goes back to an older version.
 */
export interface OfficerCardView {
  applicationId: string;
  version: number;
  status: FileStatus;
  deficiencies: DeficiencyRound[];
  decision?: ApplicationState['decision'];
  rejectionReason?: string;
  certificateNumber?: string;
}

/** A person the workflow is waiting on has let a deadline pass (officer review, certificate signature). */
export interface OfficerDeadline {
  applicationId: string;
  /** idempotency key of the notices */
  key: string;
  wait: 'review' | 'certificate-signature';
  step: 'reminder' | 'escalation';
  /** 1, 2, … for reminders; 1 for the escalation */
  number: number;
  /** ISO 8601: when the wait began */
  waitingSince: string;
  /** the certificate signature: the officer whose signature is awaited */
  officer?: Actor;
}

export interface SignatureInput {
  signerId: string;
  /**
   * 'dsc': a detached CMS from the exporter's registered DSC; 'esign': the signature an Aadhaar eSign
   * service provider returned (the API completes the eSign, then sends it here); 'smime': a deficiency reply
   * e-mail signed with the exporter's registered DSC (from the mail ingester)
   */
  method: SignatureMethod;
  /** detached CMS signature over SigningPayload.contentB64's bytes, base64; for 'smime' a reference `smime:<mail id>` */
  signatureB64: string;
  channel: Channel;
  /** method 'smime': the stored inbound mail whose S/MIME signature signs the response */
  smime?: { mailId: string };
}

export interface OfficerRef {
  officerId: string;
  name: string;
  officeCode: string;
  channel: Channel;
}

/** An attachment marked "Attest" that the approving officer does not attest, and why (the exporter reads it). */
export interface AttestationDecline {
  attachmentId: string;
  remark: string;
}

/** An approval: by default every attachment the exporter marked "Attest" is attested; the officer may decline some. */
export interface ApproveInput extends OfficerRef {
  declineAttestation?: AttestationDecline[];
}

export interface DeficiencyInput extends OfficerRef {
  remarks: string;
  documentsRequested: string[];
}

export interface RejectInput extends OfficerRef {
  reason: string;
}

export interface DeficiencyResponseInput extends SignatureInput {
  kind: 'edit' | 'clarification';
  clarification?: string;
  attachmentIds?: string[];
}

export interface PaymentCallback {
  orderId: string;
  status: 'SUCCESS' | 'FAILED';
  gatewayTxnId: string;
  amountPaise: number;
}

export const stateQuery = defineQuery<ApplicationState>('state');

/**
 * Answers once the submission's signing payload is ready (or the file has moved on): sent with the start
 * (Update-with-Start), so the API hands the exporter the bytes to sign without polling. Refused with
 * validation_failed when the application could not be prepared (it went back to its draft).
 */
export const signingPayloadUpdate = defineUpdate<ApplicationState, []>('signingPayload');

/** The exporter's signature over the current signing payload (submission, or a deficiency response). */
export const signUpdate = defineUpdate<{ sha256: string }, [SignatureInput]>('sign');
export const startPaymentUpdate = defineUpdate<PaymentState, [{ method: 'gateway' | 'ewallet'; actor: Actor }]>('startPayment');
/** Sent by the API when a stamp or signature image is uploaded: a file held for it is issued now. */
export const certificateImagesUpdatedSignal = defineSignal<[]>('certificateImagesUpdated');
/** Sent by the API after it has verified the gateway's checksum. Duplicates are harmless. */
export const paymentCallbackSignal = defineSignal<[PaymentCallback]>('paymentCallback');

/** The approving officer's DSC signature (detached CMS, base64) over the prepared certificate's bytes. */
export const signCertificateUpdate = defineUpdate<{ sha256: string }, [{ signerId: string; signatureB64: string; channel: Channel }]>('signCertificate');
export const approveUpdate = defineUpdate<ApplicationState, [ApproveInput]>('approve');
export const raiseDeficiencyUpdate = defineUpdate<ApplicationState, [DeficiencyInput]>('raiseDeficiency');
export const rejectUpdate = defineUpdate<ApplicationState, [RejectInput]>('reject');
/** Prepares the signing payload of a deficiency response (the exporter then signs it with signUpdate). */
export const prepareDeficiencyResponseUpdate = defineUpdate<
  SigningPayload,
  [{ kind: 'edit' | 'clarification'; clarification?: string; attachmentIds?: string[]; actor: Actor }]
>('prepareDeficiencyResponse');
