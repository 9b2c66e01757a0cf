import crypto from 'node:crypto';
import express, { Router } from 'express';
import type { EntityManager } from '@mikro-orm/postgresql';
import { SandboxGatewayOrder } from '../../db/entities/index.js';
import { callbackChecksum, type CreateOrderRequest, type GatewayCallbackBody } from '../../services/payment/gateway.js';

/**
 * A local payment gateway for development and tests, speaking the same protocol as the adapter
 * (activities/payment/gateway.ts). Its checkout page lets a person — or a test — choose what the
 * "bank" does: succeed, fail, succeed after a delay, succeed and call back twice, or succeed and never
 * call back (the bank shows success, the portal nothing; the workflow's reconciliation finds it).
 * Orders are kept in PostgreSQL (`sandbox_gateway_order`), as a real gateway keeps them on its side: an order
 * opened before the API restarts is paid and asked about after it, and every API process sees it.
 */
export type SandboxOutcome = 'success' | 'failure' | 'success-delayed' | 'success-twice' | 'success-no-callback';

export interface SandboxGateway {
  router: Router;
}

export function createSandboxGateway(opts: {
  publicBaseUrl: () => string;
  checksumKeyOf: (merchantId: string) => Promise<string | undefined>;
  em: () => EntityManager;
  delayMs?: number;
}): SandboxGateway {
  const router = Router();
  router.use(express.json({ limit: '64kb' }));
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));
  const find = (orderId: string) => opts.em().findOne(SandboxGatewayOrder, { orderId });

  const authorised = async (req: express.Request, payload: string): Promise<string | undefined> => {
    const merchantId = String(req.headers['x-merchant-id'] ?? '');
    const key = await opts.checksumKeyOf(merchantId);
    if (!key) return undefined;
    const expected = crypto.createHmac('sha256', key).update(payload).digest('hex');
    const given = String(req.headers['x-signature'] ?? '');
    return given.length === expected.length && crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected)) ? merchantId : undefined;
  };

  router.post('/orders', async (req, res) => {
    const merchantId = await authorised(req, JSON.stringify(req.body));
    if (!merchantId) return void res.status(401).json({ error: 'bad merchant signature' });
    const body = req.body as CreateOrderRequest;
    // the order id is the merchant's idempotency key: a repeated creation finds the first order
    await opts.em().getConnection().execute(
      `insert into sandbox_gateway_order (order_id, merchant_id, amount_paise, description, callback_url, return_url, status, callbacks, created_at)
       values (?, ?, ?, ?, ?, ?, 'PENDING', 0, now()) on conflict (order_id) do nothing`,
      [body.orderId, merchantId, body.amountPaise, body.description, body.callbackUrl, body.returnUrl],
    );
    res.json({ checkoutUrl: `${opts.publicBaseUrl()}/sandbox/gateway/checkout/${encodeURIComponent(body.orderId)}` });
  });

  router.get('/orders/:orderId', async (req, res) => {
    const merchantId = await authorised(req, req.originalUrl.replace(/^.*\/sandbox\/gateway/, ''));
    if (!merchantId) return void res.status(401).json({ error: 'bad merchant signature' });
    const o = await find(req.params.orderId);
    if (!o || o.merchantId !== merchantId) return void res.json({ status: 'UNKNOWN' });
    res.json({ status: o.status, ...(o.gatewayTxnId ? { gatewayTxnId: o.gatewayTxnId, amountPaise: o.amountPaise } : {}) });
  });

  router.get('/checkout/:orderId', async (req, res) => {
    const o = await find(req.params.orderId);
    if (!o) return void res.status(404).type('html').send('<p>Unknown order.</p>');
    const rupees = (o.amountPaise / 100).toFixed(2);
    const button = (outcome: SandboxOutcome, label: string) =>
      `<button name="outcome" value="${outcome}">${label}</button>`;
    res.type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sandbox payment gateway</title>
<style>body{font:16px system-ui;max-width:36rem;margin:3rem auto;padding:0 1rem}button{display:block;margin:.5rem 0;padding:.6rem 1rem;width:100%}</style></head>
<body><h1>Sandbox payment gateway</h1><p>${escapeHtml(o.description)}</p><p><strong>₹ ${rupees}</strong> · order ${escapeHtml(o.orderId)}</p>
<form method="post" action="/sandbox/gateway/checkout/${encodeURIComponent(o.orderId)}/pay">
${button('success', 'Pay (success)')}${button('failure', 'Payment fails')}${button('success-delayed', 'Success, callback delayed')}
${button('success-twice', 'Success, callback sent twice')}${button('success-no-callback', 'Success, callback lost')}
</form></body></html>`);
  });

  router.post('/checkout/:orderId/pay', async (req, res) => {
    const orderId = req.params.orderId;
    const outcome = String((req.body as { outcome?: string }).outcome ?? 'success') as SandboxOutcome;
    // the bank decides once: a repeated "pay" (a lost answer, a second click) sends the first outcome again
    await opts.em().getConnection().execute(
      `update sandbox_gateway_order set status = ?, gateway_txn_id = ? where order_id = ? and status = 'PENDING'`,
      [outcome === 'failure' ? 'FAILED' : 'SUCCESS', `SBX${Date.now().toString(36).toUpperCase()}${crypto.randomBytes(3).toString('hex').toUpperCase()}`, orderId],
    );
    const o = await find(orderId);
    if (!o) return void res.status(404).json({ error: 'unknown order' });
    const key = await opts.checksumKeyOf(o.merchantId);
    const send = async () => {
      const payload: Omit<GatewayCallbackBody, 'checksum'> = {
        merchantId: o.merchantId,
        orderId: o.orderId,
        status: o.status === 'SUCCESS' ? 'SUCCESS' : 'FAILED',
        gatewayTxnId: o.gatewayTxnId!,
        amountPaise: o.amountPaise,
      };
      await opts.em().getConnection().execute('update sandbox_gateway_order set callbacks = callbacks + 1 where order_id = ?', [o.orderId]);
      await fetch(o.callbackUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...payload, checksum: callbackChecksum(key!, payload) }),
      }).catch(() => undefined);
    };
    if (outcome === 'success-delayed') setTimeout(() => void send().catch(() => undefined), opts.delayMs ?? 3000).unref();
    else if (outcome === 'success-twice') {
      await Promise.all([send(), send()]);
    } else if (outcome !== 'success-no-callback') await send();
    if (req.accepts(['html', 'json']) === 'html') res.redirect(303, o.returnUrl);
    else res.json({ status: o.status, gatewayTxnId: o.gatewayTxnId });
  });

  return { router };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
