/**
 * The one algorithm policy for every signature this system checks: DSC signatures on signing payloads,
 * S/MIME mail, the certificate PDF's CMS, and the signatures on certificates, CRLs and OCSP answers.
 *
 * Accepted: RSA PKCS#1 v1.5, RSA-PSS and ECDSA, each with SHA-256, SHA-384 or SHA-512.
 * Refused, with the reason: SHA-1 and MD5 (collisions are practical), and anything not named above.
 */
import { constants } from 'node:crypto';

export type DigestName = 'sha256' | 'sha384' | 'sha512';

export const OID = {
  // CMS content types and attributes (RFC 5652, RFC 5035)
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  authEnvelopedData: '1.2.840.113549.1.9.16.1.23',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  // digests
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  // signature algorithms
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
} as const;

const DIGEST_OIDS: Record<string, DigestName> = { [OID.sha256]: 'sha256', [OID.sha384]: 'sha384', [OID.sha512]: 'sha512' };

/** Broken algorithms, named so that a refusal can say what was used and why it is refused. */
const WEAK: Record<string, string> = {
  '1.3.14.3.2.26': 'SHA-1',
  '1.2.840.113549.2.5': 'MD5',
  '1.2.840.113549.2.2': 'MD2',
  '1.2.840.113549.1.1.2': 'MD2',
  '1.2.840.113549.1.1.4': 'MD5',
  '1.2.840.113549.1.1.5': 'SHA-1',
  '1.3.14.3.2.29': 'SHA-1',
  '1.2.840.10045.4.1': 'SHA-1',
  '1.2.840.10040.4.3': 'SHA-1',
};

const SIGNATURES: Record<string, { key: 'rsa' | 'rsa-pss' | 'ec'; digest: DigestName | null }> = {
  // rsaEncryption and id-ecPublicKey name only the key: the SignerInfo's digest algorithm is the hash
  [OID.rsaEncryption]: { key: 'rsa', digest: null },
  [OID.ecPublicKey]: { key: 'ec', digest: null },
  [OID.sha256WithRsa]: { key: 'rsa', digest: 'sha256' },
  [OID.sha384WithRsa]: { key: 'rsa', digest: 'sha384' },
  [OID.sha512WithRsa]: { key: 'rsa', digest: 'sha512' },
  [OID.ecdsaWithSha256]: { key: 'ec', digest: 'sha256' },
  [OID.ecdsaWithSha384]: { key: 'ec', digest: 'sha384' },
  [OID.ecdsaWithSha512]: { key: 'ec', digest: 'sha512' },
  [OID.rsassaPss]: { key: 'rsa-pss', digest: null },
};

/** A refusal by the policy: `reason` says which algorithm and why, in words fit for the signer. */
export class AlgorithmRefused extends Error {
  constructor(
    readonly algorithm: string,
    readonly reason: string,
    /** the broken algorithm's name (SHA-1, MD5, MD2), null for one that is merely not accepted */
    readonly weak: string | null = null,
  ) {
    super(reason);
    this.name = 'AlgorithmRefused';
  }
}

const ACCEPTED = 'RSA (PKCS#1 v1.5 or PSS) or ECDSA with SHA-256, SHA-384 or SHA-512';

function refuse(oid: string, what: 'digest' | 'signature'): never {
  const weak = WEAK[oid];
  if (weak) throw new AlgorithmRefused(oid, `${weak} is no longer accepted for signatures (it is broken); sign with SHA-256 or stronger.`, weak);
  throw new AlgorithmRefused(oid, `The ${what} algorithm ${oid} is not accepted; use ${ACCEPTED}.`);
}

/** The digest named by an AlgorithmIdentifier OID, or AlgorithmRefused. */
export function acceptedDigest(oid: string): DigestName {
  return DIGEST_OIDS[oid] ?? refuse(oid, 'digest');
}

export interface VerifyParameters {
  /** the hash for node:crypto's verify */
  digest: DigestName;
  /** RSA padding (PSS) when not PKCS#1 v1.5 */
  padding?: number;
  saltLength?: number;
  /** ECDSA signatures are DER-encoded */
  dsaEncoding?: 'der';
}

/**
 * How to check a signature made with `signatureOid` (and, for RSA-PSS, its parameters' hash), given the
 * digest the structure around it names (a SignerInfo's digestAlgorithm; null for certificates, CRLs and
 * OCSP answers, where the signature algorithm names its hash).
 */
export function verifyParameters(signatureOid: string, context: { digest?: DigestName | null; pssHashOid?: string | null } = {}): VerifyParameters {
  const alg = SIGNATURES[signatureOid] ?? refuse(signatureOid, 'signature');
  if (alg.key === 'rsa-pss') {
    const digest = context.pssHashOid ? acceptedDigest(context.pssHashOid) : (context.digest ?? refuse('1.3.14.3.2.26', 'digest'));
    return { digest, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO };
  }
  const digest = alg.digest ?? context.digest;
  if (!digest) throw new AlgorithmRefused(signatureOid, `The signature algorithm ${signatureOid} does not name its hash; use ${ACCEPTED}.`);
  return { digest, ...(alg.key === 'ec' ? { dsaEncoding: 'der' as const } : {}) };
}
