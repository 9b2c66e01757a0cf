/**
 * Aadhaar eSign behind the same signing interface as a DSC: the result is a detached CMS signature over
 * the same canonical bytes, verified with `verifyESignSignature` (domain/identity/verify-esign.ts),
 * which yields the signer's name for the identity-matching rule.
 *
 * The flow mirrors an eSign service provider (ESP): the portal starts a request for a document hash and
 * an Aadhaar-linked person and sends the signer to the ESP's page; the signer authenticates with the OTP
 * sent to the Aadhaar-linked mobile; the ESP returns the signature.
 */
import { AppError, ErrorCode } from '../../lib/errors.js';

export interface ESignStartRequest {
  /** SHA-256 (hex) of the exact bytes to sign; the ESP never sees the document itself. */
  documentSha256: string;
  /** The signer's Aadhaar number (12 digits) or Virtual ID (16 digits). */
  aadhaarId: string;
  /** Shown to the signer on the ESP's consent page, e.g. "CoO application DRAFTCOOAPPLY00229268AM25". */
  documentInfo: string;
  /** Where the ESP sends the signer back after authentication. */
  returnUrl?: string;
}

export interface ESignStartResult {
  transactionId: string;
  /** The ESP page where the signer consents and enters the OTP. */
  redirectUrl: string;
  expiresAt: string;
  /** Masked mobile the OTP went to, e.g. "XXXXXX4321", when the ESP says. */
  otpSentTo?: string;
}

export interface ESignCompleteRequest {
  transactionId: string;
  otp: string;
}

export interface ESignCompleteResult {
  transactionId: string;
  /** Detached CMS SignedData, DER in base64. */
  signatureBase64: string;
  /** The signer's name as recorded with Aadhaar (also inside the signature). */
  signerName: string;
  aadhaarLast4: string;
  signedAt: string;
}

export interface ESignProvider {
  readonly name: string;
  startSigning(request: ESignStartRequest): Promise<ESignStartResult>;
  completeSigning(request: ESignCompleteRequest): Promise<ESignCompleteResult>;
}

/** The configured eSign service provider, or the refusal every eSign operation gives without one. */
export function requireESignProvider(identity: { esign: ESignProvider | null }): ESignProvider {
  if (!identity.esign) {
    throw new AppError(ErrorCode.DependencyUnavailable, 'Aadhaar eSign is not available on this portal (no eSign service provider is configured). Sign with your DSC.');
  }
  return identity.esign;
}
