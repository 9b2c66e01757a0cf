import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../../lib/errors.js';
import { ensureTestPki, type TestPki } from '../../../scripts/pki/test-pki.js';
import { canonicalDocument } from '../../../domain/identity/canonical.js';
import { loadPkcs12 } from '../../../domain/identity/create-signature.js';
import { matchNames } from '../../../domain/identity/match-names.js';
import { parseCertificate } from '../../../domain/identity/parse-certificate.js';
import { verifyESignSignature } from '../../../domain/identity/verify-esign.js';
import type { ESignProvider } from '../../../services/identity/esign.js';
import { createESignSandbox, isAadhaarId, SANDBOX_OTP, SANDBOX_RESIDENTS, withVerhoeffDigit } from '../../../services/identity/esign-sandbox.js';

let pki: TestPki;
let dir: string;
let espFingerprint: string;
let clock: Date;
let sandbox: ESignProvider;

const rajAadhaar = withVerhoeffDigit('99990000101');
const variantAadhaar = withVerhoeffDigit('99990000105');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pki-esign-'));
  pki = await ensureTestPki(dir);
  const esp = pki.identities['esign-sandbox']!;
  espFingerprint = parseCertificate(esp.certPem).fingerprintSha256;
  clock = new Date();
  sandbox = createESignSandbox({ signer: loadPkcs12(esp.p12Base64, pki.password), residents: SANDBOX_RESIDENTS, now: () => clock, baseUrl: 'http://127.0.0.1:9/esign/' });
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function appError(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

const doc = canonicalDocument({ application: 'DRAFTCOOAPPLY00229268AM25', declaration: { place: 'Mumbai', name: 'RAJ KUMAR SHARMA' } });

describe('Aadhaar numbers', () => {
  it('checks the Verhoeff digit', () => {
    expect(isAadhaarId(rajAadhaar)).toBe(true);
    const wrong = `${rajAadhaar.slice(0, 11)}${(Number(rajAadhaar[11]) + 1) % 10}`;
    expect(isAadhaarId(wrong)).toBe(false);
    expect(isAadhaarId('123456789012')).toBe(false);
  });
});

describe('eSign sandbox', () => {
  it('signs a document hash after the OTP, and verification yields the signer name for name matching', async () => {
    const started = await sandbox.startSigning({ documentSha256: doc.sha256, aadhaarId: rajAadhaar, documentInfo: 'CoO application' });
    expect(started.redirectUrl).toBe(`http://127.0.0.1:9/esign/${started.transactionId}`);
    expect(started.otpSentTo).toBe('XXXXXX4321');
    const done = await sandbox.completeSigning({ transactionId: started.transactionId, otp: SANDBOX_OTP });
    expect(done.signerName).toBe('RAJ KUMAR SHARMA');

    const v = verifyESignSignature({ signature: done.signatureBase64, content: doc.bytes, trustedCaPems: pki.trustedCaPems, espFingerprintsSha256: [espFingerprint] });
    expect(v.signerName).toBe('RAJ KUMAR SHARMA');
    expect(v.transactionId).toBe(started.transactionId);
    expect(v.aadhaarLast4).toBe(rajAadhaar.slice(-4));
    expect(v.esp.subjectCommonName).toBe('CoO Sandbox eSign Service Provider');
    expect(matchNames({ profileName: 'Raj Kumar Sharma', certificateName: v.signerName }).match).toBe(true);
  });

  it('a name variant from Aadhaar fails the identity-matching rule with an explanation', async () => {
    const started = await sandbox.startSigning({ documentSha256: doc.sha256, aadhaarId: variantAadhaar, documentInfo: 'x' });
    const done = await sandbox.completeSigning({ transactionId: started.transactionId, otp: SANDBOX_OTP });
    const v = verifyESignSignature({ signature: done.signatureBase64, content: doc.bytes, trustedCaPems: pki.trustedCaPems, espFingerprintsSha256: [espFingerprint] });
    const m = matchNames({ profileName: 'RAJ KUMAR SHARMA', certificateName: v.signerName });
    expect(m.match).toBe(false);
    if (!m.match) expect(m.explanation).toContain("different middle name: 'KUMAAR' in the certificate, 'KUMAR' in your profile");
  });

  it('the signature does not verify over other content', async () => {
    const started = await sandbox.startSigning({ documentSha256: doc.sha256, aadhaarId: rajAadhaar, documentInfo: 'x' });
    const done = await sandbox.completeSigning({ transactionId: started.transactionId, otp: SANDBOX_OTP });
    const other = Buffer.from(doc.bytes);
    other[3]! ^= 1;
    const e = await appError(Promise.resolve().then(() => verifyESignSignature({ signature: done.signatureBase64, content: other, trustedCaPems: pki.trustedCaPems, espFingerprintsSha256: [espFingerprint] })));
    expect(e.code).toBe(ErrorCode.SignatureInvalid);
  });

  it('refuses a signature by a certificate that is not an accepted ESP', async () => {
    const started = await sandbox.startSigning({ documentSha256: doc.sha256, aadhaarId: rajAadhaar, documentInfo: 'x' });
    const done = await sandbox.completeSigning({ transactionId: started.transactionId, otp: SANDBOX_OTP });
    const e = await appError(Promise.resolve().then(() => verifyESignSignature({ signature: done.signatureBase64, content: doc.bytes, trustedCaPems: pki.trustedCaPems, espFingerprintsSha256: ['00'.repeat(32)] })));
    expect(e.code).toBe(ErrorCode.SignatureInvalid);
    expect(e.message).toMatch(/not made by an accepted Aadhaar eSign service provider/);
  });

  it('wrong OTPs count down, then the request is cancelled', async () => {
    const started = await sandbox.startSigning({ documentSha256: doc.sha256, aadhaarId: rajAadhaar, documentInfo: 'x' });
    const e1 = await appError(sandbox.completeSigning({ transactionId: started.transactionId, otp: '000000' }));
    expect(e1.code).toBe(ErrorCode.EsignOtpInvalid);
    expect(e1.message).toBe('Wrong OTP. 2 attempts left.');
    await appError(sandbox.completeSigning({ transactionId: started.transactionId, otp: '000000' }));
    const e3 = await appError(sandbox.completeSigning({ transactionId: started.transactionId, otp: '000000' }));
    expect(e3.message).toMatch(/too many times/);
    expect((await appError(sandbox.completeSigning({ transactionId: started.transactionId, otp: SANDBOX_OTP }))).code).toBe(ErrorCode.EsignTransactionInvalid);
  });

  it('a transaction is single-use and expires', async () => {
    const started = await sandbox.startSigning({ documentSha256: doc.sha256, aadhaarId: rajAadhaar, documentInfo: 'x' });
    await sandbox.completeSigning({ transactionId: started.transactionId, otp: SANDBOX_OTP });
    expect((await appError(sandbox.completeSigning({ transactionId: started.transactionId, otp: SANDBOX_OTP }))).message).toMatch(/already been used/);
    const late = await sandbox.startSigning({ documentSha256: doc.sha256, aadhaarId: rajAadhaar, documentInfo: 'x' });
    const saved = clock;
    clock = new Date(saved.getTime() + 11 * 60 * 1000);
    try {
      expect((await appError(sandbox.completeSigning({ transactionId: late.transactionId, otp: SANDBOX_OTP }))).message).toMatch(/expired/);
    } finally {
      clock = saved;
    }
  });

  it('refuses invalid input clearly', async () => {
    expect((await appError(sandbox.startSigning({ documentSha256: 'abc', aadhaarId: rajAadhaar, documentInfo: 'x' }))).problems?.[0]?.path).toBe('documentSha256');
    expect((await appError(sandbox.startSigning({ documentSha256: doc.sha256, aadhaarId: '123456789012', documentInfo: 'x' }))).message).toMatch(/not a valid Aadhaar/);
    expect((await appError(sandbox.startSigning({ documentSha256: doc.sha256, aadhaarId: withVerhoeffDigit('99990000199'), documentInfo: 'x' }))).message).toMatch(/No Aadhaar record/);
  });
});
