import { LockMode } from '@mikro-orm/postgresql';
import { ApplicationRow, IecRecord, PaymentRow, TaxInvoiceRow, WalletEntry, WalletRow } from '../../db/entities/index.js';
import { nextSequence } from '../../db/sequence.js';
import { financialYearOf } from '../../domain/application/financial-year.js';
import type { IecRecord as IecMasterRecord } from '../../domain/reference/types.js';
import { formatRupees } from '../../domain/fees/format-paise.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { FeeSummary, PaymentCallback } from '../../workflows/application/contract.js';
import type { GatewayOrderStatus } from '../payment/gateway.js';
import type { ApplicationServiceDeps } from '../application/deps.js';
import { ensureTaxInvoicePdf, loadTaxInvoiceSources, paidQuote, quoteApplicationFee, taxInvoiceDocument } from '../payment/tax-invoice.js';
import { paymentReturnUrl } from '../payment/payment-return.js';

export function createPaymentService(deps: ApplicationServiceDeps) {
  return {
    /** The fee from the agency's schedule with GST (CGST+SGST within a state, IGST across states). */
    async quoteFee(applicationId: string): Promise<FeeSummary> {
      const em = deps.em();
      const app = await em.findOneOrFail(ApplicationRow, { id: applicationId });
      const iec = (await em.findOneOrFail(IecRecord, { iec: app.iec })).data as unknown as IecMasterRecord;
      const quote = quoteApplicationFee(await deps.reference({ office: app.officeCode, agency: app.agencyCode }), app, iec);
      app.feeTotalPaise = quote.totals.totalPaise;
      await em.flush();
      const lines: FeeSummary['lines'] = [];
      for (const l of quote.lines) {
        lines.push({ description: l.description, amountPaise: l.taxablePaise });
        if (l.cgst.amountPaise) lines.push({ description: `CGST ${l.cgst.rateBasisPoints / 100}%`, amountPaise: l.cgst.amountPaise });
        if (l.sgst.amountPaise) lines.push({ description: `SGST ${l.sgst.rateBasisPoints / 100}%`, amountPaise: l.sgst.amountPaise });
        if (l.igst.amountPaise) lines.push({ description: `IGST ${l.igst.rateBasisPoints / 100}%`, amountPaise: l.igst.amountPaise });
      }
      return { totalPaise: quote.totals.totalPaise, lines, supplyType: quote.supplyType, quote };
    },

    /**
     * Opens a hosted-checkout order at the gateway. The order ID comes from the workflow, so a retry
     * (or a second click) finds the same order instead of opening another.
     */
    async createGatewayOrder(input: { applicationId: string; orderId: string; amountPaise: number; officeCode: string }): Promise<{ checkoutUrl: string }> {
      const em = deps.em();
      const app = await em.findOneOrFail(ApplicationRow, { id: input.applicationId });
      await em.getConnection().execute(
        `insert into payment (order_id, application_id, method, amount_paise, office_code, status, callbacks_received, created_at)
         values (?, ?, 'gateway', ?, ?, 'open', 0, now()) on conflict (order_id) do nothing`,
        [input.orderId, input.applicationId, input.amountPaise, input.officeCode],
      );
      const creds = await deps.gatewayCredentials.credentialsFor(input.officeCode);
      return deps.paymentGateway.createOrder(creds, {
        orderId: input.orderId,
        amountPaise: input.amountPaise,
        description: app.kind === 'application' ? `Certificate of Origin fee, application ${app.number}` : `Duplicate/in-lieu Certificate of Origin fee, request ${app.number}`,
        callbackUrl: `${deps.publicBaseUrl}/v1/payments/callback`,
        returnUrl: paymentReturnUrl(deps.publicBaseUrl, input.orderId),
      });
    },

    /** Reconciliation: asks the gateway what happened to an order whose callback has not arrived. */
    async getGatewayOrderStatus(input: { orderId: string; officeCode: string }): Promise<{ status: GatewayOrderStatus; gatewayTxnId?: string; amountPaise?: number }> {
      const creds = await deps.gatewayCredentials.credentialsFor(input.officeCode);
      return deps.paymentGateway.getStatus(creds, input.orderId);
    },

    /** Pays from the exporter's e-wallet at the office; idempotent by order ID. */
    async debitWallet(input: { applicationId: string; orderId: string; iec: string; officeCode: string; amountPaise: number }): Promise<{ balanceAfterPaise: number }> {
      const em = deps.em();
      return em.transactional(async (tx) => {
        const done = await tx.findOne(WalletEntry, { entryKey: input.orderId });
        if (done) return { balanceAfterPaise: done.balanceAfterPaise };
        // seed 002 §3.I.iv: the agency's administrator enables the e-wallet per office
        const office = (await deps.reference({ office: input.officeCode })).office(input.officeCode);
        if (!office?.eWallet.enabled) {
          throw new AppError(ErrorCode.PaymentFailed, `Office ${input.officeCode} does not take e-wallet payments (its administrator has not enabled the e-wallet there): pay through the payment gateway.`);
        }
        const wallet = await tx.findOne(WalletRow, { iec: input.iec, officeCode: input.officeCode }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!wallet) {
          throw new AppError(ErrorCode.PaymentFailed, `You have no e-wallet at office ${input.officeCode}. Pay through the payment gateway, or ask the office to open one.`);
        }
        if (wallet.balancePaise < input.amountPaise) {
          throw new AppError(
            ErrorCode.PaymentFailed,
            `Your e-wallet at ${input.officeCode} holds ₹${formatRupees(wallet.balancePaise)}, less than the fee of ₹${formatRupees(input.amountPaise)}. Top it up or pay through the payment gateway.`,
          );
        }
        wallet.balancePaise -= input.amountPaise;
        const app = await tx.findOne(ApplicationRow, { id: input.applicationId });
        const what = app?.kind === 'application' ? 'application' : 'request';
        tx.create(WalletEntry, {
          entryKey: input.orderId,
          iec: input.iec,
          officeCode: input.officeCode,
          amountPaise: -input.amountPaise,
          balanceAfterPaise: wallet.balancePaise,
          reason: app ? `fee for ${what} ${app.number}` : `fee for application ${input.applicationId}`,
          kind: 'fee',
          reference: app?.number ?? input.applicationId,
        });
        tx.create(PaymentRow, {
          orderId: input.orderId,
          applicationId: input.applicationId,
          method: 'ewallet',
          amountPaise: input.amountPaise,
          officeCode: input.officeCode,
          status: 'paid',
          gatewayTxnId: null,
          confirmedVia: 'wallet',
          paidAt: new Date(),
        });
        return { balanceAfterPaise: wallet.balancePaise };
      });
    },

    /**
     * Records the gateway's verdict once: a paid order never changes again (the API counts the callbacks
     * it receives). Returns whether this call was the one that marked it paid.
     */
    async recordGatewayOutcome(input: PaymentCallback & { via: 'callback' | 'reconciliation' }): Promise<{ firstTime: boolean; status: 'paid' | 'failed' | 'open' }> {
      const em = deps.em();
      const conn = em.getConnection();
      const newStatus = input.status === 'SUCCESS' ? 'paid' : 'failed';
      const updated = await conn.execute<{ order_id: string }[]>(
        `update payment set status = ?, gateway_txn_id = ?, confirmed_via = ?, paid_at = case when ? = 'paid' then now() else null end
         where order_id = ? and status = 'open' and amount_paise = ? returning order_id`,
        [newStatus, input.gatewayTxnId, input.via, newStatus, input.orderId, input.amountPaise],
      );
      if (updated.length === 0) {
        const row = await em.findOne(PaymentRow, { orderId: input.orderId });
        return { firstTime: false, status: (row?.status as 'paid' | 'failed' | 'open') ?? 'open' };
      }
      return { firstTime: true, status: newStatus };
    },

    /**
     * The tax invoice / receipt; one per application, numbered per office and financial year. The row is
     * what submission needs; its PDF (the itemised GST invoice, e-sealed with the office's e-seal) is drawn
     * right after, once. An invoice that cannot be itemised (a history from before the breakdown was kept,
     * and a fee schedule revised since) keeps its row and has no PDF; the submission goes on.
     */
    async issueTaxInvoice(input: { applicationId: string; orderId: string; fee: FeeSummary }): Promise<{ number: string; pdfSha256?: string; noPdfReason?: string }> {
      const em = deps.em();
      let number = (await em.findOne(TaxInvoiceRow, { applicationId: input.applicationId }))?.number;
      if (!number) {
        const app = await em.findOneOrFail(ApplicationRow, { id: input.applicationId });
        const fy = financialYearOf(new Date());
        const seq = await nextSequence(em, `tax-invoice/${app.officeCode}/${fy.label}`);
        const candidate = `${app.officeCode}/TI/${fy.label}/${String(seq).padStart(6, '0')}`;
        await em.getConnection().execute(
          `insert into tax_invoice (number, application_id, order_id, iec, office_code, supply_type, lines, total_paise, issued_at)
           values (?, ?, ?, ?, ?, ?, ?::jsonb, ?, now()) on conflict (application_id) do nothing`,
          [candidate, app.id, input.orderId, app.iec, app.officeCode, input.fee.supplyType, JSON.stringify(input.fee.lines), input.fee.totalPaise],
        );
        number = (await em.fork().findOneOrFail(TaxInvoiceRow, { applicationId: app.id })).number;
      }
      const invoiceNumber = number;
      try {
        const pdf = await ensureTaxInvoicePdf(
          em.fork(),
          invoiceNumber,
          async () => {
            const m = em.fork();
            const { app, iec, payment } = await loadTaxInvoiceSources(m, input.applicationId, input.orderId);
            const reference = await deps.reference({ office: app.officeCode, agency: app.agencyCode });
            const invoice = await m.findOneOrFail(TaxInvoiceRow, { number: invoiceNumber });
            return taxInvoiceDocument({ invoice, app, iec, reference, payment, quote: paidQuote(reference, app, iec, input.fee) });
          },
          async (officeCode) => (deps.taxInvoiceSeal ? deps.taxInvoiceSeal(officeCode) : null),
        );
        return { number: invoiceNumber, pdfSha256: pdf.sha256 };
      } catch (e) {
        // the row stands without its PDF; the reason goes to the activity's log
        if (e instanceof AppError && e.code === ErrorCode.Conflict) return { number: invoiceNumber, noPdfReason: e.message };
        throw e;
      }
    },
  };
}
