import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestPki, type TestPki } from '../../../scripts/pki/test-pki.js';
import { parseCertificate } from '../../../domain/identity/parse-certificate.js';

let dir: string;
let first: TestPki;
let second: TestPki;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pki-gen-'));
  // two callers at once (parallel test files): one generates, both get the same PKI
  [first, second] = await Promise.all([ensureTestPki(dir), ensureTestPki(dir)]);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ensureTestPki', () => {
  it('generates once and loads the same PKI afterwards', async () => {
    expect(second.rootCaPem).toBe(first.rootCaPem);
    const again = await ensureTestPki(dir);
    expect(again.identities['exporter-raj']!.certPem).toBe(first.identities['exporter-raj']!.certPem);
    expect(again.password).toBe('test1234');
    expect(again.trustedCaPems).toEqual([again.rootCaPem, again.subCaPem]);
  });

  it('writes a certificate, key and .p12 per identity', () => {
    const names = Object.keys(first.identities);
    expect(names).toEqual(expect.arrayContaining([
      'exporter-raj', 'exporter-raj-user2', 'exporter-anita', 'exporter-senthil', 'exporter-expired', 'exporter-not-yet-valid',
      'exporter-wrong-iec', 'exporter-no-iec', 'exporter-untrusted', 'exporter-bad-usage', 'exporter-class1', 'exporter-name-variant',
      'officer-eic-mum', 'officer-eic-koc', 'officer-eic-chn', 'officer-mpeda-koc', 'officer-fieo-del',
      'eseal-EIC-MUM', 'eseal-EIC-KOC', 'eseal-EIC-CHN', 'eseal-MPEDA-KOC', 'eseal-FIEO-DEL', 'esign-sandbox',
    ]));
    for (const n of names) {
      for (const suffix of ['.cert.pem', '.key.pem', '.p12']) expect(existsSync(join(dir, `${n}${suffix}`))).toBe(true);
      expect(first.identities[n]!.p12Path).toBe(join(dir, `${n}.p12`));
    }
  });

  it('puts the IEC in OU and names the hierarchy as specified', () => {
    const raj = parseCertificate(first.identities['exporter-raj']!.certPem);
    expect(raj.subject.filter((a) => a.type === 'OU').map((a) => a.value)).toEqual(['AAACR5055K']);
    expect(raj.subject.find((a) => a.type === 'CN')?.value).toBe('RAJ KUMAR SHARMA');
    expect(raj.policyOids).toEqual(['2.16.356.100.2.3']);
    expect(raj.issuer.find((a) => a.type === 'CN')?.value).toBe('CoO Test Sub-CA (Class 3)');
    expect(parseCertificate(first.identities['exporter-untrusted']!.certPem).issuer.find((a) => a.type === 'CN')?.value).toBe('Rogue Root CA');
    const seal = parseCertificate(first.identities['eseal-MPEDA-KOC']!.certPem);
    expect(seal.subject.find((a) => a.type === 'CN')?.value).toBe('MPEDA-KOC e-Seal');
    expect(seal.subject.find((a) => a.type === 'O')?.value).toBe('Marine Products Export Development Authority');
  });

  it('produces files OpenSSL accepts (chain and PKCS#12)', () => {
    const out = execFileSync('openssl', ['verify', '-CAfile', join(dir, 'root-ca.cert.pem'), '-untrusted', join(dir, 'sub-ca.cert.pem'), join(dir, 'officer-eic-mum.cert.pem')]);
    expect(out.toString()).toMatch(/OK/);
    const p12 = execFileSync('openssl', ['pkcs12', '-in', join(dir, 'officer-eic-mum.p12'), '-passin', 'pass:test1234', '-nokeys', '-clcerts']);
    expect(p12.toString()).toMatch(/subject=.*PRIYA DESHPANDE/);
  });
});
