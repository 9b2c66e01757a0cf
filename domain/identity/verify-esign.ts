import { AppError, ErrorCode } from '../../lib/errors.js';
import { attributeText, oidKey } from '../../lib/crypto/cms.js';
import { ESIGN_ATTR } from './cms.js';
import { verifyDsc, type DscFacts } from './verify-dsc.js';
import { verifyDetachedSignature, type VerifiedSignature } from './verify-signature.js';

export interface VerifyESignInput {
  signature: Uint8Array | string;
  content: Uint8Array | string;
  trustedCaPems: string[];
  /** SHA-256 fingerprints of the eSign service providers' signing certificates accepted by this portal. */
  espFingerprintsSha256: string[];
  now?: Date;
}

export interface VerifiedESign {
  /** The signer's name as the ESP verified it against Aadhaar: input to the identity-matching rule. */
  signerName: string;
  aadhaarLast4: string | null;
  transactionId: string | null;
  signature: VerifiedSignature;
  esp: DscFacts;
}

function attrString(v: VerifiedSignature, oid: string): string | null {
  return attributeText(v.signedAttributes.find((a) => a.oid === oidKey(oid))?.values[0]);
}

/**
 * Verifies an Aadhaar eSign signature: a valid detached CMS over the content, made by an accepted eSign
 * service provider's certificate (chain, validity, key usage checked like a DSC, without IEC), carrying
 * the signer's name as a signed attribute.
 */
export function verifyESignSignature(input: VerifyESignInput): VerifiedESign {
  const signature = verifyDetachedSignature({ signature: input.signature, content: input.content });
  const esp = verifyDsc({
    certificate: signature.signerCertificatePem,
    trustedCaPems: input.trustedCaPems,
    intermediatePems: signature.certificatePems.slice(1),
    expectedIec: null,
    ...(input.now ? { now: input.now } : {}),
  });
  const accepted = input.espFingerprintsSha256.map((f) => f.replace(/:/g, '').toLowerCase());
  if (!accepted.includes(esp.fingerprintSha256)) {
    throw new AppError(ErrorCode.SignatureInvalid, 'This signature was not made by an accepted Aadhaar eSign service provider.', {
      details: { signer: esp.subjectCommonName, fingerprintSha256: esp.fingerprintSha256 },
    });
  }
  const signerName = attrString(signature, ESIGN_ATTR.signerName);
  if (!signerName) {
    throw new AppError(ErrorCode.SignatureInvalid, 'The eSign signature does not state the signer’s name.', { details: { reason: 'signer name attribute missing' } });
  }
  return {
    signerName,
    aadhaarLast4: attrString(signature, ESIGN_ATTR.aadhaarLast4),
    transactionId: attrString(signature, ESIGN_ATTR.transactionId),
    signature,
    esp,
  };
}
