/** What this system adds to the CMS signatures of lib/crypto/cms.ts: the eSign attributes. */
import * as asn1js from 'asn1js';

/**
 * Signed attributes this system adds to Aadhaar eSign signatures (the signer's name as verified by the
 * eSign service provider, and the transaction). The arc is a UUID-derived OID (2.25.<uuid>, ITU-T X.667),
 * which needs no registration and collides with nobody.
 */
export const ESIGN_ATTR_ARC = '2.25.136686990884900690832124779395394929201';
export const ESIGN_ATTR = {
  signerName: `${ESIGN_ATTR_ARC}.1`,
  transactionId: `${ESIGN_ATTR_ARC}.2`,
  aadhaarLast4: `${ESIGN_ATTR_ARC}.3`,
} as const;

/** The DER of a UTF8String attribute value. */
export function utf8Value(text: string): Uint8Array {
  return new Uint8Array(new asn1js.Utf8String({ value: text }).toBER());
}
