/** OIDs and small helpers shared by the CMS (RFC 5652) signer and verifier. */

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  sha1: '1.3.14.3.2.26',
} as const;

export type DigestName = 'sha256' | 'sha384' | 'sha512';

export const DIGESTS: Record<string, DigestName> = {
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
};

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

/** Accepts DER bytes, base64 text, or PEM (PKCS7 / CMS armour). */
export function signatureDer(input: Uint8Array | string): Buffer {
  if (typeof input !== 'string') return Buffer.from(input);
  const m = /-----BEGIN (?:PKCS7|CMS|SIGNATURE)-----([\s\S]*?)-----END (?:PKCS7|CMS|SIGNATURE)-----/.exec(input);
  const b64 = (m ? m[1]! : input).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) && !/^[A-Za-z0-9_-]+$/.test(b64)) return Buffer.alloc(0);
  return Buffer.from(b64, /[-_]/.test(b64) ? 'base64url' : 'base64');
}
