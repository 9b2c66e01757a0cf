/**
 * Creates S/MIME signed messages from a DSC (PEM key and certificate, or a PKCS#12 file): what an
 * exporter's mail program does when it signs a reply. Used by tests and by development tools that
 * play the exporter; production never signs on an exporter's behalf.
 *
 * The message is composed (or taken as raw MIME), its content headers and body become the signed
 * entity, and the rest of the headers stay outside, as mail programs do.
 */
import { createHash, createPrivateKey, randomBytes, sign } from 'node:crypto';
import MailComposer, { type MailComposerOptions } from 'nodemailer/lib/mail-composer';
import forge from 'node-forge';
import { planSignedData } from '../../lib/crypto/cms.js';
import { certificateDer } from '../../lib/crypto/x509.js';
import { parseEntity, toCanonical } from './mime-parts.js';

const OIDS = {
  keyBag: forge.pki.oids.keyBag as string,
  pkcs8ShroudedKeyBag: forge.pki.oids.pkcs8ShroudedKeyBag as string,
  certBag: forge.pki.oids.certBag as string,
};

export interface SmimeSigningIdentity {
  certPem: string;
  keyPem: string;
  /** intermediate and root certificates to include */
  chainPems?: string[];
}

export interface SignOptions {
  /** 'detached' = multipart/signed (what Outlook and Thunderbird send), 'opaque' = application/pkcs7-mime signed-data */
  mode?: 'detached' | 'opaque';
  signingTime?: Date;
  /** include the chain certificates (default true) */
  includeChain?: boolean;
}

/** Reads the key and certificates from a PKCS#12 (.p12/.pfx) file. */
export function identityFromPkcs12(p12: Buffer, password: string): SmimeSigningIdentity {
  let store: forge.pkcs12.Pkcs12Pfx;
  try {
    store = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(p12.toString('binary')), password);
  } catch (e) {
    throw new Error(`The PKCS#12 file cannot be opened (wrong password or damaged file): ${(e as Error).message}`);
  }
  const keyBags = [
    ...(store.getBags({ bagType: OIDS.pkcs8ShroudedKeyBag })[OIDS.pkcs8ShroudedKeyBag] ?? []),
    ...(store.getBags({ bagType: OIDS.keyBag })[OIDS.keyBag] ?? []),
  ];
  const key = keyBags.find((b: forge.pkcs12.Bag) => b.key)?.key;
  if (!key) throw new Error('The PKCS#12 file holds no private key');
  const certs = (store.getBags({ bagType: OIDS.certBag })[OIDS.certBag] ?? []).flatMap((b: forge.pkcs12.Bag) => (b.cert ? [b.cert] : []));
  const publicOf = (k: forge.pki.PrivateKey) => forge.pki.setRsaPublicKey((k as forge.pki.rsa.PrivateKey).n, (k as forge.pki.rsa.PrivateKey).e);
  const keyPublicPem = forge.pki.publicKeyToPem(publicOf(key));
  const own = certs.find((c: forge.pki.Certificate) => forge.pki.publicKeyToPem(c.publicKey) === keyPublicPem);
  if (!own) throw new Error('The PKCS#12 file holds no certificate for its private key');
  return {
    certPem: forge.pki.certificateToPem(own),
    keyPem: forge.pki.privateKeyToPem(key),
    chainPems: certs.filter((c: forge.pki.Certificate) => c !== own).map((c: forge.pki.Certificate) => forge.pki.certificateToPem(c)),
  };
}

const CONTENT_HEADERS = new Set(['content-type', 'content-transfer-encoding', 'content-disposition', 'content-id', 'content-description', 'content-language']);

function base64Lines(bytes: Buffer): string {
  return bytes.toString('base64').replace(/(.{76})/g, '$1\r\n').replace(/\r\n$/, '');
}

/** The SignedData over the entity, from the one CMS builder (lib/crypto/cms.ts); opaque carries the entity inside. */
function pkcs7(content: string, identity: SmimeSigningIdentity, opts: SignOptions): Buffer {
  const bytes = Buffer.from(content, 'latin1');
  const key = createPrivateKey(identity.keyPem);
  const isEc = key.asymmetricKeyType === 'ec';
  const plan = planSignedData({
    contentSha256: createHash('sha256').update(bytes).digest(),
    certificates: [certificateDer(identity.certPem), ...((opts.includeChain ?? true) ? (identity.chainPems ?? []).map((p) => certificateDer(p)) : [])],
    keyType: isEc ? 'ec' : 'rsa',
    signingTime: opts.signingTime ?? new Date(),
    ...((opts.mode ?? 'detached') === 'opaque' ? { encapsulate: bytes } : {}),
  });
  return plan.finish(sign('sha256', plan.toBeSigned, isEc ? { key, dsaEncoding: 'der' } : key));
}

/** Signs an already composed message (raw MIME); the outer headers are kept, the content is signed. */
export function signMimeMessage(raw: Buffer | string, identity: SmimeSigningIdentity, opts: SignOptions = {}): Buffer {
  const entity = parseEntity(toCanonical(raw));
  const outer: string[] = [];
  const inner: string[] = [];
  // Keep header lines (with their folding) in their group.
  let current: string[] | null = null;
  for (const line of entity.headerText.split('\r\n')) {
    if (/^[ \t]/.test(line) && current) {
      current.push(line);
      continue;
    }
    const name = line.slice(0, Math.max(0, line.indexOf(':'))).trim().toLowerCase();
    if (name === 'mime-version') {
      current = null;
      continue;
    }
    current = CONTENT_HEADERS.has(name) ? inner : outer;
    current.push(line);
  }
  if (!inner.some((l) => /^content-type\s*:/i.test(l))) inner.unshift('Content-Type: text/plain; charset=us-ascii');
  const signedEntity = `${inner.join('\r\n')}\r\n\r\n${entity.body}`;
  const signature = pkcs7(signedEntity, identity, opts);
  const head = [...outer, 'MIME-Version: 1.0'];

  if ((opts.mode ?? 'detached') === 'opaque') {
    return Buffer.from(
      [
        ...head,
        'Content-Type: application/pkcs7-mime; smime-type=signed-data; name="smime.p7m"',
        'Content-Transfer-Encoding: base64',
        'Content-Disposition: attachment; filename="smime.p7m"',
        '',
        base64Lines(signature),
        '',
      ].join('\r\n'),
      'latin1',
    );
  }
  const boundary = `----=_smime_${randomBytes(12).toString('hex')}`;
  return Buffer.from(
    [
      ...head,
      `Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="${boundary}"`,
      '',
      'This is an S/MIME signed message',
      '',
      `--${boundary}`,
      signedEntity,
      `--${boundary}`,
      'Content-Type: application/pkcs7-signature; name="smime.p7s"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="smime.p7s"',
      'Content-Description: S/MIME Cryptographic Signature',
      '',
      base64Lines(signature),
      `--${boundary}--`,
      '',
    ].join('\r\n'),
    'latin1',
  );
}

/** Composes a message with nodemailer's MailComposer and signs it. */
export async function composeSignedMessage(mail: MailComposerOptions, identity: SmimeSigningIdentity, opts: SignOptions = {}): Promise<Buffer> {
  const raw = await new MailComposer({ ...mail, disableFileAccess: true, disableUrlAccess: true }).compile().build();
  return signMimeMessage(raw, identity, opts);
}
