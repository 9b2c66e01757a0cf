import { createHash, createPrivateKey, sign as nativeSign, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf, Signer } from '@signpdf/signpdf';
import forge from 'node-forge';
import { PDFDocument } from 'pdf-lib';
import { embeddable, planSignedData } from '../../lib/crypto/cms.js';
import { AppError, ErrorCode } from '../../lib/errors.js';

/**
 * Detached CMS (CAdES) signatures in PDFs, as close to PAdES baseline B-B as pdf-lib + @signpdf allow:
 * SubFilter ETSI.CAdES.detached, SHA-256, signed attributes content-type, message-digest and
 * signing-certificate-v2 (RFC 5035) (+ signing-time on request), the whole chain embedded.
 * Not reached without more infrastructure: B-T (a timestamp from a TSA) and B-LT (a DSS with
 * revocation data).
 *
 * The key is read once (PKCS#12, PEM, or a callback for keys that live elsewhere such as an officer's
 * token) into a reusable {@link CmsSigner}; every signature is one native `crypto.sign`, and the CMS is laid
 * out by the system's one CMS builder (lib/crypto/cms.ts, pkijs). node-forge only opens PKCS#12 files.
 */

const der = (a: forge.asn1.Asn1): Buffer => Buffer.from(forge.asn1.toDer(a).getBytes(), 'binary');
const P12_OIDS = {
  shroudedKeyBag: forge.pki.oids.pkcs8ShroudedKeyBag as string,
  keyBag: forge.pki.oids.keyBag as string,
  certBag: forge.pki.oids.certBag as string,
};

/** Where the private key lives: here (a KeyObject) or elsewhere (a callback, e.g. an HSM or a DSC token). */
export interface SigningKey {
  type: 'rsa' | 'ec';
  /** signs `data` with SHA-256 (RSA PKCS#1 v1.5, or ECDSA DER) */
  sign(data: Buffer): Promise<Buffer> | Buffer;
}

export interface CmsSignerOptions {
  /**
   * Adds the CMS signing-time attribute. Off by default: PAdES baseline (ETSI EN 319 142-1, B-B) says it
   * shall not be present and takes the claimed time from the signature dictionary's /M, which pdfsig and
   * Acrobat display. Turn it on for verifiers that only read CAdES signing-time.
   */
  signingTimeAttribute?: boolean;
  /** refuse to sign outside the certificate's validity period (default true) */
  checkValidity?: boolean;
  /** who this signer is, for messages and logs, e.g. "e-seal EIC-MUM" or "DSC of officer 42" */
  label?: string;
}

export interface SignerIdentity {
  commonName: string;
  organization?: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 of the certificate (hex) */
  fingerprint256: string;
}

function subjectField(subject: string, field: string): string | undefined {
  const line = subject.split('\n').find((l) => l.startsWith(`${field}=`));
  return line?.slice(field.length + 1);
}

/** A reusable signer for @signpdf: the certificates are read and checked once, in the constructor. */
export class CmsSigner extends Signer {
  readonly certificate: X509Certificate;
  readonly chain: X509Certificate[];
  readonly identity: SignerIdentity;
  /** bytes to reserve in the PDF for the signature */
  readonly estimatedSize: number;
  private readonly key: SigningKey;
  private readonly options: Required<Omit<CmsSignerOptions, 'label'>> & { label: string };
  private readonly chainDer: Buffer[];

  constructor(chainDer: Buffer[], key: SigningKey, options: CmsSignerOptions = {}) {
    super();
    if (chainDer.length === 0) throw signerError('No signing certificate was given.');
    if (!embeddable(chainDer)) throw signerError('A certificate in the chain is not in canonical DER form and cannot be embedded.');
    this.key = key;
    this.chainDer = chainDer.map((d) => Buffer.from(d));
    this.chain = chainDer.map((d) => new X509Certificate(d));
    this.certificate = this.chain[0] as X509Certificate;
    this.options = {
      signingTimeAttribute: options.signingTimeAttribute ?? false,
      checkValidity: options.checkValidity ?? true,
      label: options.label ?? (subjectField(this.certificate.subject, 'CN') || 'signer'),
    };
    const subject = this.certificate.subject;
    this.identity = {
      commonName: subjectField(subject, 'CN') ?? subject,
      ...(subjectField(subject, 'O') ? { organization: subjectField(subject, 'O') as string } : {}),
      serialNumber: this.certificate.serialNumber,
      notBefore: new Date(this.certificate.validFrom),
      notAfter: new Date(this.certificate.validTo),
      fingerprint256: this.certificate.fingerprint256.replace(/:/g, '').toLowerCase(),
    };
    this.estimatedSize = chainDer.reduce((s, d) => s + d.length, 0) + 1500;
  }

  private checkValidity(at: Date): void {
    if (!this.options.checkValidity) return;
    if (at > this.identity.notAfter) {
      throw new AppError(ErrorCode.DscExpired, `Expired Certificate: the signing certificate of ${this.identity.commonName} expired on ${this.identity.notAfter.toISOString().slice(0, 10)}.`, {
        details: { signer: this.options.label },
      });
    }
    if (at < this.identity.notBefore) {
      throw new AppError(ErrorCode.DscNotYetValid, `The signing certificate of ${this.identity.commonName} is only valid from ${this.identity.notBefore.toISOString().slice(0, 10)}.`, {
        details: { signer: this.options.label },
      });
    }
  }

  /** Called by @signpdf with the bytes covered by /ByteRange. Returns the DER ContentInfo. */
  override async sign(content: Buffer, signingTime?: Date): Promise<Buffer> {
    const at = signingTime ?? new Date();
    this.checkValidity(at);
    const plan = planSignedData({
      contentSha256: createHash('sha256').update(content).digest(),
      certificates: this.chainDer,
      keyType: this.key.type,
      signingTime: this.options.signingTimeAttribute ? at : null,
    });
    return plan.finish(await this.key.sign(plan.toBeSigned));
  }
}

function signerError(message: string, cause?: unknown): AppError {
  return new AppError(ErrorCode.ValidationFailed, message, { problems: [{ path: 'signingKey', message }], cause });
}

/** A key held by this process. */
export function localKey(privateKey: KeyObject): SigningKey {
  const t = privateKey.asymmetricKeyType;
  if (t !== 'rsa' && t !== 'ec') throw signerError(`Signing keys must be RSA or EC (got ${t ?? 'unknown'}).`);
  return { type: t, sign: (data) => nativeSign('sha256', data, privateKey) };
}

/** Puts the signer first and each issuer after its subject; certificates not in the path are dropped. */
function orderChain(certs: X509Certificate[], leaf: X509Certificate): X509Certificate[] {
  const chain = [leaf];
  let current = leaf;
  for (;;) {
    if (current.checkIssued(current)) break;
    const issuer = certs.find((c) => !chain.includes(c) && current.checkIssued(c) && current.verify(c.publicKey));
    if (!issuer) break;
    chain.push(issuer);
    current = issuer;
  }
  return chain;
}

function pemBlocks(pem: string): Buffer[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64'));
}

/** Signer from a PEM private key and PEM certificate(s): the signer's, optionally followed by its CAs. */
export function createPemSigner(opts: { keyPem: string; certPem: string; chainPems?: string[]; passphrase?: string } & CmsSignerOptions): CmsSigner {
  let key: KeyObject;
  try {
    key = createPrivateKey(opts.passphrase ? { key: opts.keyPem, passphrase: opts.passphrase } : opts.keyPem);
  } catch (e) {
    throw signerError('The signing key is not a readable PEM private key (or the passphrase is wrong).', e);
  }
  const certs = [opts.certPem, ...(opts.chainPems ?? [])].flatMap(pemBlocks).map((d) => new X509Certificate(d));
  const leaf = certs.find((c) => c.checkPrivateKey(key));
  if (!leaf) throw signerError('None of the certificates belongs to the signing key.');
  return new CmsSigner(orderChain(certs, leaf).map((c) => c.raw), localKey(key), opts);
}

/**
 * Signer from a PKCS#12 file (Buffer) or its base64 text (e.g. an environment value). Parsed once:
 * keep the returned signer and reuse it for every document.
 */
export function createP12Signer(opts: { p12: Buffer | string; password: string } & CmsSignerOptions): CmsSigner {
  const bytes = typeof opts.p12 === 'string' ? Buffer.from(opts.p12.replace(/\s+/g, ''), 'base64') : opts.p12;
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(bytes.toString('binary')), false, opts.password);
  } catch (e) {
    const wrongPassword = e instanceof Error && /password|Invalid|MAC/i.test(e.message);
    throw signerError(
      wrongPassword ? 'The PKCS#12 signing key could not be opened: wrong password.' : 'The signing key is not a readable PKCS#12 (.p12/.pfx) file.',
      e,
    );
  }
  const keyBags = [
    ...(p12.getBags({ bagType: P12_OIDS.shroudedKeyBag })[P12_OIDS.shroudedKeyBag] ?? []),
    ...(p12.getBags({ bagType: P12_OIDS.keyBag })[P12_OIDS.keyBag] ?? []),
  ];
  const keyBag = keyBags[0];
  if (!keyBag) throw signerError('The PKCS#12 file holds no private key.');
  const keyDer = keyBag.key
    ? der(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(keyBag.key)))
    : der((keyBag as unknown as { asn1: forge.asn1.Asn1 }).asn1);
  const key = createPrivateKey({ key: keyDer, format: 'der', type: 'pkcs8' });
  const certBags = p12.getBags({ bagType: P12_OIDS.certBag })[P12_OIDS.certBag] ?? [];
  const certs = certBags.map((b) => {
    const a = b.cert ? forge.pki.certificateToAsn1(b.cert) : (b as unknown as { asn1: forge.asn1.Asn1 }).asn1;
    return new X509Certificate(der(a));
  });
  const leaf = certs.find((c) => c.checkPrivateKey(key));
  if (!leaf) throw signerError('The PKCS#12 file holds no certificate for its private key.');
  const chain = orderChain(certs, leaf);
  // forge re-encodes certificates: prove the bytes are intact before embedding them
  for (let i = 1; i < chain.length; i++) {
    if (!chain[i - 1]?.verify((chain[i] as X509Certificate).publicKey)) throw signerError('The certificate chain in the PKCS#12 file is damaged.');
  }
  return new CmsSigner(chain.map((c) => c.raw), localKey(key), opts);
}

/** Signer from a .p12 file on disk. */
export async function loadP12Signer(path: string, password: string, options: CmsSignerOptions = {}): Promise<CmsSigner> {
  return createP12Signer({ p12: await readFile(path), password, ...options });
}

/**
 * Signer whose key is elsewhere (an officer's DSC token through a signing agent, an HSM): the callback
 * receives the DER of the signed attributes and returns the raw signature.
 */
export function createExternalSigner(opts: { certPem: string; chainPems?: string[]; key: SigningKey } & CmsSignerOptions): CmsSigner {
  const certs = [opts.certPem, ...(opts.chainPems ?? [])].flatMap(pemBlocks).map((d) => new X509Certificate(d));
  const leaf = certs[0];
  if (!leaf) throw signerError('No signing certificate was given.');
  return new CmsSigner(orderChain(certs, leaf).map((c) => c.raw), opts.key, opts);
}

// ---- PDF ----

export interface PdfSignatureInfo {
  reason: string;
  location: string;
  contactInfo: string;
  /** the signer's name shown by viewers */
  name: string;
  signingTime?: Date;
  /** page index and rectangle [x1, y1, x2, y2] of the (invisible) signature field; default none on page 1 */
  widget?: { page: number; rect: [number, number, number, number] };
}

/**
 * Adds the signature field to a fully drawn document, saves it once and signs it. Nothing may be drawn
 * after this: the signature covers every byte except its own value.
 */
export async function signPdfDocument(pdf: PDFDocument, signer: CmsSigner, info: PdfSignatureInfo): Promise<Buffer> {
  const signingTime = info.signingTime ?? new Date();
  const unsigned = await preparePdfForExternalSignature(pdf, { ...info, signingTime, reserveBytes: Math.max(8192, signer.estimatedSize) });
  return new SignPdf().sign(unsigned, signer, signingTime);
}

/** Same, from PDF bytes. */
export async function signPdf(bytes: Uint8Array, signer: CmsSigner, info: PdfSignatureInfo): Promise<Buffer> {
  return signPdfDocument(await PDFDocument.load(bytes), signer, info);
}

// ---- signatures made elsewhere (the officer's DSC) ----

/** Hands @signpdf a CMS made elsewhere, after checking it is for the very bytes covered by /ByteRange. */
class PresignedSigner extends Signer {
  constructor(
    private readonly cms: Buffer | null,
    private readonly onContent: (content: Buffer) => void,
  ) {
    super();
  }
  override async sign(content: Buffer): Promise<Buffer> {
    this.onContent(content);
    return this.cms ?? Buffer.alloc(1);
  }
}

/**
 * Draws the signature field into a finished document and saves it, unsigned, for a signer who is not this
 * process (an officer signing with a DSC on a token). `reserveBytes` is the room kept for that CMS.
 */
export async function preparePdfForExternalSignature(pdf: PDFDocument, info: PdfSignatureInfo & { reserveBytes?: number }): Promise<Buffer> {
  const page = pdf.getPages()[info.widget?.page ?? 0];
  pdflibAddPlaceholder({
    pdfDoc: pdf,
    ...(page ? { pdfPage: page } : {}),
    reason: info.reason,
    contactInfo: info.contactInfo,
    name: info.name,
    location: info.location,
    signingTime: info.signingTime ?? new Date(),
    signatureLength: info.reserveBytes ?? 16_384,
    subFilter: 'ETSI.CAdES.detached',
    widgetRect: info.widget?.rect ?? [0, 0, 0, 0],
    appName: 'CoO back-office',
  });
  const bytes = await pdf.save({ useObjectStreams: false });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The bytes the external signer signs (a detached CMS over them): the prepared PDF except its signature's room. */
export async function externalSigningContent(prepared: Buffer): Promise<Buffer> {
  let captured: Buffer | undefined;
  await new SignPdf().sign(Buffer.from(prepared), new PresignedSigner(null, (c) => (captured = Buffer.from(c))));
  if (!captured) throw new Error('The prepared PDF has no signature placeholder.');
  return captured;
}

/** Puts the external CMS (DER) into the prepared PDF. The CMS must have been made over `externalSigningContent(prepared)`. */
export async function embedExternalSignature(prepared: Buffer, cmsDer: Buffer, expectedContentSha256: string): Promise<Buffer> {
  const signed = await new SignPdf().sign(
    Buffer.from(prepared),
    new PresignedSigner(cmsDer, (c) => {
      if (createHash('sha256').update(c).digest('hex') !== expectedContentSha256) {
        throw new AppError(ErrorCode.Conflict, 'The prepared certificate changed since it was handed out for signing.');
      }
    }),
  );
  return signed;
}
