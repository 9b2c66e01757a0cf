import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, timingSafeEqual } from 'node:crypto';
import { calculateJwkThumbprint, CompactSign, compactVerify, createLocalJWKSet, decodeProtectedHeader, errors as joseErrors, exportJWK, type JSONWebKeySet, type JWK } from 'jose';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { buildQrClaims, type CertificateQrClaims } from '../../domain/certificate/qr-claims.js';
import type { CertificateDocument } from '../../domain/certificate/types.js';

/**
 * The certificate's QR code carries one string:
 *
 *   <base>/verify?no=<certificate number>&t=<link token>#<JWS>
 *
 * - A phone camera opens the URL: the live record, no captcha (the link token proves the visitor holds
 *   the paper; numbers alone cannot be enumerated).
 * - The fragment is never sent to a server. It holds a compact JWS (ES256) over the certificate's
 *   essentials, signed with the issuing platform's seal key, so a border agent's app can check them
 *   offline with the keys published at {@link WELL_KNOWN_KEYS_PATH}.
 */

export const WELL_KNOWN_KEYS_PATH = '/.well-known/coo-keys.json';
export const VERIFY_PATH = '/verify';

export interface QrSigningKey {
  kid: string;
  privateKey: ReturnType<typeof createPrivateKey>;
  publicJwk: JWK;
}

function configError(message: string): AppError {
  return new AppError(ErrorCode.ValidationFailed, message, { problems: [{ path: 'qrSigningKey', message }] });
}

/**
 * Loads the QR seal key from a PEM (PKCS#8 or SEC1 "EC PRIVATE KEY"). It must be P-256 (ES256).
 * The key id defaults to the first 16 characters of the RFC 7638 thumbprint.
 */
export async function loadQrSigningKey(privateKeyPem: string, kid?: string): Promise<QrSigningKey> {
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(privateKeyPem);
  } catch {
    throw configError('The QR signing key is not a readable PEM private key.');
  }
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw configError('The QR signing key must be an EC P-256 key (ES256).');
  }
  const jwk = await exportJWK(createPublicKey(privateKey));
  const publicJwk: JWK = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
  const id = kid ?? (await calculateJwkThumbprint(publicJwk, 'sha256')).slice(0, 16);
  return { kid: id, privateKey, publicJwk: { ...publicJwk, kid: id, alg: 'ES256', use: 'sig' } };
}

/** A fresh P-256 key for development, as PKCS#8 PEM. */
export function generateDevQrKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/**
 * The document to serve at {@link WELL_KNOWN_KEYS_PATH}. Pass the current key and every retired key whose
 * certificates are still in circulation, so old QR codes keep verifying after a rotation.
 */
export function publicJwks(keys: (QrSigningKey | JWK)[]): JSONWebKeySet {
  return { keys: keys.map((k) => ('publicJwk' in k ? k.publicJwk : k)) as JSONWebKeySet['keys'] };
}

export async function signQrClaims(claims: CertificateQrClaims, key: QrSigningKey): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .sign(key.privateKey);
}

// ---- the link token: lets the QR's URL skip the captcha ----

/** HMAC of the certificate number under a server secret, 16 bytes, base64url (22 characters). */
export function verificationLinkToken(certificateNumber: string, secret: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`coo-verify-link:${certificateNumber}`).digest().subarray(0, 16).toString('base64url');
}

export function checkVerificationLinkToken(certificateNumber: string, token: string, secret: string | Uint8Array): boolean {
  const expected = Buffer.from(verificationLinkToken(certificateNumber, secret));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Certificate numbers use only characters that are safe in a query string as they are. */
export function verificationUrl(publicBaseUrl: string, certificateNumber: string, token?: string): string {
  const base = publicBaseUrl.replace(/\/+$/, '');
  const no = encodeURIComponent(certificateNumber).replace(/%2F/gi, '/');
  return `${base}${VERIFY_PATH}?no=${no}${token ? `&t=${token}` : ''}`;
}

export interface CertificateQrContent {
  /** the string encoded in the QR code */
  text: string;
  /** the part before "#": what a phone opens */
  url: string;
  jws: string;
  claims: CertificateQrClaims;
}

export async function createCertificateQrContent(opts: {
  document: CertificateDocument;
  key: QrSigningKey;
  publicBaseUrl: string;
  /** derives the link token statelessly (HMAC of the number) … */
  linkSecret?: string | Uint8Array;
  /** … or uses a token stored with the certificate (random, URL-safe) */
  linkToken?: string;
}): Promise<CertificateQrContent> {
  const number = opts.document.certificateNumber;
  const token = opts.linkToken ?? (opts.linkSecret !== undefined ? verificationLinkToken(number, opts.linkSecret) : undefined);
  if (!token || !/^[\w-]{16,64}$/.test(token)) {
    throw configError('The QR link needs a token: give linkSecret, or a stored linkToken of 16 to 64 URL-safe characters.');
  }
  const claims = buildQrClaims(opts.document);
  const jws = await signQrClaims(claims, opts.key);
  const url = verificationUrl(opts.publicBaseUrl, number, token);
  return { text: `${url}#${jws}`, url, jws, claims };
}

export interface ParsedQrContent {
  url: string;
  certificateNumber: string | undefined;
  token: string | undefined;
  jws: string | undefined;
}

/** Splits scanned QR text into its URL, certificate number, link token and JWS. */
export function parseQrContent(text: string): ParsedQrContent {
  const hash = text.indexOf('#');
  const url = hash >= 0 ? text.slice(0, hash) : text;
  const jws = hash >= 0 ? text.slice(hash + 1) : undefined;
  let certificateNumber: string | undefined;
  let token: string | undefined;
  try {
    const u = new URL(url);
    certificateNumber = u.searchParams.get('no') ?? undefined;
    token = u.searchParams.get('t') ?? undefined;
  } catch {
    // not a URL: a bare JWS is accepted below
  }
  if (!jws && /^[\w-]+\.[\w-]+\.[\w-]+$/.test(text)) return { url: '', certificateNumber, token, jws: text };
  return { url, certificateNumber, token, jws: jws || undefined };
}

export type OfflineVerification =
  | { valid: true; kid: string; claims: CertificateQrClaims; url: string }
  | { valid: false; reason: 'no_signed_payload' | 'unknown_key' | 'bad_signature' | 'malformed' | 'number_mismatch'; message: string };

/**
 * Verifies a scanned QR code with a JWKS obtained earlier (no network): the signature, the key, and that
 * the signed certificate number is the one in the URL.
 */
export async function verifyQrContent(text: string, jwks: JSONWebKeySet): Promise<OfflineVerification> {
  const parsed = parseQrContent(text.trim());
  if (!parsed.jws) return { valid: false, reason: 'no_signed_payload', message: 'The QR code carries no signed payload.' };
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(parsed.jws);
    kid = header.kid;
    if (header.alg !== 'ES256') return { valid: false, reason: 'malformed', message: `Unexpected signature algorithm ${String(header.alg)}.` };
  } catch {
    return { valid: false, reason: 'malformed', message: 'The signed payload is not a JWS.' };
  }
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(parsed.jws, createLocalJWKSet(jwks), { algorithms: ['ES256'] }));
  } catch (e) {
    if (e instanceof joseErrors.JWKSNoMatchingKey) {
      return { valid: false, reason: 'unknown_key', message: `The payload was signed with key "${kid}", which is not among the published keys.` };
    }
    if (e instanceof joseErrors.JWSSignatureVerificationFailed) {
      return { valid: false, reason: 'bad_signature', message: 'The signature of the payload does not match: the QR code was altered or forged.' };
    }
    return { valid: false, reason: 'malformed', message: 'The signed payload could not be read.' };
  }
  let claims: CertificateQrClaims;
  try {
    claims = JSON.parse(new TextDecoder().decode(payload)) as CertificateQrClaims;
  } catch {
    return { valid: false, reason: 'malformed', message: 'The signed payload is not JSON.' };
  }
  if (parsed.certificateNumber !== undefined && parsed.certificateNumber !== claims.no) {
    return {
      valid: false,
      reason: 'number_mismatch',
      message: `The link is for certificate ${parsed.certificateNumber} but the signed payload is for ${claims.no}.`,
    };
  }
  return { valid: true, kid: kid ?? '', claims, url: parsed.url };
}
