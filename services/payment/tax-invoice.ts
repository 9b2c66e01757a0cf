import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationRow, IecRecord, PaymentRow, TaxInvoiceRow } from '../../db/entities/index.js';
import { calculateFee, type FeeQuote } from '../../domain/fees/calculate-fee.js';
import { stateNameOfGstCode } from '../../domain/reference/indian-states.js';
import type { ReferenceIndex } from '../../domain/reference/reference-index.js';
import type { IecRecord as IecMasterRecord } from '../../domain/reference/types.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import type { FeeSummary } from '../../workflows/application/contract.js';
import { renderTaxInvoicePdf, type TaxInvoiceDocument, type TaxInvoiceSigner } from './tax-invoice-pdf.js';

type Address = IecMasterRecord['registeredAddress'];

function addressLines(a: Address): string[] {
  return [a.line1, a.line2, a.district && a.district !== a.city ? a.district : undefined, `${a.city} ${a.pincode}`, a.state].filter(
    (x): x is string => !!x && x.trim() !== '',
  );
}

/**
 * The GST breakdown the exporter paid. The workflow carries it since the fee was quoted; a workflow whose
 * history predates that carries only the flat lines, so the quote is computed again and used only if it
 * comes to the amount that was charged (a fee schedule revised in between would make it wrong).
 */
/** The fee for an application's original certificate, from its tabs and the exporter's branch in the IEC master. */
export function quoteApplicationFee(reference: ReferenceIndex, app: ApplicationRow, iec: IecMasterRecord): FeeQuote {
  const basic = app.tabs.basicDetails as { iecBranchCode: string; deliveryRequested: boolean };
  const branch = iec.branches.find((b) => b.branchCode === basic.iecBranchCode);
  if (!branch) throw new AppError(ErrorCode.ValidationFailed, `Branch ${basic.iecBranchCode} is not in the IEC master`);
  return calculateFee(reference, {
    agencyCode: app.agencyCode!,
    agreementCode: app.agreementCode!,
    officeCode: app.officeCode!,
    // a request for a duplicate / in-lieu certificate pays the schedule's duplicate fee (seed 001: 600 + GST at EIC)
    kind: app.kind === 'application' ? 'original' : 'duplicate',
    deliveryRequested: basic.deliveryRequested,
    exporterBranch: branch,
  });
}

/**
 * The GST breakdown the exporter paid. The workflow carries it since the fee was quoted; a workflow whose
 * history predates that carries only the flat lines, so the quote is computed again and used only if it
 * comes to the amount that was charged (a fee schedule revised in between would make it wrong).
 */
export function paidQuote(reference: ReferenceIndex, app: ApplicationRow, iec: IecMasterRecord, fee: FeeSummary): FeeQuote {
  if (fee.quote) return fee.quote;
  const quote = quoteApplicationFee(reference, app, iec);
  if (quote.totals.totalPaise !== fee.totalPaise) {
    throw new AppError(
      ErrorCode.Conflict,
      `The fee schedule changed after application ${app.number} was charged ${fee.totalPaise} paise (it now comes to ${quote.totals.totalPaise}); the tax invoice cannot be itemised from it.`,
    );
  }
  return quote;
}

/** Everything printed on the invoice, from the application, the IEC master record, the office and the payment. */
export function taxInvoiceDocument(args: {
  invoice: Pick<TaxInvoiceRow, 'number' | 'issuedAt'>;
  app: ApplicationRow;
  iec: IecMasterRecord;
  reference: ReferenceIndex;
  quote: FeeQuote;
  payment: PaymentRow;
}): TaxInvoiceDocument {
  const { invoice, app, iec, reference, quote, payment } = args;
  const office = reference.office(quote.officeCode);
  const agency = reference.agency(quote.agencyCode);
  if (!office || !agency) throw new AppError(ErrorCode.NotFound, `Office ${quote.officeCode} of ${quote.agencyCode} is not in the reference data`);
  const basic = app.tabs.basicDetails as { iecBranchCode: string };
  const branch = iec.branches.find((b) => b.branchCode === basic.iecBranchCode);
  const recipientState = stateNameOfGstCode(quote.recipient.gstStateCode) ?? branch?.state ?? quote.recipient.gstStateCode;
  return {
    number: invoice.number,
    issuedAt: invoice.issuedAt.toISOString(),
    supplyType: quote.supplyType,
    // a service to a registered recipient is supplied where the recipient is (IGST Act, section 12(2)(a))
    placeOfSupply: { state: recipientState, gstStateCode: quote.recipient.gstStateCode },
    supplier: {
      agencyName: agency.name,
      officeName: office.name,
      address: addressLines(office.address),
      gstin: quote.supplier.gstin,
      state: quote.supplier.state,
      gstStateCode: quote.supplier.gstStateCode,
      email: office.email,
      phone: office.phone,
    },
    recipient: {
      name: iec.firmName,
      iec: iec.iec,
      address: addressLines(branch?.address ?? iec.registeredAddress),
      gstin: quote.recipient.gstin,
      state: recipientState,
      gstStateCode: quote.recipient.gstStateCode,
      isSez: quote.recipient.isSez,
    },
    reference: {
      applicationNumber: app.number,
      agreement: reference.agreement(quote.agreementCode)?.title ?? quote.agreementCode,
      paymentMethod: payment.method === 'ewallet' ? 'ewallet' : 'gateway',
      orderId: payment.orderId,
      gatewayTxnId: payment.gatewayTxnId ?? null,
      paidAt: payment.paidAt ? payment.paidAt.toISOString() : null,
    },
    lines: quote.lines,
    totals: quote.totals,
  };
}

/**
 * Draws and seals the PDF of an invoice whose row exists, once: a retry after the PDF was stored does
 * nothing, and a retry before it draws the same document (the frozen one, sealed at the invoice's time).
 */
export async function ensureTaxInvoicePdf(
  em: EntityManager,
  number: string,
  build: () => Promise<TaxInvoiceDocument>,
  seal: (officeCode: string) => Promise<TaxInvoiceSigner | null>,
): Promise<{ sha256: string; sealed: boolean }> {
  const row = await em.findOneOrFail(TaxInvoiceRow, { number });
  if (row.pdfSha256) return { sha256: row.pdfSha256, sealed: row.sealedBy !== null };
  const doc = (row.document as unknown as TaxInvoiceDocument | null) ?? (await build());
  const signer = await seal(row.officeCode);
  const rendered = await renderTaxInvoicePdf(doc, signer, row.issuedAt);
  await em
    .getConnection()
    .execute(`update tax_invoice set document = coalesce(document, ?::jsonb), pdf = ?, pdf_sha256 = ?, sealed_by = ? where number = ? and pdf_sha256 is null`, [
      JSON.stringify(doc),
      rendered.pdf,
      rendered.sha256,
      signer ? signer.name : null,
      number,
    ]);
  const stored = await em.fork().findOneOrFail(TaxInvoiceRow, { number });
  return { sha256: stored.pdfSha256!, sealed: stored.sealedBy !== null };
}

/** Loads what `taxInvoiceDocument` needs for an application. */
export async function loadTaxInvoiceSources(em: EntityManager, applicationId: string, orderId: string) {
  const app = await em.findOneOrFail(ApplicationRow, { id: applicationId });
  const iec = (await em.findOneOrFail(IecRecord, { iec: app.iec })).data as unknown as IecMasterRecord;
  const payment = await em.findOneOrFail(PaymentRow, { orderId });
  return { app, iec, payment };
}
