import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { planSignedData, type ExtraSignedAttribute } from '../../lib/crypto/cms.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { certificateDer, parseCertificate, toPem } from './parse-certificate.js';

export interface SignerMaterial {
  /** PEM (PKCS#1 or PKCS#8) or a Node KeyObject. */
  privateKey: string | KeyObject;
  certificatePem: string;
  /** CA certificates to embed after the signer's (helps verifiers build the chain). */
  chainPems?: string[];
}

export type SignedAttribute = ExtraSignedAttribute;

export interface CreateSignatureInput {
  /** The signed bytes. Either this or `contentSha256` (the hash-only mode an eSign provider works in). */
  content?: Uint8Array | string;
  contentSha256?: string;
  signer: SignerMaterial;
  signingTime?: Date;
  extraSignedAttributes?: SignedAttribute[];
}

/**
 * Creates a detached CMS SignedData (RFC 5652, CAdES-BES shaped) with SHA-256 through the one CMS builder
 * (lib/crypto/cms.ts): signed attributes contentType, signingTime, messageDigest and signingCertificateV2
 * (binds the signer certificate), the signer's certificate and chain embedded. Signing uses Node's native
 * crypto (RSA or EC keys). Returns DER.
 */
export function createDetachedSignature(input: CreateSignatureInput): Buffer {
  const digest =
    input.content !== undefined
      ? createHash('sha256').update(input.content).digest()
      : input.contentSha256 && /^[0-9a-f]{64}$/i.test(input.contentSha256)
        ? Buffer.from(input.contentSha256, 'hex')
        : null;
  if (!digest) throw new AppError(ErrorCode.ValidationFailed, 'Give the content to sign, or its SHA-256 as 64 hexadecimal characters.');

  const key = typeof input.signer.privateKey === 'string' ? createPrivateKey(input.signer.privateKey) : input.signer.privateKey;
  const cert = parseCertificate(input.signer.certificatePem);
  const pub = createPublicKey(key).export({ type: 'spki', format: 'der' });
  if (!Buffer.from(cert.x509.publicKey.export({ type: 'spki', format: 'der' })).equals(Buffer.from(pub))) {
    throw new AppError(ErrorCode.ValidationFailed, 'The private key does not belong to the signing certificate.');
  }
  const isEc = key.asymmetricKeyType === 'ec';
  const plan = planSignedData({
    contentSha256: digest,
    certificates: [cert.der, ...(input.signer.chainPems ?? []).map((p) => certificateDer(p))],
    keyType: isEc ? 'ec' : 'rsa',
    signingTime: input.signingTime ?? new Date(),
    ...(input.extraSignedAttributes ? { extraSignedAttributes: input.extraSignedAttributes } : {}),
  });
  return plan.finish(sign('sha256', plan.toBeSigned, isEc ? { key, dsaEncoding: 'der' } : key));
}

export interface Pkcs12Contents extends SignerMaterial {
  privateKey: string;
  chainPems: string[];
}

/**
 * Opens a PKCS#12 (.p12/.pfx) file, as a DSC token would: the private key, its certificate (the one whose
 * public key matches) and the rest of the chain. RSA keys only (node-forge).
 */
export function loadPkcs12(p12: Uint8Array | string, password: string): Pkcs12Contents {
  const bytes = typeof p12 === 'string' ? Buffer.from(p12.replace(/\s+/g, ''), 'base64') : Buffer.from(p12);
  let parsed: forge.pkcs12.Pkcs12Pfx;
  try {
    parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(bytes.toString('binary'))), password);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/MAC could not be verified|Invalid password|PKCS#12 MAC/i.test(msg)) {
      throw new AppError(ErrorCode.ValidationFailed, 'Wrong password for the PKCS#12 (.p12) file.', { cause: e });
    }
    throw new AppError(ErrorCode.ValidationFailed, 'The file is not a readable PKCS#12 (.p12/.pfx) key store.', { cause: e, details: { reason: msg } });
  }
  const keyBags = [
    ...(parsed.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? []),
    ...(parsed.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? []),
  ];
  const key = keyBags.find((b) => b.key)?.key as forge.pki.rsa.PrivateKey | undefined;
  if (!key) throw new AppError(ErrorCode.ValidationFailed, 'The PKCS#12 file holds no private key (or not an RSA key).');
  const certs = (parsed.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [])
    .map((b) => b.cert)
    .filter((c): c is forge.pki.Certificate => !!c);
  const mine = certs.find((c) => {
    const pk = c.publicKey as forge.pki.rsa.PublicKey;
    return pk.n?.equals(key.n) && pk.e?.equals(key.e);
  });
  if (!mine) throw new AppError(ErrorCode.ValidationFailed, 'The PKCS#12 file holds no certificate for its private key.');
  const pem = (c: forge.pki.Certificate) => toPem(Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(c)).getBytes(), 'binary'));
  return {
    privateKey: forge.pki.privateKeyToPem(key),
    certificatePem: pem(mine),
    chainPems: certs.filter((c) => c !== mine).map(pem),
  };
}
