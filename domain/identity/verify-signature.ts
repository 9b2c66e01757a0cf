import { AppError, ErrorCode } from '../../lib/errors.js';
import { OID, type DigestName } from '../../lib/crypto/algorithms.js';
import { cmsDer, CmsError, verifyCms, type CmsAttribute } from '../../lib/crypto/cms.js';

export type SignedAttributeValue = CmsAttribute;

export interface VerifiedSignature {
  signerCertificatePem: string;
  signerFingerprintSha256: string;
  /** Every certificate embedded in the signature (signer first), usable as chain intermediates. */
  certificatePems: string[];
  digestAlgorithm: DigestName;
  /** The content's digest under `digestAlgorithm`, hex. */
  contentDigest: string;
  signingTime: string | null;
  signedAttributes: SignedAttributeValue[];
}

const NOT_CMS = 'The signature could not be read: a detached CMS/PKCS#7 signature (DER, base64 or PEM) is expected.';

/** What the signer is told for each refusal of the CMS verifier (lib/crypto/cms.ts). */
function message(e: CmsError): string {
  switch (e.code) {
    case 'content_mismatch':
      return 'The signature was made over different content than this document.';
    case 'signer_count':
      return 'The signature must have exactly one signer.';
    case 'unsupported_algorithm':
      return `The signature uses an algorithm this portal does not accept: ${e.detail}`;
    case 'signer_certificate_missing':
      return 'The signature does not contain the signer’s certificate. Sign again with the DSC token connected.';
    case 'message_digest_missing':
      return 'The signature has no message digest attribute.';
    case 'digest_mismatch':
      return 'The signature does not match this document: the document changed after it was signed, or a different document was signed.';
    case 'content_type_mismatch':
      return 'The signature’s content type attribute is missing or not "data".';
    case 'signature_invalid':
      return 'The signature is not valid: it was not made with the key of the certificate it carries, or it was altered.';
    default:
      return NOT_CMS;
  }
}

/**
 * Verifies a detached CMS SignedData over `content` with the one CMS verifier (lib/crypto/cms.ts) and its
 * algorithm policy: the messageDigest signed attribute equals the content's digest, the signature over the
 * signed attributes verifies with the embedded signer certificate, and contentType is id-data. Returns the
 * signer certificate; checking that certificate (verifyDsc) and that it is the acting user's registered DSC
 * is the caller's job.
 */
export function verifyDetachedSignature(input: { signature: Uint8Array | string; content: Uint8Array | string }): VerifiedSignature {
  const bytes = cmsDer(input.signature);
  if (bytes.length === 0) throw new AppError(ErrorCode.SignatureInvalid, NOT_CMS);
  const content = typeof input.content === 'string' ? Buffer.from(input.content, 'utf8') : Buffer.from(input.content);
  try {
    const v = verifyCms(bytes, { content, singleSigner: true });
    if (v.contentType !== OID.data) throw new CmsError('content_type_mismatch', `content type ${v.contentType}`);
    const s = v.signers[0]!;
    return {
      signerCertificatePem: s.certificate.pem,
      signerFingerprintSha256: s.certificate.fingerprintSha256,
      certificatePems: [s.certificate, ...v.certificates.filter((c) => c !== s.certificate)].map((c) => c.pem),
      digestAlgorithm: s.digestAlgorithm,
      contentDigest: s.contentDigest.toString('hex'),
      signingTime: s.signingTime?.toISOString() ?? null,
      signedAttributes: s.signedAttributes,
    };
  } catch (e) {
    if (e instanceof CmsError) throw new AppError(ErrorCode.SignatureInvalid, message(e), { details: { reason: e.detail, code: e.code }, cause: e });
    throw new AppError(ErrorCode.SignatureInvalid, NOT_CMS, { details: { reason: e instanceof Error ? e.message : String(e) }, cause: e });
  }
}

/** The signer must be the acting user's registered DSC (compared by SHA-256 fingerprint). */
export function assertSignerIsActingUser(signerFingerprintSha256: string, registeredFingerprintsSha256: string[]): void {
  const norm = (f: string) => f.replace(/:/g, '').toLowerCase();
  if (!registeredFingerprintsSha256.map(norm).includes(norm(signerFingerprintSha256))) {
    throw new AppError(
      ErrorCode.SignerNotActingUser,
      'This document was signed with a digital signature certificate that is not registered to you. Sign with your own registered DSC.',
      { status: 403, details: { signerFingerprintSha256: norm(signerFingerprintSha256) } },
    );
  }
}
