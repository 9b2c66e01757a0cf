/**
 * How a person signed something the system handed out (seed 002 II: "In addition to the digital signature
 * token, Aadhaar-based e-signing would be available"): the registered DSC, Aadhaar eSign, or a DSC-signed
 * e-mail (S/MIME, a deficiency reply). What the signature itself proves decides the method that is recorded;
 * the method a caller names must agree with it.
 */
import { AppError, ErrorCode } from '../../lib/errors.js';

export const SIGNATURE_METHODS = ['dsc', 'esign', 'smime'] as const;
export type SignatureMethod = (typeof SIGNATURE_METHODS)[number];

/** How the method reads for a person (history, the officer's card, e-mails). */
export function signatureMethodLabel(method: string): string {
  switch (method) {
    case 'dsc':
      return 'digital signature certificate (DSC)';
    case 'esign':
      return 'Aadhaar eSign';
    case 'smime':
      return 'DSC-signed e-mail';
    default:
      return method;
  }
}

/** Short form for narrow places (Slack fields). */
export function signatureMethodShort(method: string): string {
  return method === 'dsc' ? 'DSC' : method === 'esign' ? 'Aadhaar eSign' : method === 'smime' ? 'DSC (signed e-mail)' : method;
}

/**
 * The method the caller named against the one the signature proves: a DSC signature sent as eSign, or an
 * eSign provider's signature sent as a DSC, is refused with what to send instead.
 */
export function assertSignatureMethod(declared: 'dsc' | 'esign', verified: 'dsc' | 'esign'): void {
  if (declared === verified) return;
  throw new AppError(
    ErrorCode.ValidationFailed,
    verified === 'esign'
      ? 'This signature was made by an Aadhaar eSign service provider, not with a DSC: send it with "method": "esign".'
      : 'This signature was made with a digital signature certificate (DSC), not by Aadhaar eSign: send it with "method": "dsc".',
    { problems: [{ path: 'method', message: `the signature is ${verified === 'esign' ? 'an Aadhaar eSign' : 'a DSC'} signature` }] },
  );
}
