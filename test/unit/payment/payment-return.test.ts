import { describe, expect, it } from 'vitest';
import { paymentOutcome, paymentReturnSettled, paymentReturnUrl, renderPaymentReturnPage, type PaymentReturnView } from '../../../services/payment/payment-return.js';

const ctx = { nonce: 'n0nce', helpdeskAddress: 'helpdesk@coo.test' };
const view = (v: Partial<PaymentReturnView> = {}): PaymentReturnView => ({
  outcome: 'paid',
  number: 'EIMUCOAPPLY00000001AM27',
  numberKind: 'file',
  status: 'In-Process',
  kind: 'application',
  officeName: 'EIC - Mumbai (Regional Office)',
  ...v,
});
const text = (html: string) => html.replace(/<style[^>]*>[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the page after the payment gateway', () => {
  it('is addressed by the order id alone', () => {
    expect(paymentReturnUrl('http://127.0.0.1:3000/', '3f2c…')).toBe('http://127.0.0.1:3000/payments/return?order=3f2c%E2%80%A6');
  });

  it("says the payment row's outcome as people read it", () => {
    expect(['paid', 'failed', 'open', 'anything'].map(paymentOutcome)).toEqual(['paid', 'failed', 'pending', 'pending']);
  });

  it('paid with a file number: received, the file number, what happens next, and it stops looking again', () => {
    const html = renderPaymentReturnPage(ctx, view());
    expect(paymentReturnSettled(view())).toBe(true);
    expect(html).not.toContain('http-equiv="refresh"');
    expect(text(html)).toContain('Payment received');
    expect(text(html)).toContain('File number EIMUCOAPPLY00000001AM27');
    expect(text(html)).toContain('What happens next An officer of EIC - Mumbai (Regional Office) examines your application');
    expect(html).toContain('<style nonce="n0nce">');
  });

  it('paid before the file number, or waiting for the bank: the page looks again by itself', () => {
    const early = view({ number: 'DRAFTCOOAPPLY00000001AM27', numberKind: 'draft', status: 'Pending Payment' });
    expect(paymentReturnSettled(early)).toBe(false);
    expect(renderPaymentReturnPage(ctx, early)).toContain('<meta http-equiv="refresh" content="3">');
    const pending = view({ outcome: 'pending', number: 'DRAFTCOOAPPLY00000001AM27', numberKind: 'draft', status: 'Pending Payment' });
    expect(paymentReturnSettled(pending)).toBe(false);
    expect(text(renderPaymentReturnPage(ctx, pending))).toContain('Do not pay a second time');
  });

  it('refused: not received, nothing charged, pay again; the helpdesk address is the configured one', () => {
    const failed = view({ outcome: 'failed', number: 'DRAFTCOOAPPLY00000001AM27', numberKind: 'draft', status: 'Pending Payment' });
    const shown = text(renderPaymentReturnPage(ctx, failed));
    expect(shown).toContain('The payment did not go through');
    expect(shown).toContain('Nothing was charged');
    expect(shown).toContain('helpdesk@coo.test');
  });

  it('escapes what it prints', () => {
    const html = renderPaymentReturnPage({ ...ctx, nonce: '"><script>' }, view({ officeName: '<b>x</b>' }));
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>x</b>');
  });
});
