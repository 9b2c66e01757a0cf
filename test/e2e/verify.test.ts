import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaptcha } from '../../services/certificate/captcha.js';
import { clientKey } from '../../api/routes/verify.js';
import { createSharedCaptchaGuard, createSharedRateLimiter } from '../../services/certificate/shared-limits.js';
import type { TestPki } from '../../scripts/pki/test-pki.js';
import { createCompleteDraft } from '../helpers/drafts.js';
import { payAtGateway, registerWithDsc, submitAndSign, testPki, waitForStatus } from '../helpers/lifecycle.js';
import { api, startStack, type Stack } from '../helpers/stack.js';
import { waitFor } from '../helpers/wait-for.js';
import { renderPages, zbar } from '../integration/certificate/helpers.js';
import { findChromium } from '../helpers/chromium.js';

// The public verification module (seed 002 §6) in a real browser against the real API, PostgreSQL and
// Temporal: the certificate comes from an application approved through the workflow. Every browser
// context and fetch below presents its own client address (X-Forwarded-For, believed from loopback because
// this stack runs with TRUST_PROXY=loopback, as behind a local reverse proxy), so the per-IP rate limit of
// one test does not spill into another. Without TRUST_PROXY the header is ignored (test/e2e/auth.test.ts).

const UNKNOWN = 'EIC/2026/031/9999999A';
const ANSWER = 'K7P2X';


describe('public certificate verification in headless Chromium', () => {
  let stack: Stack;
  let pki: TestPki;
  let browser: Browser;
  let dir: string;
  let number: string;
  let meta: any;
  let qrText: string;
  let ipSeq = 10;
  const requests: string[] = [];
  const cspViolations: string[] = [];
  const contexts: BrowserContext[] = [];

  /** a fresh client address for each context or fetch series */
  const newIp = () => `198.51.100.${ipSeq++}`;

  /** A captcha token the server accepts, with a known answer: minted with the server's secret, as the server does. */
  const knownCaptcha = () => createCaptcha({ secret: stack.config.certificates.verification.captchaSecret, answer: ANSWER }).token;

  async function newPage(ip = newIp()): Promise<Page> {
    const context = await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': ip } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
    });
    return page;
  }

  async function lookup(page: Page, no: string, answer: string, token?: string) {
    const first = await page.goto(`${stack.baseUrl}/verify`);
    expect(first?.status()).toBe(200);
    await page.getByLabel('Certificate number').fill(no);
    await page.getByLabel('Security code', { exact: true }).fill(answer);
    if (token) await page.locator('input[name=captchaToken]').evaluate((el, v) => ((el as unknown as { value: string }).value = v), token);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/verify')),
      page.getByRole('button', { name: 'Verify certificate' }).click(),
    ]);
    await page.waitForLoadState();
    return response;
  }

  const mainText = async (page: Page) => (await page.locator('main').innerText()).replace(/\s+/g, ' ');

  beforeAll(async () => {
    // the allowance refills at one request a minute, so the burst runs out however slowly the machine answers
    stack = await startStack({ name: 'verify', env: { TRUST_PROXY: 'loopback', VERIFY_RATE_LIMIT_PER_MINUTE: '1' } });
    pki = await testPki(stack);
    await stack.startWorker();
    const raj = await stack.token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
    const priya = await stack.token({ sub: 'officer-eic-mum', name: 'Priya Deshpande', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' });
    await registerWithDsc(stack, pki, raj, 'AAACR5055K', 'exporter-raj');
    const draft = await createCompleteDraft(stack, raj);
    await submitAndSign(stack, pki, raj, draft.id, 'exporter-raj');
    await payAtGateway(stack, raj, draft.id, 'success');
    await waitForStatus(stack, raj, draft.id, 'In-Process');
    const approved = await api(stack, 'POST', `/v1/applications/${draft.id}/decisions/approve`, { token: priya });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    number = (await waitForStatus(stack, raj, draft.id, 'Approved')).certificateNumber;
    meta = (await api(stack, 'GET', `/v1/applications/${draft.id}/certificate`, { token: raj })).body;
    expect(meta.pdf.ready).toBe(true);

    // the QR code as printed: rendered from the downloaded PDF and decoded
    dir = await mkdtemp(join(tmpdir(), 'coo-verify-e2e-'));
    const pdf = await fetch(meta.pdf.url, { headers: { authorization: `Bearer ${raj}` } });
    const file = join(dir, 'certificate.pdf');
    await writeFile(file, Buffer.from(await pdf.arrayBuffer()));
    const [png] = await renderPages(file, join(dir, 'page'), { dpi: 200, first: 1, last: 1 });
    [qrText] = (await zbar(png!)) as [string];

    browser = await chromium.launch({ executablePath: findChromium(), args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('renders the lookup form with a captcha image, under a nonce-based CSP', async () => {
    const page = await newPage();
    const res = await page.goto(`${stack.baseUrl}/verify`);
    expect(res?.status()).toBe(200);
    await expect(page.title()).resolves.toBe('Verify a certificate · Certificate of Origin verification');
    expect(await page.locator('svg[role=img]').count()).toBe(1);
    expect(await page.locator('input[name=captchaToken]').inputValue()).toMatch(/^c1\./);
    const headers = res!.headers();
    const nonce = /style-src 'nonce-([^']+)'/.exec(headers['content-security-policy'] ?? '')?.[1];
    expect(nonce).toBeTruthy();
    expect(headers['content-security-policy']).toContain("default-src 'none'");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    // browsers hide nonce attributes from the DOM: read the markup as served
    expect(await res!.text()).toContain(`<style nonce="${nonce}">`);
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['cache-control']).toBe('no-store');
    // the styles applied: the CSP let the inline <style> with the nonce through
    expect(await page.locator('header.top').evaluate((el) => (globalThis as any).getComputedStyle(el).backgroundColor)).toBe('rgb(11, 59, 116)');
    const again = await page.goto(`${stack.baseUrl}/verify`);
    expect(/style-src 'nonce-([^']+)'/.exec(again!.headers()['content-security-policy'] ?? '')?.[1]).not.toBe(nonce);
  });

  it('refuses a wrong captcha and shows nothing of the certificate', async () => {
    const page = await newPage();
    const res = await lookup(page, number, 'WRONG');
    expect(res.status()).toBe(422);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('The security code was not typed correctly');
    await expect(page.getByLabel('Security code', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.getByLabel('Certificate number').inputValue()).resolves.toBe(number);
    const text = await mainText(page);
    expect(text).not.toContain('RAJ KUMAR EXPORTS');
    expect(text).not.toContain('Al Batinah');
  });

  it('shows all the details and the live record for the number and the right captcha, once per captcha', async () => {
    const page = await newPage();
    const token = knownCaptcha();
    const res = await lookup(page, number.toLowerCase(), ANSWER.toLowerCase(), token);
    expect(res.status()).toBe(200);
    const text = await mainText(page);
    expect(text).toContain(`Certificate ${number}`);
    expect(text).toContain('Valid — issued');
    expect(text).toContain('India Oman CEPA (Agency Issued)');
    expect(text).toContain('RAJ KUMAR EXPORTS PRIVATE LIMITED');
    expect(text).toContain('AAACR5055K');
    expect(text).toContain('Al Batinah Home Trading LLC');
    expect(text).toContain('By sea from Nhava Sheva (Jawaharlal Nehru) to Sohar');
    expect(text).toContain('Bed linen of cotton');
    expect(text).toContain('VA 42.5%');
    expect(text).toContain('USD 12,500.00');
    expect(text).toContain('Priya Deshpande, Deputy Director');
    expect(text).toContain('EIC-MUM e-Seal');
    expect(text).toContain(meta.pdf.sha256);
    expect(text).toContain('Certificate issued and digitally signed');
    expect(await page.locator('table tbody tr').count()).toBe(2);
    expect(await page.locator('ol.history li').count()).toBe(1);

    // the same solved captcha a second time: refused
    const replay = await page.request.post(`${stack.baseUrl}/verify`, { form: { no: number, captcha: ANSWER, captchaToken: token } });
    expect(replay.status()).toBe(422);
    expect(await replay.text()).toContain('The security code was not typed correctly');
  });

  it("opens from the QR code's link without a captcha and checks the signed summary in the page", async () => {
    expect(qrText.split('#')[0]).toBe(meta.verificationUrl);
    const page = await newPage();
    const res = await page.goto(qrText);
    expect(res?.status()).toBe(200);
    const text = await mainText(page);
    expect(text).toContain(`Certificate ${number}`);
    expect(text).toContain('Valid — issued');
    expect(text).toContain('RAJ KUMAR EXPORTS PRIVATE LIMITED');
    expect(await page.locator('input[name=captcha]').count()).toBe(0);
    const seal = page.locator('#seal-check:not([hidden])');
    await seal.waitFor();
    expect(await seal.textContent()).toBe('The signed summary in the QR code is authentic and matches this record.');
  });

  it('says "not found" and nothing more for an unknown number, and the same for a wrong link token', async () => {
    const page = await newPage();
    const res = await lookup(page, UNKNOWN, ANSWER, knownCaptcha());
    expect(res.status()).toBe(404);
    const unknownText = await mainText(page);
    expect(unknownText).toContain('Certificate not found');
    expect(unknownText).not.toContain('9999999A');

    const url = new URL(meta.verificationUrl);
    const token = url.searchParams.get('t')!;
    const wrongToken = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const wrong = await page.goto(`${stack.baseUrl}/verify?no=${number}&t=${wrongToken}`);
    expect(wrong?.status()).toBe(404);
    expect(await mainText(page)).toBe(unknownText);
    const unknownWithToken = await page.goto(`${stack.baseUrl}/verify?no=${UNKNOWN}&t=${token}`);
    expect(unknownWithToken?.status()).toBe(404);
    expect(await mainText(page)).toBe(unknownText);
  });

  it('answers the same as JSON, documented in OpenAPI', async () => {
    const headers = { 'x-forwarded-for': newIp() };
    const t = new URL(meta.verificationUrl).searchParams.get('t')!;
    const byLink = await api(stack, 'GET', `/v1/public/certificates?no=${number}&t=${t}`, { headers });
    expect(byLink.status, JSON.stringify(byLink.body)).toBe(200);
    expect(byLink.headers.get('access-control-allow-origin')).toBe('*');
    expect(byLink.body).toMatchObject({
      certificateNumber: number,
      status: 'issued',
      statusText: 'Valid — issued',
      certificate: { exporter: { name: 'RAJ KUMAR EXPORTS PRIVATE LIMITED', iec: 'AAACR5055K' }, importer: { countryCode: 'OM' } },
      totals: { items: 2, packages: 100, value: 12500, currency: 'USD', hsCodes: ['630231', '732393'] },
      signature: { pdfSha256: meta.pdf.sha256, signedBy: { commonName: 'EIC-MUM e-Seal' } },
      history: [expect.objectContaining({ type: 'issued' })],
    });

    const token = knownCaptcha();
    const byCaptcha = await api(stack, 'GET', `/v1/public/certificates?no=${encodeURIComponent(number)}&captchaToken=${token}&captchaAnswer=${ANSWER}`, { headers });
    expect(byCaptcha.status).toBe(200);
    expect(byCaptcha.body.certificate).toEqual(byLink.body.certificate);
    const replay = await api(stack, 'GET', `/v1/public/certificates?no=${number}&captchaToken=${token}&captchaAnswer=${ANSWER}`, { headers });
    expect(replay.status).toBe(422);
    expect(replay.body.code).toBe('captcha_failed');

    const served = await api(stack, 'GET', '/v1/public/captcha', { headers });
    expect(served.status).toBe(200);
    expect(served.body.svg).toMatch(/^<svg /);
    const wrong = await api(stack, 'GET', `/v1/public/certificates?no=${number}&captchaToken=${served.body.token}&captchaAnswer=22222`, { headers });
    expect(wrong.status).toBe(422);
    expect(wrong.body.code).toBe('captcha_failed');
    const neither = await api(stack, 'GET', `/v1/public/certificates?no=${number}`, { headers });
    expect(neither.status).toBe(422);
    expect(neither.body.code).toBe('validation_failed');

    const unknown = await api(stack, 'GET', `/v1/public/certificates?no=${UNKNOWN}&captchaToken=${knownCaptcha()}&captchaAnswer=${ANSWER}`, { headers });
    const wrongToken = await api(stack, 'GET', `/v1/public/certificates?no=${number}&t=${t.slice(0, -2)}xx`, { headers });
    expect(unknown.status).toBe(404);
    expect(wrongToken.status).toBe(404);
    const strip = (b: any) => ({ ...b, requestId: undefined, instance: undefined });
    expect(strip(wrongToken.body)).toEqual(strip(unknown.body));
    expect(unknown.body).toMatchObject({ code: 'not_found', detail: 'No certificate with this number was found.' });

    const openapi = await api(stack, 'GET', '/openapi.json');
    const op = openapi.body.paths['/v1/public/certificates'].get;
    expect(op.security).toEqual([]);
    expect(op.parameters.map((p: any) => p.name).sort()).toEqual(['captchaAnswer', 'captchaToken', 'no', 't']);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '404', '422', '429']));
    expect(openapi.body.paths['/.well-known/coo-keys.json'].get).toBeDefined();
    expect(openapi.body.paths['/v1/certificates/{number}/pdf'].get).toBeDefined();
  });

  it('limits requests per client IP: 429 with Retry-After, as a page and as problem+json', async () => {
    const ip = newIp();
    const burst = stack.config.certificates.verification.rateLimitBurst;
    let allowed = 0;
    let refused: Response | undefined;
    for (let i = 0; i < burst * 2 && !refused; i++) {
      const r = await fetch(`${stack.baseUrl}/verify?no=${UNKNOWN}&t=AAAAAAAAAAAAAAAAAAAAAA`, { headers: { 'x-forwarded-for': ip } });
      if (r.status === 429) refused = r;
      else {
        expect(r.status).toBe(404);
        allowed++;
      }
      await r.arrayBuffer();
    }
    expect(refused, 'no 429 within twice the burst').toBeDefined();
    expect(allowed).toBeGreaterThanOrEqual(burst);
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    const json = await api(stack, 'GET', `/v1/public/certificates?no=${number}&t=x`, { headers: { 'x-forwarded-for': ip } });
    expect(json.status).toBe(429);
    expect(json.headers.get('content-type')).toContain('application/problem+json');
    expect(json.body.code).toBe('rate_limited');

    const page = await newPage(ip);
    const res = await page.goto(`${stack.baseUrl}/verify`);
    expect(res?.status()).toBe(429);
    expect(await mainText(page)).toContain('Too many verifications were requested from your network');

    // another client is not affected
    const other = await newPage();
    expect((await other.goto(`${stack.baseUrl}/verify`))?.status()).toBe(200);
  });

  it('shares one allowance across API processes: a burst, then refusals with Retry-After, per client', async () => {
    // two limiters over the same database stand for two API processes
    const limits = () => ({ perMinute: 60, burst: 3 });
    const scope = `test-${Date.now()}`;
    const one = createSharedRateLimiter({ em: () => stack.orm.em.fork(), scope, limits });
    const two = createSharedRateLimiter({ em: () => stack.orm.em.fork(), scope, limits });
    expect([(await one.take('a')).ok, (await two.take('a')).ok, (await one.take('a')).ok]).toEqual([true, true, true]);
    expect(await two.take('a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect((await one.take('a')).ok).toBe(false);
    expect((await two.take('b')).ok).toBe(true);
  });

  it('refills the bucket with time', async () => {
    const limiter = createSharedRateLimiter({ em: () => stack.orm.em.fork(), scope: `refill-${Date.now()}`, limits: () => ({ perMinute: 600, burst: 2 }) });
    expect([(await limiter.take('a')).ok, (await limiter.take('a')).ok, (await limiter.take('a')).ok]).toEqual([true, true, false]);
    await waitFor(() => limiter.take('a'), { what: 'a token refilled (10 per second)', timeoutMs: 5_000, until: (d) => d.ok });
  });

  it('spends a captcha once across API processes', async () => {
    const one = createSharedCaptchaGuard({ em: () => stack.orm.em.fork() });
    const two = createSharedCaptchaGuard({ em: () => stack.orm.em.fork() });
    const id = `cap${Date.now()}`.slice(0, 16);
    const expires = new Date(Date.now() + 60_000);
    expect(await one.use(id, expires)).toBe(true);
    expect(await two.use(id, expires)).toBe(false);
    expect(await one.use(id, expires)).toBe(false);
    expect(await two.use(`${id}x`, expires)).toBe(true);
  });

  it('loads nothing from anywhere else and breaks no content security rule', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((u) => !u.startsWith(stack.baseUrl))).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});

describe('rate limiter and client address', () => {
  it('keys IPv4 by address and IPv6 by its /64', () => {
    const key = (ip: string) => clientKey({ ip, socket: {} as never });
    expect(key('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(key('203.0.113.7')).toBe('203.0.113.7');
    expect(key('2001:db8:aa:1::5')).toBe('2001:db8:aa:1::/64');
    expect(key('2001:db8:aa:1:ffff:1:2:3')).toBe('2001:db8:aa:1::/64');
    expect(key('2001:db8::1')).toBe('2001:db8:0:0::/64');
  });
});
