/**
 * Verifies an S/MIME signed message: multipart/signed with an application/pkcs7-signature part
 * (detached), or application/pkcs7-mime with smime-type=signed-data (opaque). The signature is checked
 * over the exact bytes of the signed MIME part in canonical (CRLF) form by the one CMS verifier
 * (lib/crypto/cms.ts, pkijs) under the one algorithm policy (lib/crypto/algorithms.ts): RSA PKCS#1 v1.5,
 * RSA-PSS or ECDSA with SHA-256/384/512; SHA-1 and MD5 refused in plain words.
 *
 * Who signed is returned, not judged: the caller checks the certificate against the exporter's
 * registered DSC (and its chain, validity and IEC) with the identity rules.
 */
import { AlgorithmRefused } from '../../lib/crypto/algorithms.js';
import { CmsError, encapsulatedContent, verifyCms } from '../../lib/crypto/cms.js';
import { decodeBody, headerValue, parseContentType, parseEntity, splitMultipart, toCanonical, type MimeEntity } from './mime-parts.js';

export type SmimeFailureCode =
  | 'not_signed'
  | 'encrypted'
  | 'malformed'
  | 'unsupported_algorithm'
  | 'signer_certificate_missing'
  | 'content_type_mismatch'
  | 'digest_mismatch'
  | 'signature_invalid';

export interface SmimeSigner {
  certificatePem: string;
  subject: string;
  serialNumber: string;
  signingTime: Date | null;
  digestAlgorithm: string;
}

export interface SmimeVerified {
  ok: true;
  kind: 'detached' | 'opaque';
  /** the first signer's certificate: compare it with the exporter's registered DSC */
  signerCertificatePem: string;
  signers: SmimeSigner[];
  /** every certificate carried in the signature (the signer's and, usually, its chain) */
  certificatesPem: string[];
  /** the signed MIME entity, canonical CRLF: parse it for the text and attachments that were signed */
  content: Buffer;
}

export interface SmimeFailure {
  ok: false;
  code: SmimeFailureCode;
  /** in plain words, fit to show to the sender */
  message: string;
}

export type SmimeResult = SmimeVerified | SmimeFailure;

function fail(code: SmimeFailureCode, message: string): SmimeFailure {
  return { ok: false, code, message };
}

/** The sender's words for each refusal of the CMS verifier. */
function failure(e: CmsError): SmimeFailure {
  switch (e.code) {
    case 'encrypted':
      return fail('encrypted', 'The message is encrypted with S/MIME; send it signed but not encrypted.');
    case 'unsupported_algorithm': {
      const refused = e.cause instanceof AlgorithmRefused ? e.cause : null;
      if (refused?.weak) return fail('unsupported_algorithm', `The message is signed with ${refused.weak}, which is no longer accepted; sign with SHA-256.`);
      return fail('unsupported_algorithm', `The message is signed with an algorithm that is not supported (${refused?.algorithm ?? e.detail}); sign with SHA-256 and RSA or ECDSA.`);
    }
    case 'signer_certificate_missing':
      return fail('signer_certificate_missing', "The signature does not include the signer's certificate; configure the mail program to include it when signing.");
    case 'content_type_mismatch':
      return fail('content_type_mismatch', 'The signature does not state the type of the signed content.');
    case 'message_digest_missing':
    case 'digest_mismatch':
    case 'content_mismatch':
      return fail('digest_mismatch', 'The message was changed after it was signed (its content does not match the signature).');
    case 'signature_invalid':
      return fail('signature_invalid', "The signature does not match the signer's certificate: the message or the signature was altered.");
    case 'content_missing':
      return fail('malformed', 'The signature could not be read: the signed content is missing.');
    default:
      return fail('malformed', `The signature could not be read: ${e.detail}.`);
  }
}

/** Verifies a DER PKCS#7 SignedData over `content` (detached) or over its own encapsulated content (opaque). */
export function verifyPkcs7(p7der: Buffer, detachedContent: Buffer | null): SmimeResult {
  try {
    const v = verifyCms(p7der, { content: detachedContent });
    const signers: SmimeSigner[] = v.signers.map((s) => ({
      certificatePem: s.certificate.pem,
      subject: s.certificate.x509.subject,
      serialNumber: s.certificate.x509.serialNumber,
      signingTime: s.signingTime,
      digestAlgorithm: s.digestAlgorithm,
    }));
    return {
      ok: true,
      kind: detachedContent ? 'detached' : 'opaque',
      signerCertificatePem: signers[0]!.certificatePem,
      signers,
      certificatesPem: v.certificates.map((c) => c.pem),
      content: v.content,
    };
  } catch (e) {
    if (e instanceof CmsError) return failure(e);
    return fail('malformed', 'The signature could not be read: it is not a valid PKCS#7 structure.');
  }
}

export type SmimeKind = 'detached' | 'opaque' | 'encrypted' | null;

interface Located {
  kind: Exclude<SmimeKind, null>;
  entity: MimeEntity;
  /** the raw (canonical latin1) text of the entity */
  raw: string;
}

/** Finds the signed (or encrypted) entity: the message itself or, one or two levels down, a part of it. */
function locate(raw: string, depth = 0): Located | null {
  const entity = parseEntity(raw);
  const ct = parseContentType(headerValue(entity, 'content-type'));
  if (ct.mediaType === 'multipart/signed') return { kind: 'detached', entity, raw };
  if (ct.mediaType === 'application/pkcs7-mime' || ct.mediaType === 'application/x-pkcs7-mime') {
    const smimeType = (ct.params['smime-type'] ?? '').toLowerCase();
    if (smimeType === 'enveloped-data' || smimeType === 'authenveloped-data') return { kind: 'encrypted', entity, raw };
    return { kind: 'opaque', entity, raw };
  }
  if (depth < 2 && ct.mediaType.startsWith('multipart/') && ct.params.boundary) {
    for (const part of splitMultipart(entity.body, ct.params.boundary) ?? []) {
      const found = locate(part, depth + 1);
      if (found) return found;
    }
  }
  return null;
}

/** Whether, and how, the message is S/MIME signed, without verifying anything. */
export function smimeKind(raw: Buffer | string): SmimeKind {
  try {
    return locate(toCanonical(raw))?.kind ?? null;
  } catch {
    return null;
  }
}

export function verifySmime(raw: Buffer | string): SmimeResult {
  const found = locate(toCanonical(raw));
  if (!found) return fail('not_signed', 'The message is not signed (no S/MIME signature found).');
  if (found.kind === 'encrypted') return fail('encrypted', 'The message is encrypted with S/MIME; send it signed but not encrypted.');
  if (found.kind === 'opaque') {
    const p7 = decodeBody(found.entity);
    if (p7.length === 0) return fail('malformed', 'The signed message is empty.');
    return verifyPkcs7(p7, null);
  }
  const ct = parseContentType(headerValue(found.entity, 'content-type'));
  const boundary = ct.params.boundary;
  if (!boundary) return fail('malformed', 'The signed message has no MIME boundary.');
  const parts = splitMultipart(found.entity.body, boundary);
  if (!parts || parts.length !== 2) return fail('malformed', `The signed message should have 2 parts (content and signature), not ${parts?.length ?? 0}.`);
  const [signedPart, signaturePart] = parts as [string, string];
  const sigEntity = parseEntity(signaturePart);
  const sigType = parseContentType(headerValue(sigEntity, 'content-type')).mediaType;
  if (sigType !== 'application/pkcs7-signature' && sigType !== 'application/x-pkcs7-signature') {
    return fail('malformed', `The second part of the signed message is ${sigType || 'untyped'}, not an S/MIME signature.`);
  }
  const p7 = decodeBody(sigEntity);
  if (p7.length === 0) return fail('malformed', 'The signature part is empty.');
  return verifyPkcs7(p7, Buffer.from(signedPart, 'latin1'));
}

/**
 * The content of an opaque signed message without checking the signature, so that a reply whose
 * signature fails can still be read and kept. Null when the message is not opaque-signed or unreadable.
 */
export function extractOpaqueContent(raw: Buffer | string): Buffer | null {
  try {
    const found = locate(toCanonical(raw));
    if (!found || found.kind !== 'opaque') return null;
    return encapsulatedContent(decodeBody(found.entity));
  } catch {
    return null;
  }
}
