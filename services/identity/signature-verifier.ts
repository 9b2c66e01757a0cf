import type { EntityManager } from '@mikro-orm/postgresql';
import type { IdentitySetupSource } from './identity-setup.js';
import { verifySignedSubmission } from './verify-signed-submission.js';
import type { SignatureVerifier } from '../application/deps.js';

/**
 * The application workflow's signatures go through the identity module's single check: the acting
 * user's registered DSC (or Aadhaar eSign), every DSC rule, the user not frozen, the name threshold.
 */
export function identitySignatureVerifier(deps: { em: () => EntityManager; identity: IdentitySetupSource }): SignatureVerifier {
  return {
    async verify(req) {
      const verdict = await verifySignedSubmission({
        em: deps.em(),
        identity: await deps.identity(),
        userId: req.signerId,
        iec: req.iec,
        contentBytes: req.content,
        signatureB64: req.signatureB64,
        now: req.now,
        context: 'application signature',
        channel: 'workflow',
      });
      return { fingerprint: verdict.signerFingerprintSha256, signerName: verdict.signerName, method: verdict.method, esign: verdict.esign };
    },
  };
}
