import { randomBytes } from 'node:crypto';
import { Router, type Response } from 'express';
import { z } from 'zod';
import { loadReferenceIndex } from '../../db/reference-index.js';
import { loadPaymentReturn, PAYMENT_RETURN_PATH, renderPaymentReturnPage, renderUnknownPaymentPage } from '../../services/payment/payment-return.js';
import { ErrorCode } from '../../lib/errors.js';
import { sendProblem } from '../http/problem.js';
import type { ApiDeps } from '../deps.js';

/**
 * GET /payments/return?order=<order id>: where the payment gateway sends the browser back after checkout
 * (services/payment/payment-return.ts). HTML for people, public and read-only, like the verification page:
 * a nonce-based Content-Security-Policy; a missing or malformed order id gets problem+json.
 */

const orderId = z.uuid();

function sendPage(res: Response, status: number, nonce: string, html: string): void {
  res.setHeader('Content-Security-Policy', `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self' data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'`);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
  res.status(status).type('html').send(html);
}

export function paymentReturnPages(deps: ApiDeps): Router {
  const router = Router();
  router.get(PAYMENT_RETURN_PATH, async (req, res) => {
    const raw = req.query.order;
    const parsed = orderId.safeParse(Array.isArray(raw) ? raw[0] : raw);
    if (!parsed.success) {
      const message = 'The order is missing or is not an order id (a UUID, as the payment gateway returns it).';
      return sendProblem(res, { status: 400, code: ErrorCode.ValidationFailed, detail: message, errors: [{ path: 'order', message }] });
    }
    const nonce = randomBytes(16).toString('base64');
    const ctx = { nonce, helpdeskAddress: deps.config.mail.helpdeskAddress };
    const em = deps.orm.em.fork();
    const view = await loadPaymentReturn(em, () => loadReferenceIndex(em), parsed.data);
    if (!view) return sendPage(res, 404, nonce, renderUnknownPaymentPage(ctx));
    return sendPage(res, 200, nonce, renderPaymentReturnPage(ctx, view));
  });
  return router;
}
