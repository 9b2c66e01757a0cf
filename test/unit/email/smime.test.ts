import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { beforeAll, describe, expect, it } from 'vitest';
import { composeSignedMessage, identityFromPkcs12, signMimeMessage, type SmimeSigningIdentity } from '../../../channels/email/smime-sign.js';
import { smimeKind, verifyPkcs7, verifySmime } from '../../../channels/email/verify-smime.js';
import { ensureTestPki, type TestPki } from '../../../scripts/pki/test-pki.js';

let pki: TestPki;
let raj: SmimeSigningIdentity;
let anita: SmimeSigningIdentity;

const mail = {
  from: 'Raj Kumar Sharma <raj@rajoverseas.test>',
  to: 'helpdesk+token@coo.test',
  subject: 'Re: Deficiency raised on application HQRCCOAPPLY00000019AM25',
  text: 'Dear Sir,\nThe corrected invoice is attached. Item value is now USD 1,500.\n',
  attachments: [{ filename: 'invoice.pdf', content: Buffer.from('%PDF-1.7\n% test\n'), contentType: 'application/pdf' }],
};

const sameCert = (a: string, b: string) => new X509Certificate(a).fingerprint256 === new X509Certificate(b).fingerprint256;

beforeAll(async () => {
  pki = await ensureTestPki(join(tmpdir(), 'coo-test-pki'));
  const id = (name: string) => {
    const i = pki.identities[name];
    if (!i) throw new Error(`test PKI has no ${name}`);
    return i;
  };
  raj = { certPem: id('exporter-raj').certPem, keyPem: id('exporter-raj').keyPem, chainPems: [pki.subCaPem, pki.rootCaPem] };
  anita = { certPem: id('exporter-anita').certPem, keyPem: id('exporter-anita').keyPem };
});

describe('S/MIME sign and verify', () => {
  it('a detached (multipart/signed) reply verifies and names its signer', async () => {
    const raw = await composeSignedMessage(mail, raj, { signingTime: new Date('2025-03-04T05:00:00Z') });
    expect(raw.toString('latin1')).toMatch(/Content-Type: multipart\/signed; protocol="application\/pkcs7-signature"; micalg=sha-256/);
    expect(smimeKind(raw)).toBe('detached');
    const result = verifySmime(raw);
    if (!result.ok) throw new Error(result.message);
    expect(result.kind).toBe('detached');
    expect(sameCert(result.signerCertificatePem, raj.certPem)).toBe(true);
    expect(result.certificatesPem).toHaveLength(3);
    expect(result.signers[0]?.subject).toContain('CN=RAJ KUMAR SHARMA');
    expect(result.signers[0]?.signingTime?.toISOString()).toBe('2025-03-04T05:00:00.000Z');
    expect(result.content.toString('latin1')).toContain('The corrected invoice is attached.');
    expect(result.content.toString('latin1')).toContain('invoice.pdf');
  });

  it('an opaque (application/pkcs7-mime signed-data) message verifies and yields the signed content', async () => {
    const raw = await composeSignedMessage(mail, raj, { mode: 'opaque' });
    expect(smimeKind(raw)).toBe('opaque');
    const result = verifySmime(raw);
    if (!result.ok) throw new Error(result.message);
    expect(result.kind).toBe('opaque');
    expect(sameCert(result.signerCertificatePem, raj.certPem)).toBe(true);
    expect(result.content.toString('latin1')).toMatch(/^Content-Type: multipart\/mixed/);
  });

  it('still verifies after the line endings were changed to LF (canonical CRLF form is checked)', async () => {
    const raw = await composeSignedMessage(mail, raj);
    const lf = raw.toString('latin1').replace(/\r\n/g, '\n');
    expect(verifySmime(Buffer.from(lf, 'latin1')).ok).toBe(true);
  });

  it('still verifies with delivery headers added on top and a signed part inside a multipart/mixed wrapper', async () => {
    const raw = (await composeSignedMessage(mail, raj)).toString('latin1');
    const withTrace = `Return-Path: <raj@rajoverseas.test>\r\nDelivered-To: helpdesk+token@coo.test\r\nReceived: from mx by coo.test with LMTP\r\n${raw}`;
    expect(verifySmime(withTrace).ok).toBe(true);
    const split = raw.indexOf('\r\nContent-Type: multipart/signed');
    const headers = raw.slice(0, split);
    const signedEntity = raw.slice(split + 2);
    const wrapped = `${headers}\r\nContent-Type: multipart/mixed; boundary="footer"\r\n\r\n--footer\r\n${signedEntity}\r\n--footer\r\nContent-Type: text/plain\r\n\r\nSent through the list\r\n--footer--\r\n`;
    const result = verifySmime(wrapped.replace('MIME-Version: 1.0\r\n', ''));
    expect(result.ok).toBe(true);
  });

  it('detects a message changed after signing', async () => {
    const raw = (await composeSignedMessage(mail, raj)).toString('latin1');
    const tampered = raw.replace('USD 1,500', 'USD 9,500');
    expect(tampered).not.toBe(raw);
    expect(verifySmime(tampered)).toMatchObject({ ok: false, code: 'digest_mismatch' });
  });

  it('detects an opaque message changed after signing', async () => {
    const raw = await composeSignedMessage({ ...mail, attachments: [] }, raj, { mode: 'opaque' });
    const text = raw.toString('latin1');
    const [head = '', body = ''] = text.split('\r\n\r\n');
    const der = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('binary');
    const changed = der.replace('USD 1,500', 'USD 9,500');
    expect(changed).not.toBe(der);
    const tampered = `${head}\r\n\r\n${Buffer.from(changed, 'binary').toString('base64')}\r\n`;
    expect(verifySmime(tampered)).toMatchObject({ ok: false, code: 'digest_mismatch' });
  });

  it('refuses a signature made with another key than the certificate it names', () => {
    // Raj's key, Anita's certificate: the signature cannot verify with Anita's public key.
    const forged = signMimeMessage('Content-Type: text/plain\r\n\r\nhello\r\n', { certPem: anita.certPem, keyPem: raj.keyPem });
    expect(verifySmime(forged)).toMatchObject({ ok: false, code: 'signature_invalid' });
  });

  it('reports a signature without the signer certificate', () => {
    const signed = signMimeMessage('Content-Type: text/plain\r\n\r\nhello\r\n', raj).toString('latin1');
    const m = /boundary="([^"]+)"/.exec(signed);
    const boundary = m?.[1] ?? '';
    const parts = signed.split(`--${boundary}`);
    const sigPart = parts[2] ?? '';
    const b64 = sigPart.split('\r\n\r\n')[1] ?? '';
    const asn = forge.asn1.fromDer(Buffer.from(b64.replace(/\s+/g, ''), 'base64').toString('binary'));
    const sd = ((asn.value as forge.asn1.Asn1[])[1]?.value as forge.asn1.Asn1[])[0];
    if (!sd) throw new Error('no signed data');
    sd.value = (sd.value as forge.asn1.Asn1[]).filter((n) => !(n.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && n.type === 0));
    const stripped = Buffer.from(forge.asn1.toDer(asn).getBytes(), 'binary');
    expect(verifyPkcs7(stripped, Buffer.from(parts[1]?.slice(2, -2) ?? '', 'latin1'))).toMatchObject({
      ok: false,
      code: 'signer_certificate_missing',
    });
  });

  it('reports unsigned, encrypted and malformed messages in plain words', () => {
    expect(verifySmime('From: a@b.c\r\nSubject: hi\r\n\r\nhello\r\n')).toEqual({
      ok: false,
      code: 'not_signed',
      message: 'The message is not signed (no S/MIME signature found).',
    });
    expect(smimeKind('From: a@b.c\r\n\r\nhello')).toBeNull();
    expect(verifySmime('Content-Type: application/pkcs7-mime; smime-type=enveloped-data\r\nContent-Transfer-Encoding: base64\r\n\r\nMIIB\r\n')).toMatchObject({
      ok: false,
      code: 'encrypted',
    });
    const garbage = 'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\nContent-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n\r\nbm90IGEgc2lnbmF0dXJl\r\n--b--\r\n';
    const result = verifySmime(garbage);
    expect(result).toMatchObject({ ok: false, code: 'malformed' });
    expect(result.ok ? '' : result.message).toMatch(/^The signature could not be read/);
    expect(verifySmime('Content-Type: multipart/signed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n')).toMatchObject({
      ok: false,
      code: 'malformed',
      message: 'The signed message should have 2 parts (content and signature), not 1.',
    });
  });
});

describe('identityFromPkcs12', () => {
  it('reads the key, the certificate and the chain from the test PKI .p12', () => {
    const id = pki.identities['exporter-raj'];
    if (!id) throw new Error('no exporter-raj');
    const fromP12 = identityFromPkcs12(readFileSync(id.p12Path), pki.password);
    expect(sameCert(fromP12.certPem, id.certPem)).toBe(true);
    expect(fromP12.chainPems).toHaveLength(2);
    const raw = signMimeMessage('Content-Type: text/plain\r\n\r\nsigned with the p12\r\n', fromP12);
    const result = verifySmime(raw);
    expect(result.ok && sameCert(result.signerCertificatePem, id.certPem)).toBe(true);
  });

  it('explains a wrong password', () => {
    const id = pki.identities['exporter-raj'];
    if (!id) throw new Error('no exporter-raj');
    expect(() => identityFromPkcs12(readFileSync(id.p12Path), 'wrong')).toThrow(/cannot be opened \(wrong password or damaged file\)/);
  });
});
