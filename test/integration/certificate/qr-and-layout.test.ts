import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCertificatePdf } from '../../../services/certificate/issue-certificate-pdf.js';
import {
  checkVerificationLinkToken,
  generateDevQrKeyPem,
  loadQrSigningKey,
  parseQrContent,
  publicJwks,
  verifyQrContent,
} from '../../../services/certificate/qr-payload.js';
import { renderCertificate } from '../../../services/certificate/render-certificate.js';
import { sampleAseanCertificate, sampleOmanCertificate } from '../../../services/certificate/samples.js';
import type { CertificateDocument } from '../../../domain/certificate/types.js';
import { createCertificateTestEnv, pdfsig, renderPages, runTool, zbar, type CertificateTestEnv } from './helpers.js';

let env: CertificateTestEnv;

beforeAll(async () => {
  env = await createCertificateTestEnv('coo-cert-qr');
}, 120_000);
afterAll(async () => env?.cleanup());

async function pdftotext(file: string, page?: number): Promise<string> {
  const args = ['-layout', ...(page ? ['-f', String(page), '-l', String(page)] : []), file, '-'];
  return (await runTool('pdftotext', args)).stdout;
}

describe('QR code, decoded from the rendered page', () => {
  it('is the verification URL, and its signed payload verifies offline with the published keys', async () => {
    const doc = sampleOmanCertificate();
    const issued = await issueCertificatePdf(doc, env.issuer);
    const file = join(env.dir, 'qr.pdf');
    await writeFile(file, issued.pdf);
    const [png] = await renderPages(file, join(env.dir, 'qr-page'), { dpi: 200, first: 1, last: 1 });
    if (!png) throw new Error('no page rendered');
    const decoded = await zbar(png);
    expect(decoded).toHaveLength(1);
    const text = decoded[0] ?? '';
    expect(text).toBe(issued.qr.text);

    const parsed = parseQrContent(text);
    expect(parsed.url).toBe(`https://trade.example.gov.in/verify?no=${doc.certificateNumber}&t=${parsed.token}`);
    expect(parsed.certificateNumber).toBe(doc.certificateNumber);
    expect(checkVerificationLinkToken(doc.certificateNumber, parsed.token ?? '', 'test-link-secret')).toBe(true);
    expect(checkVerificationLinkToken('EIC/MUM/IOCEPA/2026/000143', parsed.token ?? '', 'test-link-secret')).toBe(false);

    // the JWKS as a border agent's app would have downloaded it earlier (JSON round trip)
    const jwks = JSON.parse(JSON.stringify(publicJwks([env.qrKey])));
    const result = await verifyQrContent(text, jwks);
    expect(result).toMatchObject({
      valid: true,
      kid: env.qrKey.kid,
      claims: { v: 1, no: doc.certificateNumber, dt: '2026-06-02', ag: 'IOCEPA', ex: 'RAJ OVERSEAS PRIVATE LIMITED', iec: 'AAACR5055K', ic: 'OM', hs: ['030617', '030743', '160414'], tv: '5199.75', cur: 'USD' },
    });

    const otherKey = await loadQrSigningKey(generateDevQrKeyPem(), env.qrKey.kid);
    expect(await verifyQrContent(text, publicJwks([otherKey]))).toMatchObject({ valid: false, reason: 'bad_signature' });
    const unrelated = await loadQrSigningKey(generateDevQrKeyPem());
    expect(await verifyQrContent(text, publicJwks([unrelated]))).toMatchObject({ valid: false, reason: 'unknown_key' });
  });

  it('stays scannable for a large payload (20 HS codes, long names)', async () => {
    const doc = sampleOmanCertificate({ items: 24, number: 'FIEO/DEL/IOCEPA/2026/001234' });
    doc.exporter.name = 'SHREE GANESH AGRO FOODS AND MARINE PRODUCTS EXPORTS PRIVATE LIMITED';
    doc.goods.forEach((g, i) => {
      g.hsCode = String(30_000_000 + i * 1013).padStart(8, '0');
    });
    const issued = await issueCertificatePdf(doc, env.issuer);
    expect(issued.qr.version).toBeLessThanOrEqual(25);
    const file = join(env.dir, 'qr-large.pdf');
    await writeFile(file, issued.pdf);
    const [png] = await renderPages(file, join(env.dir, 'qr-large-page'), { dpi: 200, first: 1, last: 1 });
    if (!png) throw new Error('no page rendered');
    const [text] = await zbar(png);
    expect(text).toBe(issued.qr.text);
    const result = await verifyQrContent(text ?? '', publicJwks([env.qrKey]));
    expect(result.valid).toBe(true);
    if (result.valid) {
      expect(result.claims.hs).toHaveLength(20);
      expect(result.claims.hsMore).toBe(4);
    }
  });
});

describe('layout', () => {
  it('continues 60 goods items on continuation sheets, each item exactly once, signed as a whole', async () => {
    const doc = sampleOmanCertificate({ items: 60 });
    const rendered = await renderCertificate({ document: doc, images: env.issuer.images, qrText: 'https://trade.example.gov.in/verify?no=X', verifyAtUrl: 'https://trade.example.gov.in/verify' });
    expect(rendered.pageCount).toBeGreaterThan(2);
    expect(rendered.itemsPerPage.flat()).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));

    const issued = await issueCertificatePdf(doc, env.issuer);
    expect(issued.pageCount).toBe(rendered.pageCount);
    const file = join(env.dir, 'sixty.pdf');
    await writeFile(file, issued.pdf);
    expect(await pdfsig(file, env.nssDir)).toContain('Signature is Valid.');

    const info = (await runTool('pdfinfo', [file])).stdout;
    expect(info).toMatch(new RegExp(`Pages:\\s+${issued.pageCount}`));
    const first = await pdftotext(file, 1);
    expect(first).toContain('more item(s) continued on the continuation sheet(s)');
    for (let p = 2; p <= issued.pageCount; p++) {
      const text = await pdftotext(file, p);
      expect(text).toContain('CONTINUATION SHEET');
      expect(text).toContain(`Page ${p} of ${issued.pageCount}`);
      expect(text).toContain(`Certificate No. ${doc.certificateNumber}`);
      expect(text).toContain('PRIYA DESHPANDE');
    }
    const last = await pdftotext(file, issued.pageCount);
    expect(last).toMatch(/\*\*\* 60 item\(s\) · \d+ package\(s\) · total value USD [\d,]+\.\d\d/);
    const all = await pdftotext(file);
    expect(all.match(/CONTINUATION SHEET/g)?.length).toBe(issued.pageCount - 1);
  });

  it('draws the India–Oman CEPA form with its boxes, and embeds Unicode fonts (Devanagari too)', async () => {
    const issued = await issueCertificatePdf(sampleOmanCertificate({ devanagari: true }), env.issuer);
    const file = join(env.dir, 'oman-boxes.pdf');
    await writeFile(file, issued.pdf);
    const text = await pdftotext(file);
    for (const s of [
      'ELECTRONIC COPY',
      'CERTIFICATE OF ORIGIN',
      'India – Oman Comprehensive Economic',
      'India Oman CEPA (Agency Issued)',
      "1. Exporter's name, address and country",
      "3. Importer's / consignee's name, address and country",
      '4. Means of transport and route',
      '7. Marks and numbers',
      '9. HS code',
      '10. Origin',
      '14. Declaration by the exporter',
      '15. Certification',
      'EIC/MUM/IOCEPA/2026/000142',
      'Date of issue: 02 JUN 2026',
      'AL MAHA FOODSTUFF TRADING LLC',
      'NHAVA SHEVA (INNSA1)',
      '030617',
      'the goods exported to OMAN',
    ]) {
      expect(text).toContain(s);
    }
    const fonts = (await runTool('pdffonts', [file])).stdout;
    // embedded, subset, with a ToUnicode map
    expect(fonts).toMatch(/[A-Z]{6}\+NotoSans-Regular\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
    expect(fonts).toMatch(/[A-Z]{6}\+NotoSansDevanagari-Regular\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
    const images = (await runTool('pdfimages', ['-list', file])).stdout;
    // signature and stamp, each with its soft mask (transparent background)
    expect(images.match(/\bsmask\b/g)?.length).toBe(2);
  });

  it('draws the ASEAN-India Form AI, with third-country invoicing ticked', async () => {
    const issued = await issueCertificatePdf(sampleAseanCertificate(), env.issuer);
    const file = join(env.dir, 'asean.pdf');
    await writeFile(file, issued.pdf);
    const text = await pdftotext(file);
    for (const s of [
      'ASEAN-INDIA FREE TRADE AREA',
      'PREFERENTIAL TARIFF CERTIFICATE OF ORIGIN',
      'FORM AI',
      '1. Goods consigned from',
      '2. Goods consigned to',
      'Consignee: MEKONG COLD STORAGE CO., LTD',
      '8. Origin',
      '11. Declaration by the exporter',
      '12. Certification',
      'Third Country Invoicing',
      'SEA PEARL TRADING PTE LTD',
      'Nguyễn Huệ',
      'HS 030617',
    ]) {
      expect(text).toContain(s);
    }
  });

  it('refuses a document that cannot be issued, naming every problem', async () => {
    const doc: CertificateDocument = { ...sampleOmanCertificate(), certificateNumber: 'eic 12', goods: [] };
    const err = await renderCertificate({ document: doc, images: env.issuer.images, qrText: 'x', verifyAtUrl: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'validation_failed' });
    expect((err as Error).message).toContain('The certificate number must be');
    expect((err as Error).message).toContain('A certificate needs at least one goods item');
  });
});
