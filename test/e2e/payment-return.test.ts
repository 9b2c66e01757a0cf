import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import type { TestPki } from '../../scripts/pki/test-pki.js';
import { applicationWorkflowId } from '../../workflows/application/contract.js';
import { createCompleteDraft } from '../helpers/drafts.js';
import { launchChromium } from '../helpers/chromium.js';
import { registerWithDsc, submitAndSign, testPki, waitForStatus } from '../helpers/lifecycle.js';
import { api, startStack, type Stack } from '../helpers/stack.js';

// After paying at the gateway the browser comes back to a page for people: the payment's outcome, the file's
// number and what happens next — public, read-only, nothing personal (the order id is all the URL holds).
describe('the page the payment gateway returns the browser to', () => {
  let stack: Stack;
  let pki: TestPki;
  let browser: Browser;
  let raj: string;

  beforeAll(async () => {
    stack = await startStack({ name: 'payment-return' });
    stack.config.timings = { ...stack.config.timings, reconcileEvery: '1 second' };
    pki = await testPki(stack);
    await stack.startWorker();
    raj = await stack.token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
    await registerWithDsc(stack, pki, raj, 'AAACR5055K', 'exporter-raj');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  /** A signed application waiting for payment, its gateway order opened: the checkout page's address. */
  async function openOrder(): Promise<{ id: string; number: string; orderId: string; checkoutUrl: string }> {
    const draft = await createCompleteDraft(stack, raj);
    await submitAndSign(stack, pki, raj, draft.id, 'exporter-raj');
    await waitForStatus(stack, raj, draft.id, 'Pending Payment');
    const p = await api(stack, 'POST', `/v1/applications/${draft.id}/payment`, { token: raj, body: { method: 'gateway' } });
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    return { id: draft.id, number: draft.number, orderId: p.body.orderId, checkoutUrl: p.body.checkoutUrl };
  }

  /** Pays at the sandbox checkout page as a person would: the button, then wherever the gateway sends the browser. */
  async function payInBrowser(checkoutUrl: string, button: string): Promise<Page> {
    const page = await browser.newPage();
    expect((await page.goto(checkoutUrl))?.status()).toBe(200);
    await Promise.all([page.waitForURL((u) => u.pathname === '/payments/return'), page.getByRole('button', { name: button }).click()]);
    return page;
  }

  const text = async (page: Page) => (await page.locator('main').innerText()).replace(/\s+/g, ' ');

  it('after a successful payment: payment received, the file number once the office has it, and what happens next', async () => {
    const order = await openOrder();
    const page = await payInBrowser(order.checkoutUrl, 'Pay (success)');
    expect(new URL(page.url()).searchParams.get('order')).toBe(order.orderId);
    // the page looks again by itself until the file number is there
    await page.locator('main[data-outcome="paid"] dt', { hasText: 'File number' }).waitFor({ timeout: 60_000 });
    const state = await waitForStatus(stack, raj, order.id, 'In-Process');
    const shown = await text(page);
    expect(shown).toContain('Payment received');
    expect(await page.locator('#number').innerText()).toBe(state.fileNumber);
    expect(shown).toContain('What happens next');
    expect(shown).toContain('An officer of EIC - Mumbai (Regional Office) examines your application');
    expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
    // nothing personal for someone who only has the URL: no exporter, IEC, invoice or amount
    const html = await page.content();
    for (const secret of ['AAACR5055K', 'Sharma', 'RAJ KUMAR', '₹', '590']) expect(html).not.toContain(secret);
    // served like the verification page: a nonce-based policy, never cached
    const direct = await fetch(page.url());
    expect(direct.status).toBe(200);
    expect(direct.headers.get('content-security-policy')).toMatch(/default-src 'none'; style-src 'nonce-[^']+'/);
    expect(direct.headers.get('cache-control')).toBe('no-store');
    await page.close();
  });

  it('after a refused payment: not received, nothing charged, pay again', async () => {
    const order = await openOrder();
    const page = await payInBrowser(order.checkoutUrl, 'Payment fails');
    await page.locator('main[data-outcome="failed"]').waitFor();
    const shown = await text(page);
    expect(shown).toContain('The payment did not go through');
    expect(shown).toContain('Nothing was charged');
    expect(shown).toContain('Pay again');
    expect(await page.locator('#number').innerText()).toBe(order.number);
    await page.close();
    await stack.client.workflow.getHandle(applicationWorkflowId(order.number)).terminate('test done');
  });

  it('answers a malformed order id with problem+json and an unknown one with a page that says so', async () => {
    for (const query of ['', '?order=', '?order=not-a-uuid', '?order=%27%3Cscript%3E']) {
      const r = await fetch(`${stack.baseUrl}/payments/return${query}`);
      expect(r.status).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(((await r.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe('order');
    }
    const unknown = await fetch(`${stack.baseUrl}/payments/return?order=${randomUUID()}`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('text/html');
    expect(await unknown.text()).toContain('No payment with this reference');
  });
});
