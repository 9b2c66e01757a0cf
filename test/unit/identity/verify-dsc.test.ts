import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, ErrorCode } from '../../../lib/errors.js';
import { ensureTestPki, type TestPki } from '../../../scripts/pki/test-pki.js';
import { iecRuleFromConfig } from '../../../domain/identity/extract-iec.js';
import { verifyDsc, type VerifyDscInput } from '../../../domain/identity/verify-dsc.js';
import { matchNames } from '../../../domain/identity/match-names.js';

let pki: TestPki;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pki-dsc-'));
  pki = await ensureTestPki(dir);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cert(name: string): string {
  const id = pki.identities[name];
  if (!id) throw new Error(`no identity ${name}`);
  return id.certPem;
}

function failure(input: Partial<VerifyDscInput> & { certificate: string | Uint8Array }): AppError {
  try {
    verifyDsc({ trustedCaPems: pki.trustedCaPems, ...input });
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected verifyDsc to fail');
}

describe('verifyDsc', () => {
  it('accepts a valid class 3 exporter DSC with its IEC and returns its facts', () => {
    const facts = verifyDsc({ certificate: cert('exporter-raj'), trustedCaPems: pki.trustedCaPems, expectedIec: 'AAACR5055K' });
    expect(facts.subjectCommonName).toBe('RAJ KUMAR SHARMA');
    expect(facts.iec).toBe('AAACR5055K');
    expect(facts.class).toBe(3);
    expect(facts.issuerCommonName).toBe('CoO Test Sub-CA (Class 3)');
    expect(facts.chain).toEqual(['RAJ KUMAR SHARMA', 'CoO Test Sub-CA (Class 3)', 'CoO Test Root CA']);
    expect(facts.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(facts.serialNumber).toMatch(/^[0-9A-F]+$/);
    expect(new Date(facts.notAfter).getTime()).toBeGreaterThan(Date.now());
  });

  it('accepts the DSC in DER form and with only the root trusted when the sub-CA is offered as intermediate', () => {
    const der = Buffer.from(cert('exporter-anita').replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const facts = verifyDsc({ certificate: der, trustedCaPems: [pki.rootCaPem], intermediatePems: [pki.subCaPem], expectedIec: 'aabcs1429b' });
    expect(facts.iec).toBe('AABCS1429B');
  });

  it('accepts an additional user of the same IEC', () => {
    expect(verifyDsc({ certificate: cert('exporter-raj-user2'), trustedCaPems: pki.trustedCaPems, expectedIec: 'AAACR5055K' }).subjectCommonName).toBe('MEERA IYER');
  });

  it('accepts an officer DSC without an IEC check', () => {
    const facts = verifyDsc({ certificate: cert('officer-eic-mum'), trustedCaPems: pki.trustedCaPems, expectedIec: null });
    expect(facts.subjectCommonName).toBe('PRIYA DESHPANDE');
    expect(facts.iec).toBeNull();
  });

  it('rejects an expired DSC, saying so plainly first and keeping "Expired Certificate" as the legacy reference', () => {
    const e = failure({ certificate: cert('exporter-expired'), expectedIec: 'AAACR5055K' });
    expect(e.code).toBe(ErrorCode.DscExpired);
    expect(e.message).toMatch(/^This digital signature certificate expired on \d{4}-\d{2}-\d{2}, and an expired certificate cannot sign\. Apply for a fresh DSC and register it;/);
    expect(e.message.endsWith('Legacy message: "Expired Certificate".')).toBe(true);
    expect(e.details).toMatchObject({ rule: 'validity', legacyMessage: 'Expired Certificate' });
  });

  it('rejects a DSC that is not yet valid', () => {
    const e = failure({ certificate: cert('exporter-not-yet-valid'), expectedIec: 'AAACR5055K' });
    expect(e.code).toBe(ErrorCode.DscNotYetValid);
    expect(e.message).toMatch(/not valid yet/);
  });

  it('judges validity at the given "now"', () => {
    const later = new Date(Date.now() + 3 * 365 * 24 * 3600 * 1000);
    expect(failure({ certificate: cert('exporter-raj'), expectedIec: 'AAACR5055K', now: later }).code).toBe(ErrorCode.DscExpired);
    const soon = new Date(Date.now() + 60 * 24 * 3600 * 1000);
    expect(verifyDsc({ certificate: cert('exporter-not-yet-valid'), trustedCaPems: pki.trustedCaPems, expectedIec: 'AAACR5055K', now: soon }).iec).toBe('AAACR5055K');
  });

  it('rejects a DSC carrying another IEC: which IEC it carries, which token to insert, then the legacy text', () => {
    const e = failure({ certificate: cert('exporter-wrong-iec'), expectedIec: 'AAACR5055K' });
    expect(e.code).toBe(ErrorCode.DscIecNotMatched);
    expect(e.message).toBe(
      'This digital signature certificate belongs to IEC AABCS1429B, not to AAACR5055K, the IEC you act for. Insert the DSC token issued for IEC AAACR5055K. ' +
        'Legacy message: "IEC Not Matched, Kindly Insert Correct Token".',
    );
    expect(e.details?.foundIecs).toEqual(['AABCS1429B']);
    expect(e.details).toMatchObject({ rule: 'iec', legacyMessage: 'IEC Not Matched, Kindly Insert Correct Token' });
  });

  it('rejects a DSC without an IEC with its own explanation and the same legacy text', () => {
    const e = failure({ certificate: cert('exporter-no-iec'), expectedIec: 'AAACR5055K' });
    expect(e.code).toBe(ErrorCode.DscIecNotMatched);
    expect(e.message).toMatch(/^This digital signature certificate carries no IEC in its subject, and the portal needs a DGFT-type DSC with IEC AAACR5055K embedded\./);
    expect(e.message.endsWith('Legacy message: "IEC Not Matched, Kindly Insert Correct Token".')).toBe(true);
    expect(String(e.details?.reason)).toMatch(/no IEC/);
  });

  it('rejects a DSC from an untrusted CA', () => {
    const e = failure({ certificate: cert('exporter-untrusted'), expectedIec: 'AAACR5055K' });
    expect(e.code).toBe(ErrorCode.DscUntrusted);
    expect(String(e.details?.reason)).toContain('Rogue Root CA');
  });

  it('stays untrusted when the rogue root is merely offered as an intermediate', () => {
    const e = failure({ certificate: cert('exporter-untrusted'), intermediatePems: [pki.untrustedRootCaPem], expectedIec: 'AAACR5055K' });
    expect(e.code).toBe(ErrorCode.DscUntrusted);
  });

  it('rejects a DSC whose signature does not verify with its issuer', () => {
    const der = Buffer.from(cert('exporter-raj').replace(/-----[^-]+-----|\s/g, ''), 'base64');
    der[der.length - 10]! ^= 0x01;
    const e = failure({ certificate: der, expectedIec: 'AAACR5055K' });
    expect(e.code).toBe(ErrorCode.DscUntrusted);
    expect(String(e.details?.reason)).toMatch(/does not verify/);
  });

  it('rejects a DSC whose key usage does not allow signing', () => {
    const e = failure({ certificate: cert('exporter-bad-usage'), expectedIec: 'AAACR5055K' });
    expect(e.code).toBe(ErrorCode.DscKeyUsage);
  });

  it('rejects a CA certificate presented as a DSC', () => {
    expect(failure({ certificate: pki.subCaPem }).code).toBe(ErrorCode.DscKeyUsage);
  });

  it('rejects a class 1 DSC', () => {
    const e = failure({ certificate: cert('exporter-class1'), expectedIec: 'AAACR5055K' });
    expect(e.code).toBe(ErrorCode.DscClassNotAllowed);
    expect(e.message).toMatch(/Class II or Class III/);
  });

  it('a name-variant DSC passes the DSC rules; the identity-matching rule then explains the difference', () => {
    const facts = verifyDsc({ certificate: cert('exporter-name-variant'), trustedCaPems: pki.trustedCaPems, expectedIec: 'AAACR5055K' });
    const m = matchNames({ profileName: 'RAJ KUMAR SHARMA', certificateName: facts.subjectCommonName });
    expect(m.match).toBe(false);
    if (!m.match) expect(m.differences[0]!.description).toBe("different middle name: 'KUMAAR' in the certificate, 'KUMAR' in your profile (missing 'A' after 'KUMA')");
  });

  it('rejects garbage with a readable message', () => {
    const e = failure({ certificate: 'not a certificate' });
    expect(e.code).toBe(ErrorCode.ValidationFailed);
    expect(e.message).toMatch(/could not be read/);
  });

  it('reads the IEC from a configured attribute instead', () => {
    const byO = iecRuleFromConfig('2.5.4.10', '^(RAJ) OVERSEAS');
    expect(verifyDsc({ certificate: cert('exporter-raj'), trustedCaPems: pki.trustedCaPems, expectedIec: 'RAJ', options: { iecRule: byO } }).iec).toBe('RAJ');
    const e = failure({ certificate: cert('exporter-raj'), expectedIec: 'AAACR5055K', options: { iecRule: iecRuleFromConfig('2.5.4.5') } });
    expect(e.code).toBe(ErrorCode.DscIecNotMatched);
  });
});
