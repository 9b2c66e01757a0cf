/**
 * S/MIME interoperability with an independent implementation (the openssl command, Debian package
 * "openssl"): messages signed by openssl verify here, messages signed here verify with openssl.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInboundMessage } from '../../../channels/email/parse-message.js';
import { composeSignedMessage } from '../../../channels/email/smime-sign.js';
import { verifySmime } from '../../../channels/email/verify-smime.js';
import { ensureTestPki, type TestPki, type TestIdentity } from '../../../scripts/pki/test-pki.js';

let dir: string;
let pki: TestPki;
let raj: TestIdentity;

const ENTITY = [
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: 7bit',
  '',
  'Dear Sir,',
  'The corrected invoice for HQRCCOAPPLY00000019AM25 will follow.',
  '',
].join('\r\n');

function openssl(args: string[], input?: string | Buffer): { status: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync('openssl', args, { input, maxBuffer: 10 * 1024 * 1024 });
  if (r.error) throw new Error(`The openssl command is needed for this test (Debian package "openssl"): ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function signWithOpenssl(extra: string[], cert: string, key: string): Buffer {
  const r = openssl([
    'smime', '-sign', '-in', file('entity.txt', ENTITY), '-signer', cert, '-inkey', key,
    '-from', 'raj@rajoverseas.test', '-to', 'helpdesk@coo.test', '-subject', 'Re: Deficiency', ...extra,
  ]);
  if (r.status !== 0) throw new Error(`openssl smime -sign failed: ${r.stderr}`);
  return r.stdout;
}

beforeAll(async () => {
  execFileSync('openssl', ['version']);
  dir = mkdtempSync(join(tmpdir(), 'coo-smime-'));
  pki = await ensureTestPki(join(tmpdir(), 'coo-test-pki'));
  const id = pki.identities['exporter-raj'];
  if (!id) throw new Error('no exporter-raj in the test PKI');
  raj = id;
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

describe('openssl-signed messages verify here', () => {
  it('detached (multipart/signed), SHA-256', () => {
    const raw = signWithOpenssl(['-md', 'sha256', '-certfile', file('chain.pem', pki.subCaPem)], file('raj.pem', raj.certPem), file('raj.key', raj.keyPem));
    expect(raw.toString()).toContain('multipart/signed');
    const result = verifySmime(raw);
    if (!result.ok) throw new Error(result.message);
    expect(result.kind).toBe('detached');
    expect(fingerprint(result.signerCertificatePem)).toBe(fingerprint(raj.certPem));
    expect(result.content.toString()).toContain('The corrected invoice for HQRCCOAPPLY00000019AM25 will follow.');
  });

  it('opaque and streamed (BER, indefinite lengths), SHA-512', async () => {
    const raw = signWithOpenssl(['-md', 'sha512', '-nodetach', '-stream'], file('raj.pem', raj.certPem), file('raj.key', raj.keyPem));
    expect(raw.toString()).toContain('application/x-pkcs7-mime');
    const result = verifySmime(raw);
    if (!result.ok) throw new Error(result.message);
    expect(result.kind).toBe('opaque');
    expect(result.signers[0]?.digestAlgorithm).toBe('sha512');
    const parsed = await parseInboundMessage(raw);
    expect(parsed.text.reply).toBe('Dear Sir,\nThe corrected invoice for HQRCCOAPPLY00000019AM25 will follow.');
  });

  it('without signed attributes', () => {
    const raw = signWithOpenssl(['-noattr'], file('raj.pem', raj.certPem), file('raj.key', raj.keyPem));
    const result = verifySmime(raw);
    expect(result.ok).toBe(true);
    expect(result.ok && result.signers[0]?.signingTime).toBeNull();
  });

  it('with an ECDSA (P-256) key', () => {
    const key = join(dir, 'ec.key');
    const cert = join(dir, 'ec.pem');
    const r = openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '30', '-subj', '/C=IN/O=RAJ OVERSEAS PRIVATE LIMITED/OU=AAACR5055K/CN=RAJ KUMAR SHARMA']);
    expect(r.status).toBe(0);
    const result = verifySmime(signWithOpenssl([], cert, key));
    if (!result.ok) throw new Error(result.message);
    expect(result.signers[0]?.subject).toContain('CN=RAJ KUMAR SHARMA');
  });

  it('refuses SHA-1 in plain words', () => {
    const raw = signWithOpenssl(['-md', 'sha1'], file('raj.pem', raj.certPem), file('raj.key', raj.keyPem));
    expect(verifySmime(raw)).toEqual({
      ok: false,
      code: 'unsupported_algorithm',
      message: 'The message is signed with SHA-1, which is no longer accepted; sign with SHA-256.',
    });
  });

  it('detects tampering in an openssl-signed message', () => {
    const raw = signWithOpenssl([], file('raj.pem', raj.certPem), file('raj.key', raj.keyPem)).toString('latin1');
    expect(verifySmime(raw.replace('will follow', 'is attached'))).toMatchObject({ ok: false, code: 'digest_mismatch' });
  });
});

describe('messages signed here verify with openssl', () => {
  it('detached and opaque, against the test root CA', async () => {
    const chain = { certPem: raj.certPem, keyPem: raj.keyPem, chainPems: [pki.subCaPem] };
    const mail = { from: 'raj@rajoverseas.test', to: 'helpdesk@coo.test', subject: 'Signed here', text: 'Checked by openssl.\n' };
    const ca = file('trusted-cas.pem', pki.trustedCaPems.join(''));
    for (const mode of ['detached', 'opaque'] as const) {
      const raw = await composeSignedMessage(mail, chain, { mode });
      const r = openssl(['smime', '-verify', '-in', file(`signed-${mode}.eml`, raw), '-CAfile', ca, '-purpose', 'any']);
      expect(r.stderr).toContain('Verification successful');
      expect(r.status).toBe(0);
      expect(r.stdout.toString()).toContain('Checked by openssl.');
    }
    const tampered = (await composeSignedMessage(mail, chain)).toString('latin1').replace('Checked by', 'Changed by');
    const bad = openssl(['smime', '-verify', '-in', file('tampered.eml', tampered), '-CAfile', ca, '-purpose', 'any']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/digest failure|Verification failure/i);
  });

  it('a certificate from another root is refused by openssl (the chain matters to the caller)', async () => {
    const rogue = pki.identities['exporter-untrusted'];
    if (!rogue) throw new Error('no exporter-untrusted in the test PKI');
    const raw = await composeSignedMessage({ from: 'raj@rajoverseas.test', to: 'helpdesk@coo.test', subject: 'x', text: 'x' }, { certPem: rogue.certPem, keyPem: rogue.keyPem });
    expect(verifySmime(raw).ok).toBe(true);
    const r = openssl(['smime', '-verify', '-in', file('rogue.eml', raw), '-CAfile', file('cas.pem', pki.trustedCaPems.join('')), '-purpose', 'any']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/unable to get local issuer certificate|self.signed certificate/i);
  });
});
