/**
 * Aadhaar eSign of what a file waits to have signed — the application's submission, a deficiency
 * response (edit or clarification), a request for a duplicate / in-lieu certificate and its discrepancy
 * answers — as the second method of the same signature (seed 002 II, seed 004 "Register for Aadhaar E-sign").
 *
 * The flow of an eSign service provider (ESP): `startFileESign` sends the payload's SHA-256 and the
 * signer's Aadhaar number to the ESP, which sends an OTP to the Aadhaar-linked mobile (the document never
 * leaves the portal); `completeFileESign` hands the ESP the OTP and receives its detached CMS signature,
 * which carries the signer's Aadhaar name. That signature then goes to the file's workflow exactly as a DSC
 * signature does (signUpdate, method `esign`), where the same check verifies it (an accepted ESP, its chain,
 * the content) and applies the identity-matching threshold to the Aadhaar name, with the same explanation
 * and freeze as for a DSC's name.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { FileEsignRow } from '../../db/entities/index.js';
import { checkEsignCompletion, describePayload, nothingToSign } from '../../domain/application/file-esign.js';
import { requestKindLabel } from '../../domain/certificate/life.js';
import type { FileKind } from '../../domain/application/file-status.js';
import type { SigningPayload } from '../../workflows/application/contract.js';
import { requireESignProvider } from '../identity/esign.js';
import { assertNotFrozen } from '../identity/freeze.js';
import type { IdentitySetup } from '../identity/identity-setup.js';

export interface FileRef {
  id: string;
  number: string;
  kind: FileKind;
}

/** Where an exporter starts eSign for a file (named in refusals). */
export const fileEsignStartPath = (file: FileRef) => `/v1/applications/${file.id}/esign`;

function documentInfo(file: FileRef, payload: SigningPayload): string {
  const what = file.kind === 'application' ? 'CoO application' : `request for a ${requestKindLabel(file.kind)}`;
  return `Certificate of Origin portal: ${what} ${file.number}, ${describePayload(payload)}`;
}

export interface StartFileEsignInput {
  file: FileRef;
  userId: string;
  /** the file's live status and what it waits to have signed (the workflow's state) */
  status: string;
  awaited: SigningPayload | undefined;
  aadhaarId: string;
}

export async function startFileESign(em: EntityManager, identity: IdentitySetup, input: StartFileEsignInput) {
  if (!input.awaited) throw nothingToSign(input.status, input.file.id);
  // a frozen account is told so before an OTP goes out
  await assertNotFrozen(em, input.userId, identity.helpdeskAddress);
  const provider = requireESignProvider(identity);
  const payload = input.awaited;
  const started = await provider.startSigning({ documentSha256: payload.sha256, aadhaarId: input.aadhaarId, documentInfo: documentInfo(input.file, payload) });
  em.create(FileEsignRow, {
    transactionId: started.transactionId,
    provider: provider.name,
    applicationId: input.file.id,
    userId: input.userId,
    purpose: payload.purpose,
    round: payload.round,
    payloadSha256: payload.sha256,
    status: 'started',
    expiresAt: new Date(started.expiresAt),
    signatureB64: null,
    signerName: null,
    aadhaarLast4: null,
    completedAt: null,
  });
  await em.flush();
  return {
    provider: provider.name,
    transactionId: started.transactionId,
    redirectUrl: started.redirectUrl,
    expiresAt: started.expiresAt,
    ...(started.otpSentTo ? { otpSentTo: started.otpSentTo } : {}),
    signing: { purpose: payload.purpose, round: payload.round, sha256: payload.sha256 },
  };
}

export interface CompleteFileEsignInput {
  file: FileRef;
  userId: string;
  status: string;
  awaited: SigningPayload | undefined;
  /** the transaction to complete; the caller's latest for this file when absent */
  transactionId?: string | undefined;
  otp: string;
  now?: Date;
}

/**
 * Completes the eSign with the OTP and returns the provider's signature for the workflow; a transaction the
 * provider already signed returns the kept signature (no second OTP), so a retry is safe.
 */
export async function completeFileESign(em: EntityManager, identity: IdentitySetup, input: CompleteFileEsignInput): Promise<{ transactionId: string; signatureB64: string }> {
  const row = input.transactionId
    ? await em.findOne(FileEsignRow, { transactionId: input.transactionId })
    : await em.findOne(FileEsignRow, { applicationId: input.file.id, userId: input.userId }, { orderBy: { startedAt: 'desc' } });
  const txn = checkEsignCompletion({
    txn: row,
    applicationId: input.file.id,
    userId: input.userId,
    awaited: input.awaited,
    status: input.status,
    now: input.now ?? new Date(),
    startPath: fileEsignStartPath(input.file),
  });
  if (row!.status === 'signed' && row!.signatureB64) return { transactionId: txn.transactionId, signatureB64: row!.signatureB64 };
  await assertNotFrozen(em, input.userId, identity.helpdeskAddress);
  const completed = await requireESignProvider(identity).completeSigning({ transactionId: txn.transactionId, otp: input.otp });
  row!.status = 'signed';
  row!.signatureB64 = completed.signatureBase64;
  row!.signerName = completed.signerName;
  row!.aadhaarLast4 = completed.aadhaarLast4;
  row!.completedAt = new Date(completed.signedAt);
  await em.flush();
  return { transactionId: txn.transactionId, signatureB64: completed.signatureBase64 };
}
