import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { z } from 'zod';
import { AgencyOfficeRow, IssuingAgencyRow } from '../../db/entities/index.js';
import { loadReferenceIndex } from '../../db/reference-index.js';
import type { Principal } from '../../lib/auth/roles.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { administratorOnDuty, assertManages } from '../../services/agency/offices.js';
import { createGatewayCredentialSource } from '../../services/payment/gateway-credentials.js';
import { HttpPaymentGateway } from '../../services/payment/gateway.js';
import { agencyWallets, createWalletService, TOP_UP_MAX_PAISE, TOP_UP_MIN_PAISE, TOP_UP_RECONCILE_FOR, walletStatement } from '../../services/payment/wallet.js';
import { TASK_QUEUE, WALLET_TOPUP_WORKFLOW, walletTopUpWorkflowId, type WalletTopUpInput } from '../../workflows/wallet-topup/contract.js';
import type { ApiDeps } from '../deps.js';
import { defineRoute } from '../http/route.js';

/**
 * E-wallets (seed 004 "CoO Wallet", seed 002 §5): the exporter's wallet per office, topped up through the
 * office's payment gateway (the callback is `POST /v1/payments/callback`, shared with fees), its statement,
 * and the agency administrator's view of the wallets kept at the agency's offices.
 */

const officeParam = z.object({ office: z.string().regex(/^[A-Z]{2,10}-[A-Z]{3}$/, 'an office code looks like EIC-MUM') });
const paging = {
  page: z.coerce.number().int('page must be a whole number').min(1, 'page starts at 1').max(100_000).default(1),
  pageSize: z.coerce.number().int('pageSize must be a whole number').min(1).max(100, 'pageSize can be at most 100').default(20),
};
const topUpView = z.object({
  orderId: z.string(),
  officeCode: z.string(),
  iec: z.string(),
  amountPaise: z.number().int(),
  status: z.enum(['open', 'paid', 'failed']),
  confirmedVia: z.string().nullable().describe('callback, or reconciliation (the gateway status API)'),
  gatewayTxnId: z.string().nullable(),
  createdAt: z.string(),
  settledAt: z.string().nullable(),
});
const statementView = z.object({
  iec: z.string(),
  officeCode: z.string(),
  balancePaise: z.number().int(),
  entries: z.array(
    z.object({
      at: z.string(),
      kind: z.string().describe('top-up, fee, migration'),
      reference: z.string().describe("the top-up's order id, the application or request number of a fee, the legacy platform's reference"),
      description: z.string(),
      amountPaise: z.number().int().describe('credits positive, debits negative'),
      balanceAfterPaise: z.number().int(),
    }),
  ),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
  totalPages: z.number().int(),
});

function iecOf(p: Principal): string {
  if (!p.iec) throw new AppError(ErrorCode.Forbidden, 'Your account is not mapped to an IEC.');
  return p.iec;
}

export function walletRoutes(deps: ApiDeps) {
  const em = () => deps.orm.em.fork();
  const reference = () => loadReferenceIndex(deps.orm.em.fork());
  // built per request: the gateway's and the API's own address are read from the configuration as it is now
  const walletService = () =>
    createWalletService({
      em,
      reference,
      gatewayCredentials: createGatewayCredentialSource({ em, reference, keys: deps.config.temporal.codec }),
      paymentGateway: new HttpPaymentGateway(deps.config.payment.gatewayUrl),
      publicBaseUrl: deps.config.api.publicBaseUrl,
    });
  return [
    defineRoute({
      method: 'get',
      path: '/v1/wallets',
      operationId: 'listMyWallets',
      summary: "The exporter's e-wallets, one per office, with their balances",
      description: 'Top-ups still open are first asked about at the payment gateway (its status API), so one whose callback was lost is credited here.',
      tags: ['e-wallet'],
      auth: ['exporter'],
      responses: {
        200: {
          description: 'the wallets',
          schema: z.object({
            items: z.array(z.object({ officeCode: z.string(), officeName: z.string(), agencyCode: z.string().nullable(), eWalletEnabled: z.boolean(), balancePaise: z.number().int(), updatedAt: z.string() })),
          }),
        },
      },
      handler: async ({ principal }) => ({ items: await walletService().walletsOf(iecOf(principal!)) }),
    }),
    defineRoute({
      method: 'post',
      path: '/v1/wallets/:office/top-ups',
      operationId: 'startWalletTopUp',
      summary: "Top up the e-wallet at an office through the office's payment gateway: answers the checkout page to pay on",
      description:
        `Between ₹${TOP_UP_MIN_PAISE / 100} and ₹${(TOP_UP_MAX_PAISE / 100).toLocaleString('en-IN')}. The wallet is credited once when the gateway's checksum-verified callback arrives ` +
        '(a repeated callback credits nothing more), or when the gateway\'s status API says it was paid. Send `Idempotency-Key` and a repeat finds the same order.',
      tags: ['e-wallet'],
      auth: ['exporter'],
      params: officeParam,
      body: z.object({ amountPaise: z.number().int('amountPaise is a whole number of paise').positive('amountPaise is more than 0').max(1e12) }).strict(),
      responses: {
        201: { description: 'the top-up, open until paid', schema: topUpView.extend({ checkoutUrl: z.string() }) },
        409: { description: 'the office keeps no e-wallets, or is closed' },
        422: { description: 'the amount is outside the limits' },
      },
      handler: async ({ params, body, principal, req, res }) => {
        const key = req.headers['idempotency-key'];
        const view = await walletService().startTopUp({
          iec: iecOf(principal!),
          officeCode: params.office,
          amountPaise: body.amountPaise,
          actor: `${principal!.sub} (${principal!.name})`,
          ...(typeof key === 'string' && /^[\w.:-]{8,100}$/.test(key) ? { idempotencyKey: key } : {}),
        });
        // its reconciliation, as an application payment's: the gateway asked every APP_RECONCILE_EVERY until it is settled;
        // a repeat (the same Idempotency-Key) joins the one already running
        const input: WalletTopUpInput = { orderId: view.orderId, reconcileEvery: deps.config.timings.reconcileEvery as WalletTopUpInput['reconcileEvery'], reconcileFor: TOP_UP_RECONCILE_FOR };
        await deps.temporal.workflow.start(WALLET_TOPUP_WORKFLOW, {
          taskQueue: TASK_QUEUE,
          workflowId: walletTopUpWorkflowId(view.orderId),
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          workflowIdConflictPolicy: 'USE_EXISTING',
        }).catch((e: unknown) => {
          // finished already (settled): nothing left to reconcile
          if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
        });
        res.status(201).setHeader('Location', `/v1/wallets/${params.office}/top-ups/${view.orderId}`);
        return view;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/wallets/:office/top-ups/:orderId',
      operationId: 'getWalletTopUp',
      summary: 'A top-up: open, paid or failed (an open one is first asked about at the gateway)',
      tags: ['e-wallet'],
      auth: ['exporter'],
      params: officeParam.extend({ orderId: z.string().regex(/^WTU[0-9A-F]{40}$/, 'a top-up order id looks like WTU followed by 40 hexadecimal characters') }),
      responses: { 200: { description: 'the top-up', schema: topUpView }, 404: { description: 'no such top-up of yours' } },
      handler: async ({ params, principal }) => walletService().getTopUp(iecOf(principal!), params.office, params.orderId),
    }),
    defineRoute({
      method: 'get',
      path: '/v1/wallets/:office/statement',
      operationId: 'getWalletStatement',
      summary: 'The statement of an e-wallet: its balance, then its credits and debits with their references, newest first',
      description: "An exporter reads their own wallet; the agency's administrator and the platform administrator name the IEC (`iec`).",
      tags: ['e-wallet'],
      auth: ['exporter', 'agency-admin', 'admin'],
      params: officeParam,
      query: z.object({ iec: z.string().regex(/^[A-Z0-9]{10}$/, 'an IEC has 10 letters and digits').optional(), ...paging }),
      responses: { 200: { description: 'the statement', schema: statementView }, 403: { description: "another agency's office" }, 404: { description: 'no such office' } },
      handler: async ({ params, query, principal }) => {
        const p = principal!;
        let iec: string;
        if (p.roles.includes('agency-admin') || p.roles.includes('admin')) {
          const office = await em().findOne(AgencyOfficeRow, { code: params.office });
          if (!office) throw new AppError(ErrorCode.NotFound, `Office ${params.office} is not known.`);
          assertManages(await administratorOnDuty(em(), p), office.agencyCode);
          if (!query.iec) throw new AppError(ErrorCode.ValidationFailed, 'Name the exporter: iec=<IEC>.', { problems: [{ path: 'query/iec', message: 'required for an administrator' }] });
          iec = query.iec;
        } else {
          iec = iecOf(p);
          if (query.iec && query.iec !== iec) throw new AppError(ErrorCode.Forbidden, `You read the wallets of IEC ${iec} only.`);
        }
        return walletStatement(em(), iec, params.office, query.page, query.pageSize);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/v1/agencies/:agency/wallets',
      operationId: 'listAgencyWallets',
      summary: "The e-wallets kept at the agency's offices (or one office): each exporter's balance and the total",
      tags: ['e-wallet', 'agency administration'],
      auth: ['agency-admin', 'admin'],
      params: z.object({ agency: z.string().regex(/^[A-Z][A-Z0-9]{1,9}$/, 'an agency code looks like EIC') }),
      query: z.object({ office: z.string().regex(/^[A-Z]{2,10}-[A-Z]{3}$/, 'an office code looks like EIC-MUM').optional(), ...paging }),
      responses: {
        200: {
          description: 'the wallets',
          schema: z.object({
            agencyCode: z.string(),
            items: z.array(z.object({ iec: z.string(), officeCode: z.string(), balancePaise: z.number().int(), updatedAt: z.string() })),
            totalBalancePaise: z.number().int(),
            page: z.number().int(),
            pageSize: z.number().int(),
            total: z.number().int(),
            totalPages: z.number().int(),
          }),
        },
        403: { description: 'another agency' },
        404: { description: 'no such agency, or the office is not one of its offices' },
      },
      handler: async ({ params, query, principal }) => {
        const m = await administratorOnDuty(em(), principal!);
        if (!(await em().findOne(IssuingAgencyRow, { code: params.agency }))) throw new AppError(ErrorCode.NotFound, `Agency ${params.agency} is not known.`);
        assertManages(m, params.agency);
        return agencyWallets(em(), params.agency, query.office, query.page, query.pageSize);
      },
    }),
  ];
}
