/**
 * The record of a verified signature: one signed_version row per workflow signing step (whatever the
 * method: a detached CMS or eSign through the API, an S/MIME-signed e-mail), and, for a signed
 * clarification, its files marked as submitted to the officer. A file uploaded for a deficiency response
 * (API or e-mail) stays `submitted = false` until a signed response carries it: an unsigned attempt, or a
 * reply superseded by a later signed one, is kept but never shown to officers.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { AttachmentRow, SignedVersion } from '../../db/entities/index.js';
import type { SigningPayload } from '../../workflows/application/contract.js';

export interface SignedVersionInput {
  applicationId: string;
  /** the workflow's signing step key: one row per step */
  stepKey: string;
  payload: SigningPayload;
  signatureB64: string;
  signerId: string;
  signerCertFingerprint: string | null;
  method: 'dsc' | 'esign' | 'smime';
  /** the verified signer's name (the DSC's CN, or the name Aadhaar eSign returned) */
  signerName?: string | null;
  esign?: { transactionId: string | null; aadhaarLast4: string | null } | null;
}

/** The ids of the files a signing payload carries (a clarification's `attachments`), none for an application. */
export function signedAttachmentIds(payload: SigningPayload): string[] {
  if (payload.purpose !== 'clarification') return [];
  const doc = JSON.parse(Buffer.from(payload.contentB64, 'base64').toString('utf8')) as { attachments?: { id?: unknown }[] };
  return (doc.attachments ?? []).map((a) => a.id).filter((id): id is string => typeof id === 'string');
}

/** Stores the signed version and marks the files it signs as submitted, in one transaction; idempotent by step key. */
export async function recordSignedVersion(em: EntityManager, v: SignedVersionInput): Promise<void> {
  const content = Buffer.from(v.payload.contentB64, 'base64').toString('utf8');
  const ids = signedAttachmentIds(v.payload);
  await em.fork().transactional(async (tx) => {
    await tx.execute(
      `insert into signed_version (application_id, step_key, purpose, round, sha256, content, signature_b64, signer_id, signer_cert_fingerprint, method, signer_name, esign_transaction_id, aadhaar_last4, signed_at)
       values (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, now()) on conflict (step_key) do nothing`,
      [
        v.applicationId,
        v.stepKey,
        v.payload.purpose,
        v.payload.round,
        v.payload.sha256,
        content,
        v.signatureB64,
        v.signerId,
        v.signerCertFingerprint,
        v.method,
        v.signerName ?? null,
        v.esign?.transactionId ?? null,
        v.esign?.aadhaarLast4 ?? null,
      ],
    );
    if (ids.length > 0) {
      await tx.nativeUpdate(AttachmentRow, { applicationId: v.applicationId, purpose: 'deficiency-response', id: { $in: ids } }, { submitted: true });
    }
  });
}

/** What a file's signatures show (GET /v1/applications/{id}, the officer's card): each signed version, oldest first, with how it was signed. */
export interface SignatureView {
  purpose: string;
  round: number;
  sha256: string;
  method: string;
  signer: { userId: string; name: string | null; aadhaarLast4: string | null };
  signedAt: string;
}

export async function signaturesOf(em: EntityManager, applicationId: string): Promise<SignatureView[]> {
  const rows = await em.find(SignedVersion, { applicationId }, { orderBy: { id: 'asc' }, fields: ['purpose', 'round', 'sha256', 'method', 'signerId', 'signerName', 'aadhaarLast4', 'signedAt'] });
  return rows.map((r) => ({
    purpose: r.purpose,
    round: r.round,
    sha256: r.sha256,
    method: r.method,
    signer: { userId: r.signerId, name: r.signerName ?? null, aadhaarLast4: r.aadhaarLast4 ?? null },
    signedAt: r.signedAt.toISOString(),
  }));
}
