import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkVerificationLinkToken,
  createCertificateQrContent,
  generateDevQrKeyPem,
  loadQrSigningKey,
  parseQrContent,
  publicJwks,
  verificationLinkToken,
  verificationUrl,
  verifyQrContent,
} from '../../../services/certificate/qr-payload.js';
import { encodeQr } from '../../../services/pdf/qr-code.js';
import { sampleAseanCertificate, sampleOmanCertificate } from '../../../services/certificate/samples.js';
import { buildQrClaims } from '../../../domain/certificate/qr-claims.js';

describe('QR payload', () => {
  it('summarises the certificate in short claims', () => {
    const claims = buildQrClaims(sampleOmanCertificate({ items: 6 }));
    expect(claims).toEqual({
      v: 1,
      no: 'EIC/MUM/IOCEPA/2026/000142',
      dt: '2026-06-02',
      ag: 'IOCEPA',
      ex: 'RAJ OVERSEAS PRIVATE LIMITED',
      iec: 'AAACR5055K',
      ic: 'OM',
      hs: ['030617', '030743', '160414', '100630'],
      tv: expect.stringMatching(/^\d+\.\d\d$/) as unknown as string,
      cur: 'USD',
    });
  });

  it('signs with ES256 and verifies offline with the published JWKS only', async () => {
    const key = await loadQrSigningKey(generateDevQrKeyPem());
    const doc = sampleAseanCertificate();
    const qr = await createCertificateQrContent({ document: doc, key, publicBaseUrl: 'https://trade.gov.in/', linkSecret: 's' });
    expect(qr.text).toBe(`${qr.url}#${qr.jws}`);
    expect(qr.url).toBe(`https://trade.gov.in/verify?no=EIC/KOC/AIFTA/2026/000077&t=${verificationLinkToken(doc.certificateNumber, 's')}`);
    const jwks = publicJwks([key]);
    expect(jwks.keys[0]).toEqual({ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: key.kid, alg: 'ES256', use: 'sig' });
    expect(JSON.stringify(jwks)).not.toContain('"d"');
    const header = JSON.parse(Buffer.from(qr.jws.split('.')[0] ?? '', 'base64url').toString());
    expect(header).toEqual({ alg: 'ES256', kid: key.kid });
    const result = await verifyQrContent(qr.text, jwks);
    expect(result).toEqual({ valid: true, kid: key.kid, claims: qr.claims, url: qr.url });
  });

  it('detects tampering, unknown keys, a swapped URL and a missing payload', async () => {
    const key = await loadQrSigningKey(generateDevQrKeyPem());
    const jwks = publicJwks([key]);
    const qr = await createCertificateQrContent({ document: sampleOmanCertificate(), key, publicBaseUrl: 'https://trade.gov.in', linkSecret: 's' });
    const [h, p, s] = qr.jws.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    claims.tv = '999999.00';
    const forgedPayload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    expect(await verifyQrContent(`${qr.url}#${h}.${forgedPayload}.${s}`, jwks)).toMatchObject({ valid: false, reason: 'bad_signature' });

    const other = await loadQrSigningKey(generateDevQrKeyPem());
    expect(await verifyQrContent(qr.text, publicJwks([other]))).toMatchObject({ valid: false, reason: 'unknown_key' });

    const otherUrl = verificationUrl('https://trade.gov.in', 'EIC/MUM/IOCEPA/2026/000999', 'x');
    expect(await verifyQrContent(`${otherUrl}#${qr.jws}`, jwks)).toMatchObject({ valid: false, reason: 'number_mismatch' });
    expect(await verifyQrContent(qr.url, jwks)).toMatchObject({ valid: false, reason: 'no_signed_payload' });
    expect(await verifyQrContent(`${qr.url}#not-a-jws`, jwks)).toMatchObject({ valid: false, reason: 'malformed' });
    // a bare JWS (an app that stored only the payload) still verifies
    expect(await verifyQrContent(qr.jws, jwks)).toMatchObject({ valid: true });
  });

  it('keeps verifying old certificates after a key rotation when the old key stays published', async () => {
    const oldKey = await loadQrSigningKey(generateDevQrKeyPem(), 'coo-2026a');
    const newKey = await loadQrSigningKey(generateDevQrKeyPem(), 'coo-2026b');
    const qr = await createCertificateQrContent({ document: sampleOmanCertificate(), key: oldKey, publicBaseUrl: 'https://trade.gov.in', linkSecret: 's' });
    expect(await verifyQrContent(qr.text, publicJwks([newKey, oldKey.publicJwk]))).toMatchObject({ valid: true, kid: 'coo-2026a' });
  });

  it('refuses keys that are not P-256', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await expect(loadQrSigningKey(rsa)).rejects.toThrow('The QR signing key must be an EC P-256 key (ES256).');
    await expect(loadQrSigningKey('not a key')).rejects.toThrow('The QR signing key is not a readable PEM private key.');
  });

  it('binds the link token to the number and the secret', () => {
    const t = verificationLinkToken('EIC/MUM/IOCEPA/2026/000142', 'secret');
    expect(t).toMatch(/^[\w-]{22}$/);
    expect(checkVerificationLinkToken('EIC/MUM/IOCEPA/2026/000142', t, 'secret')).toBe(true);
    expect(checkVerificationLinkToken('EIC/MUM/IOCEPA/2026/000143', t, 'secret')).toBe(false);
    expect(checkVerificationLinkToken('EIC/MUM/IOCEPA/2026/000142', t, 'other')).toBe(false);
    expect(checkVerificationLinkToken('EIC/MUM/IOCEPA/2026/000142', 'short', 'secret')).toBe(false);
  });

  it('uses a stored link token when given one, and refuses to build a link without any', async () => {
    const key = await loadQrSigningKey(generateDevQrKeyPem());
    const document = sampleOmanCertificate();
    const stored = 'Zk3u9Q_x2LmT7vB0aR5sYw';
    const qr = await createCertificateQrContent({ document, key, publicBaseUrl: 'https://trade.gov.in', linkToken: stored });
    expect(qr.url).toBe(`https://trade.gov.in/verify?no=${document.certificateNumber}&t=${stored}`);
    await expect(createCertificateQrContent({ document, key, publicBaseUrl: 'https://trade.gov.in' })).rejects.toThrow('The QR link needs a token');
    await expect(createCertificateQrContent({ document, key, publicBaseUrl: 'https://trade.gov.in', linkToken: 'a b' })).rejects.toThrow('The QR link needs a token');
  });

  it('parses scanned text', () => {
    expect(parseQrContent('https://trade.gov.in/verify?no=A/B&t=tok#h.p.s')).toEqual({ url: 'https://trade.gov.in/verify?no=A/B&t=tok', certificateNumber: 'A/B', token: 'tok', jws: 'h.p.s' });
  });

  it('fits a typical certificate in a QR code of version 17 or less at level M', async () => {
    const key = await loadQrSigningKey(generateDevQrKeyPem());
    const qr = await createCertificateQrContent({ document: sampleOmanCertificate(), key, publicBaseUrl: 'https://trade.gov.in', linkSecret: 's' });
    const m = encodeQr(qr.text, 'M');
    expect(m.version).toBeLessThanOrEqual(17);
    expect(m.size).toBe(17 + 4 * m.version);
  });
});
