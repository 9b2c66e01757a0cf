import type { EntityManager } from '@mikro-orm/postgresql';
import { createExporterAccount, type ExporterAccountSummary, type ExporterRegistrationInput } from '../identity/exporter-accounts.js';
import type { IdentitySetupSource } from '../identity/identity-setup.js';
import { recordSignedDocument, verifySignedSubmission } from '../identity/verify-signed-submission.js';

export interface IdentityServiceDeps {
  em: () => EntityManager;
  identity: IdentitySetupSource;
}

export interface VerifySignatureActivityInput {
  userId: string;
  /** the exporter user's IEC; null for officers */
  iec: string | null;
  /** the exact bytes the signer was given, base64 */
  contentBase64: string;
  signatureBase64: string;
  /** what was signed, e.g. 'application', and its number */
  purpose: string;
  reference?: string | null;
  /** idempotency: e.g. `application/<number>/submission/<n>`; a retry returns the stored document */
  signingKey: string;
}

export interface VerifySignatureActivityResult {
  signedDocumentId: string;
  method: 'dsc' | 'esign';
  signerName: string;
  signerFingerprintSha256: string;
  contentSha256: string;
  signingTime: string | null;
}

export function createIdentityService(deps: IdentityServiceDeps) {
  return {
    /** Creates an exporter's account and master user from the local IEC master copy (idempotent). */
    async createExporterAccount(input: ExporterRegistrationInput): Promise<ExporterAccountSummary> {
      return createExporterAccount(deps.em(), input);
    },

    /**
     * For the application workflow: verifies a user's signature (DSC or Aadhaar eSign) over the bytes it was
     * given, with every rule of verifySignedSubmission, and stores the signed document once per signingKey.
     */
    async verifyAndStoreSignedSubmission(input: VerifySignatureActivityInput): Promise<VerifySignatureActivityResult> {
      const em = deps.em();
      const identity = await deps.identity();
      const contentBytes = Buffer.from(input.contentBase64, 'base64');
      const verdict = await verifySignedSubmission({
        em,
        identity,
        userId: input.userId,
        iec: input.iec,
        contentBytes,
        signatureB64: input.signatureBase64,
        context: `${input.purpose}${input.reference ? ` ${input.reference}` : ''}`,
        channel: 'workflow',
      });
      const { document } = await recordSignedDocument(em, {
        verdict,
        contentBytes,
        signatureB64: input.signatureBase64,
        purpose: input.purpose,
        reference: input.reference ?? null,
        signingKey: input.signingKey,
        channel: 'workflow',
      });
      return {
        signedDocumentId: document.id,
        method: verdict.method,
        signerName: verdict.signerName,
        signerFingerprintSha256: verdict.signerFingerprintSha256,
        contentSha256: verdict.contentSha256,
        signingTime: verdict.signingTime,
      };
    },
  };
}
