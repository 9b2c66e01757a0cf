/**
 * The one algorithm policy (lib/crypto/algorithms.ts) as every verifier applies it: RSA PKCS#1 v1.5,
 * RSA-PSS and ECDSA with SHA-256/384/512 accepted; SHA-1 and MD5 refused with the reason, on CMS signatures
 * (DSC payloads and S/MIME alike) and on certificates.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedDigest, AlgorithmRefused, verifyParameters } from '../../../lib/crypto/algorithms.js';
import { verifyCms } from '../../../lib/crypto/cms.js';
import { AppError, ErrorCode } from '../../../lib/errors.js';
import { verifyPkcs7 } from '../../../channels/email/verify-smime.js';
import { verifyDsc } from '../../../domain/identity/verify-dsc.js';
import { verifyDetachedSignature } from '../../../domain/identity/verify-signature.js';
import { ensureTestPki, type TestPki } from '../../../scripts/pki/test-pki.js';

let dir: string;
let pki: TestPki;
const content = Buffer.from('{"document":"coo-application","iec":"AAACR5055K"}');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pki-policy-'));
  pki = await ensureTestPki(dir);
  writeFileSync(join(dir, 'content.json'), content);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

/** a detached CMS over content.json made by OpenSSL with the given signer and options */
function cms(cert: string, key: string, extra: string[]): Buffer {
  openssl(['cms', '-sign', '-binary', '-in', 'content.json', '-signer', cert, '-inkey', key, '-outform', 'DER', '-out', 'sig.p7s', ...extra]);
  return readFileSync(join(dir, 'sig.p7s'));
}

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('the algorithm policy', () => {
  it('names the digest of each accepted algorithm and refuses broken ones with the reason', () => {
    expect(acceptedDigest('2.16.840.1.101.3.4.2.1')).toBe('sha256');
    expect(acceptedDigest('2.16.840.1.101.3.4.2.3')).toBe('sha512');
    expect(verifyParameters('1.2.840.113549.1.1.12')).toMatchObject({ digest: 'sha384' });
    expect(verifyParameters('1.2.840.10045.4.3.2')).toMatchObject({ digest: 'sha256', dsaEncoding: 'der' });
    expect(verifyParameters('1.2.840.113549.1.1.1', { digest: 'sha512' })).toMatchObject({ digest: 'sha512' });
    expect(() => acceptedDigest('1.3.14.3.2.26')).toThrow('SHA-1 is no longer accepted for signatures (it is broken); sign with SHA-256 or stronger.');
    expect(() => acceptedDigest('1.2.840.113549.2.5')).toThrow(/^MD5 is no longer accepted/);
    expect(() => verifyParameters('1.2.840.113549.1.1.5')).toThrow(/^SHA-1 is no longer accepted/);
    expect(() => verifyParameters('1.2.840.113549.1.1.4')).toThrow(/^MD5 is no longer accepted/);
    expect(() => acceptedDigest('2.16.840.1.101.3.4.2.4')).toThrow(/SHA-224|2\.16\.840\.1\.101\.3\.4\.2\.4 is not accepted/);
    try {
      verifyParameters('1.2.840.10045.4.1');
    } catch (e) {
      expect(e).toBeInstanceOf(AlgorithmRefused);
      expect((e as AlgorithmRefused).weak).toBe('SHA-1');
    }
  });

  it('CMS with SHA-1 is refused in the same words for a signing payload and for S/MIME', () => {
    const sig = cms(`exporter-raj.cert.pem`, `exporter-raj.key.pem`, ['-md', 'sha1']);
    const e = refusal(() => verifyDetachedSignature({ signature: sig, content }));
    expect(e.code).toBe(ErrorCode.SignatureInvalid);
    expect(e.message).toBe('The signature uses an algorithm this portal does not accept: SHA-1 is no longer accepted for signatures (it is broken); sign with SHA-256 or stronger.');
    expect(verifyPkcs7(sig, content)).toMatchObject({ ok: false, code: 'unsupported_algorithm', message: 'The message is signed with SHA-1, which is no longer accepted; sign with SHA-256.' });
  });

  it('MD5 is refused', () => {
    const sig = cms(`exporter-raj.cert.pem`, `exporter-raj.key.pem`, ['-md', 'md5']);
    expect(refusal(() => verifyDetachedSignature({ signature: sig, content })).message).toMatch(/MD5 is no longer accepted/);
  });

  it('RSA PKCS#1 v1.5 with SHA-384 and SHA-512, and RSA-PSS, are accepted', () => {
    for (const md of ['sha384', 'sha512']) {
      const v = verifyDetachedSignature({ signature: cms('exporter-raj.cert.pem', 'exporter-raj.key.pem', ['-md', md]), content });
      expect(v.digestAlgorithm).toBe(md);
    }
    const pss = cms('exporter-raj.cert.pem', 'exporter-raj.key.pem', ['-md', 'sha256', '-keyopt', 'rsa_padding_mode:pss']);
    expect(verifyCms(pss, { content }).signers[0]!.certificate.subject.find((a) => a.type === 'CN')?.value).toBe('RAJ KUMAR SHARMA');
    expect(verifyPkcs7(pss, content)).toMatchObject({ ok: true });
  });

  it('ECDSA P-256 and P-384 are accepted', () => {
    for (const curve of ['prime256v1', 'secp384r1']) {
      openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', `ec_paramgen_curve:${curve}`, '-nodes', '-keyout', 'ec.key', '-out', 'ec.pem', '-subj', '/CN=EC SIGNER', '-days', '1']);
      const v = verifyDetachedSignature({ signature: cms('ec.pem', 'ec.key', ['-md', curve === 'secp384r1' ? 'sha384' : 'sha256']), content });
      expect(v.signerCertificatePem).toContain('BEGIN CERTIFICATE');
    }
  });

  it('a DSC whose certifying authority signed it with SHA-1 is refused, saying so', () => {
    openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'weak.key', '-out', 'weak.csr', '-subj', '/C=IN/O=RAJ OVERSEAS PRIVATE LIMITED/OU=AAACR5055K/CN=RAJ KUMAR SHARMA']);
    writeFileSync(join(dir, 'weak.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n');
    openssl(['x509', '-req', '-in', 'weak.csr', '-CA', 'sub-ca.cert.pem', '-CAkey', 'sub-ca.key.pem', '-CAcreateserial', '-sha1', '-days', '30', '-extfile', 'weak.ext', '-out', 'weak.pem']);
    const e = refusal(() => verifyDsc({ certificate: readFileSync(join(dir, 'weak.pem'), 'utf8'), trustedCaPems: pki.trustedCaPems, expectedIec: 'AAACR5055K' }));
    expect(e.code).toBe(ErrorCode.DscUntrusted);
    expect(e.details?.reason).toBe("the signature on 'RAJ KUMAR SHARMA' is refused: SHA-1 is no longer accepted for signatures (it is broken); sign with SHA-256 or stronger.");
  });
});
