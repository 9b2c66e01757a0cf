/**
 * Aadhaar eSign of a file's signing payload (the application's submission, a deficiency or discrepancy
 * response, a request for a duplicate / in-lieu certificate): the rules deciding whether an eSign started
 * for a payload may complete now. Pure; the service (services/application/file-esign.ts) applies them.
 */
import { AppError, ErrorCode } from '../../lib/errors.js';

export interface FileEsignTransaction {
  transactionId: string;
  applicationId: string;
  userId: string;
  purpose: string;
  round: number;
  payloadSha256: string;
  status: 'started' | 'signed';
  expiresAt: Date;
}

export interface AwaitedPayload {
  purpose: string;
  round: number;
  sha256: string;
}

/** What the exporter reads when a file waits for no signature (the workflow's refusal, with what to do where there is something). */
export function nothingToSign(status: string, fileId?: string): AppError {
  const why =
    status === 'Pending Signature'
      ? 'its signature has been received and is being processed.'
      : status === 'Deficient'
        ? `prepare the deficiency response first (POST /v1/applications/${fileId ?? '{id}'}/deficiency-response), then sign what it returns.`
        : `the file is ${status}.`;
  return new AppError(ErrorCode.IllegalTransition, `Nothing is waiting for a signature: ${why}`);
}

/**
 * Whether an eSign transaction can sign what the file waits for now: it must be the caller's, for this file,
 * for the very payload awaited (a response prepared again, or an application edited, has other bytes), and,
 * until the provider has signed, not expired. A transaction the provider already signed may be sent again
 * (a retry after a lost answer).
 */
export function checkEsignCompletion(input: {
  txn: FileEsignTransaction | null;
  applicationId: string;
  userId: string;
  awaited: AwaitedPayload | undefined;
  status: string;
  now: Date;
  startPath: string;
}): FileEsignTransaction {
  const { txn } = input;
  if (!txn || txn.applicationId !== input.applicationId || txn.userId !== input.userId) {
    throw new AppError(ErrorCode.EsignTransactionInvalid, `No Aadhaar eSign of yours is under way for this file. Start it first: POST ${input.startPath} {"aadhaarId": "…"}.`, { status: 409 });
  }
  if (!input.awaited) throw nothingToSign(input.status, input.applicationId);
  if (txn.payloadSha256 !== input.awaited.sha256) {
    throw new AppError(
      ErrorCode.EsignTransactionInvalid,
      `This eSign was started for other content (${describePayload(txn)}, SHA-256 ${txn.payloadSha256.slice(0, 12)}…) than the file now waits for (${describePayload(input.awaited)}): start eSign again (POST ${input.startPath}).`,
      { status: 409 },
    );
  }
  if (txn.status === 'started' && input.now > txn.expiresAt) {
    throw new AppError(ErrorCode.EsignTransactionInvalid, `This eSign request expired at ${txn.expiresAt.toISOString()}. Start eSign again (POST ${input.startPath}).`, { status: 410 });
  }
  return txn;
}

/** "the submission", "the response to deficiency 2" — as the exporter knows the step. */
export function describePayload(p: { purpose: string; round: number }): string {
  switch (p.purpose) {
    case 'submission':
      return 'the submission';
    case 'deficiency-edit':
      return `the edited application answering deficiency ${p.round}`;
    case 'clarification':
      return `the clarification answering deficiency ${p.round}`;
    default:
      return p.purpose;
  }
}
