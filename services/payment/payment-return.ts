import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationRow, PaymentRow } from '../../db/entities/index.js';
import type { ApplicationStatus } from '../../domain/application/file-status.js';
import type { ReferenceSource } from '../../domain/reference/reference-index.js';

/**
 * The page a person's browser lands on after the payment gateway's checkout (the order's return URL,
 * `/payments/return?order=<order id>`). Public and read-only: whoever holds the URL holds only the order id,
 * an unguessable UUID, so the page says what happened to the payment, the file's number and what happens
 * next, and nothing about the exporter (no name, no IEC, no invoice, no amount).
 */

export const PAYMENT_RETURN_PATH = '/payments/return';

export function paymentReturnUrl(publicBaseUrl: string, orderId: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}${PAYMENT_RETURN_PATH}?order=${encodeURIComponent(orderId)}`;
}

export type PaymentOutcome = 'paid' | 'pending' | 'failed';

export interface PaymentReturnView {
  outcome: PaymentOutcome;
  /** the file number once the office has registered the file, otherwise the draft number */
  number: string;
  numberKind: 'file' | 'draft';
  status: ApplicationStatus;
  /** an application, or a request for a duplicate / in-lieu certificate */
  kind: 'application' | 'request';
  officeName: string | null;
}

/** What the page shows for an order; null for an order this system does not know. */
export async function loadPaymentReturn(em: EntityManager, reference: ReferenceSource, orderId: string): Promise<PaymentReturnView | null> {
  const payment = await em.findOne(PaymentRow, { orderId }, { disableIdentityMap: true });
  if (!payment) return null;
  const app = await em.findOne(ApplicationRow, { id: payment.applicationId }, { disableIdentityMap: true, fields: ['id', 'number', 'fileNumber', 'status', 'kind', 'officeCode'] });
  if (!app) return null;
  const office = app.officeCode ? (await reference({ office: app.officeCode })).office(app.officeCode) : undefined;
  return {
    outcome: paymentOutcome(payment.status),
    number: app.fileNumber ?? app.number,
    numberKind: app.fileNumber ? 'file' : 'draft',
    status: app.status,
    kind: app.kind === 'application' ? 'application' : 'request',
    officeName: office?.name ?? null,
  };
}

/** The payment row's status (open → paid | failed) as the page says it. */
export function paymentOutcome(rowStatus: string): PaymentOutcome {
  return rowStatus === 'paid' ? 'paid' : rowStatus === 'failed' ? 'failed' : 'pending';
}

/** Whether the page should look again by itself: the bank's answer or the file number is still on its way. */
export function paymentReturnSettled(view: PaymentReturnView): boolean {
  if (view.outcome === 'pending') return false;
  if (view.outcome === 'paid') return view.numberKind === 'file' || view.status !== 'Pending Payment';
  return true;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const h = (v: unknown) => String(v).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

interface PageContext {
  nonce: string;
  helpdeskAddress: string;
  /** seconds before a page that is not settled looks again */
  refreshSeconds?: number;
}

function nextSteps(v: PaymentReturnView): { heading: string; lead: string; next: string[] } {
  const noun = v.kind === 'application' ? 'application' : 'request';
  const office = v.officeName ?? 'the issuing office';
  const numberLine = v.numberKind === 'file' ? `Your file number is ${v.number}.` : `Your ${noun} is ${v.number}.`;
  if (v.outcome === 'failed') {
    return {
      heading: 'The payment did not go through',
      lead: `The bank refused the payment for ${noun} ${v.number}. Nothing was charged.`,
      next: [
        `Your ${noun} is waiting for payment. Pay again (through the payment gateway or your e-wallet at the office) before the payment window closes, or it expires.`,
        'If money was taken from your account all the same, write to the helpdesk quoting the number above: the bank confirms or returns it.',
      ],
    };
  }
  if (v.outcome === 'pending') {
    return {
      heading: 'Waiting for the bank’s confirmation',
      lead: `The payment for ${noun} ${v.number} has not been confirmed by the bank yet.`,
      next: [
        'This page looks again by itself. You can also close it: the confirmation is checked with the bank regularly, and you receive an e-mail as soon as the payment is confirmed.',
        'Do not pay a second time while the payment is waiting for confirmation.',
      ],
    };
  }
  if (!paymentReturnSettled(v)) {
    return {
      heading: 'Payment received',
      lead: `The payment for ${noun} ${v.number} has been received. Your file is being registered with ${office}; its file number appears here in a moment.`,
      next: ['This page looks again by itself. You also receive an e-mail with the file number and the tax invoice.'],
    };
  }
  const byStatus: Partial<Record<ApplicationStatus, string>> = {
    'In-Process': `An officer of ${office} examines your ${noun}. You receive an e-mail when it is approved, with the certificate attached, or when the officer needs something more from you (a deficiency, answered by reply to that e-mail).`,
    Deficient: `The officer needs something more from you: follow the deficiency e-mail you received (answer by replying to it).`,
    'Approved Pending Issuance': 'Your file is approved; the certificate is being issued and is sent to you by e-mail.',
    Approved: 'Your file is approved and the certificate has been issued: it was sent to you by e-mail.',
    Rejected: 'The office has rejected your file; the reason was sent to you by e-mail.',
  };
  return {
    heading: 'Payment received',
    lead: `Thank you: the payment has been received. ${numberLine}`,
    next: [
      byStatus[v.status] ?? `Your ${noun} is ${v.status}.`,
      'You have received an e-mail confirming the submission, with the tax invoice. Quote the file number in any message to the office or the helpdesk.',
    ],
  };
}

const CSS = `body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1b1b1b;background:#f5f6f8}
header{background:#0b3d6e;color:#fff;padding:14px 0}.wrap{max-width:40rem;margin:0 auto;padding:0 16px}
main{background:#fff;margin:24px auto;padding:20px 24px;border-radius:6px;box-shadow:0 1px 3px rgba(0,0,0,.1)}
h1{font-size:1.4rem;margin:0 0 12px}.paid h1{color:#1e6b2e}.failed h1{color:#a12a1c}.pending h1{color:#7a5b00}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:16px 0}dt{color:#555}dd{margin:0;font-weight:600}
.mono{font-family:ui-monospace,Menlo,Consolas,monospace}footer{font-size:.85rem;color:#555;padding-bottom:24px}`;

function page(ctx: PageContext, title: string, body: string, refresh: boolean): string {
  const nonce = h(ctx.nonce);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
${refresh ? `<meta http-equiv="refresh" content="${ctx.refreshSeconds ?? 3}">\n` : ''}<title>${h(title)} · Certificate of Origin</title>
<style nonce="${nonce}">${CSS}</style>
</head>
<body>
<header><div class="wrap">Certificate of Origin · payment</div></header>
${body}
<footer class="wrap">Questions about a payment: write to <a href="mailto:${h(ctx.helpdeskAddress)}">${h(ctx.helpdeskAddress)}</a> quoting the number above.</footer>
</body>
</html>`;
}

export function renderPaymentReturnPage(ctx: PageContext, v: PaymentReturnView): string {
  const { heading, lead, next } = nextSteps(v);
  const settled = paymentReturnSettled(v);
  const outcomeText = { paid: 'received', pending: 'waiting for the bank’s confirmation', failed: 'not received' }[v.outcome];
  const body = `<main class="wrap ${v.outcome}" id="main" data-outcome="${v.outcome}">
<h1>${h(heading)}</h1>
<p>${h(lead)}</p>
<dl>
<dt>Payment</dt><dd>${h(outcomeText)}</dd>
<dt>${v.numberKind === 'file' ? 'File number' : v.kind === 'application' ? 'Application' : 'Request'}</dt><dd class="mono" id="number">${h(v.number)}</dd>
<dt>Status</dt><dd>${h(v.status)}</dd>
</dl>
<h2>What happens next</h2>
${next.map((n) => `<p>${h(n)}</p>`).join('\n')}
</main>`;
  return page(ctx, heading, body, !settled);
}

export function renderUnknownPaymentPage(ctx: PageContext): string {
  const body = `<main class="wrap failed" id="main" data-outcome="unknown">
<h1>No payment with this reference</h1>
<p>This address does not name a payment made here. If you have just paid, open the link the payment gateway gave you again, or check the e-mail confirming your submission.</p>
</main>`;
  return page(ctx, 'No payment with this reference', body, false);
}
