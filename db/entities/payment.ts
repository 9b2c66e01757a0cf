import { BlobType, defineEntity, p } from '@mikro-orm/core';

/** One row per payment attempt (gateway order or e-wallet debit); `orderId` is the idempotency key. */
export const PaymentRowSchema = defineEntity({
  name: 'PaymentRow',
  tableName: 'payment',
  properties: {
    orderId: p.string().length(64).primary(),
    applicationId: p.string().length(36).index(),
    method: p.string().length(10),
    amountPaise: p.bigint('number'),
    officeCode: p.string().length(20),
    /** open → paid | failed; a paid row never changes again */
    status: p.string().length(10),
    gatewayTxnId: p.string().length(80).nullable(),
    /** how the outcome became known: callback, reconciliation (status API), wallet */
    confirmedVia: p.string().length(20).nullable(),
    callbacksReceived: p.integer().default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
    paidAt: p.datetime().nullable(),
  },
});
export class PaymentRow extends PaymentRowSchema.class {}
PaymentRowSchema.setClass(PaymentRow);

/** Tax invoice / receipt produced after payment (seed 004: "the invoice/receipt is produced"). */
export const TaxInvoiceRowSchema = defineEntity({
  name: 'TaxInvoiceRow',
  tableName: 'tax_invoice',
  properties: {
    number: p.string().length(40).primary(),
    applicationId: p.string().length(36).unique(),
    orderId: p.string().length(64),
    iec: p.string().length(10),
    officeCode: p.string().length(20),
    supplyType: p.string().length(20),
    lines: p.json<{ description: string; amountPaise: number }[]>(),
    totalPaise: p.bigint('number'),
    issuedAt: p.datetime().onCreate(() => new Date()),
    /** everything printed on the invoice (TaxInvoiceDocument), frozen at issue; null for invoices issued before it was kept */
    document: p.json<Record<string, unknown>>().nullable(),
    /** the invoice as PDF, e-sealed with the office's e-seal when it has one */
    pdf: p.type(BlobType).lazy().nullable(),
    pdfSha256: p.string().length(64).nullable(),
    /** the e-seal's subject, or null when the PDF is not sealed */
    sealedBy: p.string().length(200).nullable(),
  },
});
export class TaxInvoiceRow extends TaxInvoiceRowSchema.class {}
TaxInvoiceRowSchema.setClass(TaxInvoiceRow);

/** An exporter's e-wallet at an office (seed 002: e-wallet per office), with its ledger. */
export const WalletRowSchema = defineEntity({
  name: 'WalletRow',
  tableName: 'wallet',
  primaryKeys: ['iec', 'officeCode'],
  properties: {
    iec: p.string().length(10).primary(),
    officeCode: p.string().length(20).primary(),
    balancePaise: p.bigint('number'),
    updatedAt: p.datetime().onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export class WalletRow extends WalletRowSchema.class {}
WalletRowSchema.setClass(WalletRow);

export const WalletEntrySchema = defineEntity({
  name: 'WalletEntry',
  tableName: 'wallet_entry',
  indexes: [{ properties: ['iec', 'officeCode', 'id'] }],
  properties: {
    id: p.bigint().primary().autoincrement(),
    /** idempotency: a retried debit finds its entry */
    entryKey: p.string().length(100).unique(),
    iec: p.string().length(10),
    officeCode: p.string().length(20),
    amountPaise: p.bigint('number'),
    balanceAfterPaise: p.bigint('number'),
    reason: p.string(),
    /** top-up, fee, migration (null on entries written before it was kept: the entry key tells) */
    kind: p.string().length(20).nullable(),
    /** what the statement shows as its reference: the top-up's order id, the application/request number, the legacy reference */
    reference: p.string().length(100).nullable(),
    at: p.datetime().onCreate(() => new Date()),
  },
});
export class WalletEntry extends WalletEntrySchema.class {}
WalletEntrySchema.setClass(WalletEntry);

/** A top-up of an e-wallet through the office's payment gateway; `orderId` is the gateway order and the ledger entry's key. */
export const WalletTopupRowSchema = defineEntity({
  name: 'WalletTopupRow',
  tableName: 'wallet_topup',
  indexes: [{ properties: ['iec', 'officeCode'] }, { name: 'wallet_topup_open_index', expression: `create index "wallet_topup_open_index" on "wallet_topup" ("created_at") where "status" = 'open'` }],
  properties: {
    orderId: p.string().length(64).primary(),
    iec: p.string().length(10),
    officeCode: p.string().length(20),
    amountPaise: p.bigint('number'),
    /** open → paid | failed; a paid or failed row never changes again */
    status: p.string().length(10),
    requestedBy: p.string().length(120),
    gatewayTxnId: p.string().length(80).nullable(),
    /** how the outcome became known: callback or reconciliation (status API) */
    confirmedVia: p.string().length(20).nullable(),
    callbacksReceived: p.integer().default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
    settledAt: p.datetime().nullable(),
  },
});
export class WalletTopupRow extends WalletTopupRowSchema.class {}
WalletTopupRowSchema.setClass(WalletTopupRow);

/**
 * An order at the sandbox payment gateway (api/sandbox/payment-gateway.ts, development and tests only): kept in
 * PostgreSQL, not in the API's memory, so an order opened before the API restarts can still be paid, and asked
 * about by the workflow's reconciliation, afterwards; every API process sees the same orders.
 */
export const SandboxGatewayOrderSchema = defineEntity({
  name: 'SandboxGatewayOrder',
  tableName: 'sandbox_gateway_order',
  properties: {
    orderId: p.string().length(64).primary(),
    merchantId: p.string().length(64),
    amountPaise: p.bigint('number'),
    description: p.text(),
    callbackUrl: p.text(),
    returnUrl: p.text(),
    /** PENDING → SUCCESS | FAILED, once */
    status: p.string().length(10),
    gatewayTxnId: p.string().length(80).nullable(),
    callbacks: p.integer().default(0),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export class SandboxGatewayOrder extends SandboxGatewayOrderSchema.class {}
SandboxGatewayOrderSchema.setClass(SandboxGatewayOrder);
