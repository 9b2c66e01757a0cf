import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCaptcha, createCaptcha } from '../../../services/certificate/captcha.js';
import {
  checkVerificationLinkToken,
  createCertificateQrContent,
  generateDevQrKeyPem,
  loadQrSigningKey,
  publicJwks,
  type QrSigningKey,
} from '../../../services/certificate/qr-payload.js';
import { sampleAseanCertificate, sampleOmanCertificate } from '../../../services/certificate/samples.js';
import {
  renderCertificatePage,
  renderLookupPage,
  renderNotFoundPage,
  renderWrongCaptchaPage,
  type VerificationPageContext,
} from '../../../services/certificate/verification-page.js';
import type { CertificateRecord } from '../../../domain/certificate/types.js';
import { findChromium } from '../../helpers/chromium.js';

/**
 * The verification pages in a real browser, behind a minimal node:http stand-in for the API routes
 * (the real routes live in the API; this server only wires the pure pieces the same way).
 */

const CAPTCHA_SECRET = 'captcha-secret-for-tests';
const LINK_SECRET = 'link-secret-for-tests';
const KNOWN_ANSWER = 'K7P2X';

const issued: CertificateRecord = {
  certificateNumber: 'EIC/MUM/IOCEPA/2026/000142',
  status: 'issued',
  issuedAt: '2026-06-02T09:41:00.000Z',
  document: sampleOmanCertificate({ devanagari: true }),
  history: [
    { at: '2026-06-02T09:41:00.000Z', type: 'issued', description: 'Certificate issued and digitally signed', actor: 'EIC Mumbai' },
  ],
  pdfSha256: 'a'.repeat(64),
  signedBy: { commonName: 'EIC-MUM e-Seal', organization: 'Export Inspection Council of India', serialNumber: '537C999DEC8FA184A614BDE14EF82284' },
};
const supersededDoc = sampleAseanCertificate();
const superseded: CertificateRecord = {
  certificateNumber: supersededDoc.certificateNumber,
  status: 'superseded',
  issuedAt: '2026-06-02T10:00:00.000Z',
  document: supersededDoc,
  supersededBy: `${supersededDoc.certificateNumber}/D1`,
  history: [
    { at: '2026-06-02T10:00:00.000Z', type: 'issued', description: 'Certificate issued and digitally signed' },
    { at: '2026-06-20T08:15:00.000Z', type: 'superseded', description: `Superseded by duplicate certificate ${supersededDoc.certificateNumber}/D1`, relatedCertificateNumber: `${supersededDoc.certificateNumber}/D1` },
  ],
};
const records = new Map([issued, superseded].map((r) => [r.certificateNumber, r]));

let server: Server;
let base: string;
let browser: Browser;
let qrKey: QrSigningKey;
const requests: string[] = [];

beforeAll(async () => {
  qrKey = await loadQrSigningKey(generateDevQrKeyPem());
  const jwks = publicJwks([qrKey]);
  // this page-only harness has no database: spent captchas in a set (the API keeps them in PostgreSQL)
  const spent = new Set<string>();
  const guard = { use: (id: string, _expiresAt: Date) => !spent.has(id) && !!spent.add(id) };
  const ctx: VerificationPageContext = { verifyPath: '/verify', keysUrl: '/.well-known/coo-keys.json' };
  const send = (res: import('node:http').ServerResponse, status: number, html: string) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html);
  };
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/verify') return send(res, 404, renderNotFoundPage(ctx));
    const captcha = () => createCaptcha({ secret: CAPTCHA_SECRET, answer: KNOWN_ANSWER });
    if (req.method === 'GET') {
      const no = url.searchParams.get('no') ?? '';
      const t = url.searchParams.get('t');
      if (no && t && checkVerificationLinkToken(no, t, LINK_SECRET)) {
        const record = records.get(no);
        return record ? send(res, 200, renderCertificatePage(ctx, { record, jwks })) : send(res, 404, renderNotFoundPage(ctx));
      }
      return send(res, 200, renderLookupPage(ctx, { captcha: captcha(), number: no }));
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const no = (form.get('no') ?? '').trim().toUpperCase();
      const check = checkCaptcha({ secret: CAPTCHA_SECRET, token: form.get('captchaToken') ?? '', answer: form.get('captcha') ?? '' });
      if (!check.ok || !guard.use(check.id, check.expiresAt)) {
        return send(res, 422, renderWrongCaptchaPage(ctx, { captcha: captcha(), number: no, expired: !check.ok && check.reason === 'expired' }));
      }
      const record = records.get(no);
      return record ? send(res, 200, renderCertificatePage(ctx, { record, jwks })) : send(res, 404, renderNotFoundPage(ctx));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: findChromium(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

async function open(path: string): Promise<{ page: Page; status: number | undefined }> {
  const page = await browser.newPage();
  page.on('request', (r) => requests.push(r.url()));
  const response = await page.goto(`${base}${path}`);
  return { page, status: response?.status() };
}

async function lookup(number: string, answer: string): Promise<{ page: Page; status: number | undefined }> {
  const { page } = await open('/verify');
  await page.getByLabel('Certificate number').fill(number);
  await page.getByLabel('Security code', { exact: true }).fill(answer);
  const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Verify certificate' }).click()]);
  await page.waitForLoadState();
  return { page, status: response.status() };
}

describe('verification page in Chromium', () => {
  it('shows the lookup form with a captcha image and labelled fields', async () => {
    const { page, status } = await open('/verify');
    expect(status).toBe(200);
    await expect(page.title()).resolves.toBe('Verify a certificate · Certificate of Origin verification');
    expect(await page.locator('svg[role=img]').count()).toBe(1);
    expect(await page.locator('svg text').count()).toBe(0);
    expect(await page.content()).not.toContain(KNOWN_ANSWER);
    await page.close();
  });

  it('refuses a wrong captcha', async () => {
    const { page, status } = await lookup(issued.certificateNumber, 'WRONG');
    expect(status).toBe(422);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('The security code was not typed correctly');
    await expect(page.getByLabel('Security code', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.getByLabel('Certificate number').inputValue()).resolves.toBe(issued.certificateNumber);
    expect(await page.content()).not.toContain('AL MAHA FOODSTUFF');
    await page.close();
  });

  it('shows all details and the live record for a number and the right captcha', async () => {
    const { page, status } = await lookup(issued.certificateNumber.toLowerCase(), KNOWN_ANSWER.toLowerCase());
    expect(status).toBe(200);
    const text = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
    expect(text).toContain(`Certificate ${issued.certificateNumber}`);
    expect(text).toContain('Valid — issued');
    expect(text).toContain('RAJ OVERSEAS PRIVATE LIMITED');
    expect(text).toContain('राज ओवरसीज़');
    expect(text).toContain('AL MAHA FOODSTUFF TRADING LLC');
    expect(text).toContain('NHAVA SHEVA (INNSA1) TO SOHAR (OMSOH) BY SEA');
    expect(text).toContain('Certificate issued and digitally signed');
    expect(text).toContain('EIC-MUM e-Seal');
    expect(await page.locator('table tbody tr').count()).toBe(issued.document!.goods.length);
    await page.close();
  });

  it('says "not found" and nothing more for an unknown number', async () => {
    const { page, status } = await lookup('EIC/MUM/IOCEPA/2026/999999', KNOWN_ANSWER);
    expect(status).toBe(404);
    const text = await page.locator('main').innerText();
    expect(text).toContain('Certificate not found');
    expect(text).not.toContain('999999');
    await page.close();
  });

  it('accepts a captcha answer only once', async () => {
    const { page } = await open('/verify');
    const token = await page.locator('input[name=captchaToken]').inputValue();
    const post = (answer: string) =>
      page.request.post(`${base}/verify`, { form: { no: issued.certificateNumber, captcha: answer, captchaToken: token } });
    expect((await post(KNOWN_ANSWER)).status()).toBe(200);
    expect((await post(KNOWN_ANSWER)).status()).toBe(422);
    await page.close();
  });

  it('opens from the QR link without a captcha and checks the signed summary in the fragment', async () => {
    const qr = await createCertificateQrContent({ document: issued.document!, key: qrKey, publicBaseUrl: base, linkSecret: LINK_SECRET });
    const { page, status } = await open(qr.text.slice(base.length));
    expect(status).toBe(200);
    const seal = page.locator('#seal-check:not([hidden])');
    await seal.waitFor();
    expect(await seal.textContent()).toBe('The signed summary in the QR code is authentic and matches this record.');
    await page.close();

    // one character of the payload changed: the signature no longer matches
    const [url, jws] = qr.text.split('#') as [string, string];
    const [h, p, s] = jws.split('.') as [string, string, string];
    const forged = `${url}#${h}.${p.slice(0, 10)}${p[10] === 'A' ? 'B' : 'A'}${p.slice(11)}.${s}`;
    const second = await open(forged.slice(base.length));
    const forgedSeal = second.page.locator('#seal-check:not([hidden])');
    await forgedSeal.waitFor();
    expect(await forgedSeal.textContent()).toContain('NOT authentic');
    await second.page.close();
  });

  it('shows a superseded certificate with its replacement and history', async () => {
    const qr = await createCertificateQrContent({ document: superseded.document!, key: qrKey, publicBaseUrl: base, linkSecret: LINK_SECRET });
    const { page } = await open(qr.url.slice(base.length));
    const text = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('Superseded');
    expect(text).toContain(`Superseded by ${superseded.supersededBy}`);
    expect(text).toContain('The live status shown here is what counts');
    expect(text).toContain('FORM AI');
    expect(await page.locator('ol.history li').count()).toBe(2);
    await page.close();
  });

  it('loads nothing from anywhere else', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((u) => u.startsWith(base))).toBe(true);
  });
});
