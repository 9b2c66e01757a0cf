import { upsertSearchAttributes } from '@temporalio/workflow';
import { SA } from '../search-attributes.js';
import { fileLifecycle } from '../application/workflow.js';
import type { CertificateRequestState, CertificateRequestWorkflowInput } from './contract.js';

/**
 * A request for a duplicate or a certificate in lieu: the file's lifecycle (workflows/application/
 * workflow.ts): signature, fee of the request's kind and payment with reminders and expiry, review by
 * the office that issued the original with discrepancy rounds answered through the API or by e-mail,
 * then the new certificate. What differs lives behind the activities, which read the file's kind: the fee
 * schedule's duplicate line, the derived number (`<original>/00000001`), the DUPLICATE or IN LIEU mark,
 * the original superseded in the same transaction as the new record, the words of the notices.
 */
export async function cooCertificateRequest(input: CertificateRequestWorkflowInput): Promise<CertificateRequestState> {
  upsertSearchAttributes([
    { key: SA.requestKind, value: input.kind },
    { key: SA.originalCertificateNumber, value: input.originalCertificateNumber },
  ]);
  return fileLifecycle(input);
}
