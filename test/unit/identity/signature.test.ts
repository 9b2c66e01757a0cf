import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../../lib/errors.js';
import { ensureTestPki, type TestPki } from '../../../scripts/pki/test-pki.js';
import { canonicalBytes, canonicalDocument, canonicalJson, sha256Hex } from '../../../domain/identity/canonical.js';
import { createDetachedSignature, loadPkcs12, type Pkcs12Contents } from '../../../domain/identity/create-signature.js';
import { assertSignerIsActingUser, verifyDetachedSignature } from '../../../domain/identity/verify-signature.js';
import { verifySignedContent } from '../../../domain/identity/verify-signed-content.js';

let pki: TestPki;
let dir: string;
let raj: Pkcs12Contents;
let anita: Pkcs12Contents;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pki-sig-'));
  pki = await ensureTestPki(dir);
  raj = loadPkcs12(pki.identities['exporter-raj']!.p12Base64, pki.password);
  anita = loadPkcs12(readFileSync(pki.identities['exporter-anita']!.p12Path), pki.password);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function appError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

const doc = { invoice: { number: 'INV/2026/001', date: '2026-11-02' }, iec: 'AAACR5055K', items: [{ hs: '030617', qty: 1200.5 }], name: 'राज' };

describe('canonical JSON', () => {
  it('sorts keys at every level, drops whitespace and undefined members, keeps arrays in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[3,1]},"b":1}');
  });

  it('gives the same bytes whatever the key order, as UTF-8', () => {
    const a = canonicalBytes({ x: 'राज', y: 2 });
    const b = canonicalBytes({ y: 2, x: 'राज' });
    expect(a.equals(b)).toBe(true);
    expect(a.toString('utf8')).toBe('{"x":"राज","y":2}');
    expect(canonicalDocument({ y: 2, x: 'राज' }).sha256).toBe(sha256Hex(a));
  });

  it('writes dates through toJSON and refuses values JSON cannot carry', () => {
    expect(canonicalJson({ at: new Date('2026-01-02T03:04:05.000Z') })).toBe('{"at":"2026-01-02T03:04:05.000Z"}');
    expect(appError(() => canonicalJson({ n: Number.NaN })).code).toBe(ErrorCode.ValidationFailed);
    expect(appError(() => canonicalJson({ n: 1n })).code).toBe(ErrorCode.ValidationFailed);
  });
});

describe('detached CMS signatures', () => {
  it('loads a .p12 with its chain', () => {
    expect(raj.certificatePem).toContain('BEGIN CERTIFICATE');
    expect(raj.chainPems).toHaveLength(2);
  });

  it('refuses a wrong .p12 password clearly', () => {
    const e = appError(() => loadPkcs12(pki.identities['exporter-raj']!.p12Base64, 'wrong'));
    expect(e.message).toBe('Wrong password for the PKCS#12 (.p12) file.');
  });

  it('round trip: signs canonical bytes and verifies, returning the signer certificate', () => {
    const { bytes, sha256 } = canonicalDocument(doc);
    const sig = createDetachedSignature({ content: bytes, signer: raj });
    const v = verifyDetachedSignature({ signature: sig, content: bytes });
    expect(v.contentDigest).toBe(sha256);
    expect(v.digestAlgorithm).toBe('sha256');
    expect(v.signerCertificatePem.replace(/\s/g, '')).toBe(pki.identities['exporter-raj']!.certPem.replace(/\r?\n/g, '').replace(/\s/g, ''));
    expect(v.certificatePems).toHaveLength(3);
    expect(v.signingTime).not.toBeNull();
    // base64 and PEM forms are accepted too
    expect(verifyDetachedSignature({ signature: sig.toString('base64'), content: bytes }).signerFingerprintSha256).toBe(v.signerFingerprintSha256);
    const pem = `-----BEGIN PKCS7-----\n${sig.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PKCS7-----\n`;
    expect(verifyDetachedSignature({ signature: pem, content: bytes }).signerFingerprintSha256).toBe(v.signerFingerprintSha256);
  });

  it('is valid for OpenSSL too (cms -verify)', () => {
    const bytes = canonicalBytes(doc);
    writeFileSync(join(dir, 'doc.json'), bytes);
    writeFileSync(join(dir, 'doc.p7s'), createDetachedSignature({ content: bytes, signer: raj }));
    const out = execFileSync(
      'openssl',
      ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'doc.p7s'), '-content', join(dir, 'doc.json'), '-CAfile', join(dir, 'trusted-cas.pem'), '-purpose', 'any', '-out', '/dev/null'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(out.toString()).toBe('');
  });

  it('tamper: one byte of the content changed makes the signature invalid', () => {
    const bytes = canonicalBytes(doc);
    const sig = createDetachedSignature({ content: bytes, signer: raj });
    const changed = Buffer.from(bytes);
    changed[10]! ^= 0x01;
    const e = appError(() => verifyDetachedSignature({ signature: sig, content: changed }));
    expect(e.code).toBe(ErrorCode.SignatureInvalid);
    expect(e.message).toMatch(/does not match this document/);
  });

  it('tamper: one byte of the signature value changed makes it invalid', () => {
    const bytes = canonicalBytes(doc);
    const sig = createDetachedSignature({ content: bytes, signer: raj });
    sig[sig.length - 5]! ^= 0x40;
    const e = appError(() => verifyDetachedSignature({ signature: sig, content: bytes }));
    expect(e.code).toBe(ErrorCode.SignatureInvalid);
    expect(e.message).toMatch(/not valid/);
  });

  it('refuses something that is not a signature', () => {
    expect(appError(() => verifyDetachedSignature({ signature: 'hello world', content: 'x' })).code).toBe(ErrorCode.SignatureInvalid);
    expect(appError(() => verifyDetachedSignature({ signature: Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]), content: 'x' })).code).toBe(ErrorCode.SignatureInvalid);
  });

  it('hash-only mode gives the same verifiable signature', () => {
    const bytes = canonicalBytes(doc);
    const sig = createDetachedSignature({ contentSha256: sha256Hex(bytes), signer: raj });
    expect(verifyDetachedSignature({ signature: sig, content: bytes }).contentDigest).toBe(sha256Hex(bytes));
  });
});

describe('verifySignedContent (signature + DSC rules + acting user)', () => {
  const rajFp = () => verifyDetachedSignature({ signature: createDetachedSignature({ content: 'x', signer: raj }), content: 'x' }).signerFingerprintSha256;

  it('accepts the acting user’s registered DSC', () => {
    const bytes = canonicalBytes(doc);
    const r = verifySignedContent({
      signature: createDetachedSignature({ content: bytes, signer: raj }),
      content: bytes,
      trustedCaPems: [pki.rootCaPem],
      expectedIec: 'AAACR5055K',
      registeredFingerprintsSha256: [rajFp()],
    });
    expect(r.dsc.subjectCommonName).toBe('RAJ KUMAR SHARMA');
    expect(r.dsc.chain).toEqual(['RAJ KUMAR SHARMA', 'CoO Test Sub-CA (Class 3)', 'CoO Test Root CA']);
  });

  it('refuses a signature by someone other than the acting user', () => {
    const bytes = canonicalBytes(doc);
    const e = appError(() =>
      verifySignedContent({
        signature: createDetachedSignature({ content: bytes, signer: anita }),
        content: bytes,
        trustedCaPems: pki.trustedCaPems,
        expectedIec: null,
        registeredFingerprintsSha256: [rajFp()],
      }),
    );
    expect(e.code).toBe(ErrorCode.SignerNotActingUser);
  });

  it('applies the DSC rules to the signer (expired DSC)', () => {
    const expired = loadPkcs12(pki.identities['exporter-expired']!.p12Base64, pki.password);
    const e = appError(() =>
      verifySignedContent({
        signature: createDetachedSignature({ content: 'x', signer: expired }),
        content: 'x',
        trustedCaPems: pki.trustedCaPems,
        expectedIec: 'AAACR5055K',
        registeredFingerprintsSha256: [],
      }),
    );
    expect(e.code).toBe(ErrorCode.DscExpired);
  });

  it('compares fingerprints in either notation', () => {
    const fp = rajFp();
    expect(() => assertSignerIsActingUser(fp, [fp.toUpperCase().replace(/(..)(?!$)/g, '$1:')])).not.toThrow();
  });
});
