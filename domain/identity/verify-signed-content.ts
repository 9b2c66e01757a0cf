import { verifyDsc, type DscFacts, type VerifyDscOptions } from './verify-dsc.js';
import { assertSignerIsActingUser, verifyDetachedSignature, type VerifiedSignature } from './verify-signature.js';

export interface VerifySignedContentInput {
  signature: Uint8Array | string;
  /** The canonical bytes the server handed out. */
  content: Uint8Array | string;
  trustedCaPems: string[];
  /** The acting user's IEC (exporters), or null for officers. */
  expectedIec: string | null;
  /** Fingerprints (SHA-256) of the DSCs registered to the acting user. */
  registeredFingerprintsSha256: string[];
  now?: Date;
  options?: VerifyDscOptions;
}

export interface VerifiedSignedContent {
  signature: VerifiedSignature;
  dsc: DscFacts;
}

/**
 * The whole server-side check of a DSC signature: the CMS signature over the bytes, every DSC rule on
 * the signer's certificate (chain, validity at `now`, key usage, class, IEC), and that the signer is
 * the acting user's registered DSC.
 */
export function verifySignedContent(input: VerifySignedContentInput): VerifiedSignedContent {
  const signature = verifyDetachedSignature({ signature: input.signature, content: input.content });
  const dsc = verifyDsc({
    certificate: signature.signerCertificatePem,
    trustedCaPems: input.trustedCaPems,
    intermediatePems: signature.certificatePems.slice(1),
    expectedIec: input.expectedIec,
    ...(input.now ? { now: input.now } : {}),
    ...(input.options ? { options: input.options } : {}),
  });
  assertSignerIsActingUser(dsc.fingerprintSha256, input.registeredFingerprintsSha256);
  return { signature, dsc };
}
