import { AppError, ErrorCode } from '../../lib/errors.js';
import type { ReferenceIndex } from '../reference/reference-index.js';
import type { CertificateKind, IecBranch } from '../reference/types.js';
import { selectFeeEntry } from './select-fee-entry.js';

export type SupplyType = 'intra_state' | 'inter_state';

export interface FeeRequest {
  agencyCode: string;
  agreementCode: string;
  /** The office the application goes to: it is the supplier on the tax invoice. */
  officeCode: string;
  kind: CertificateKind;
  /** Delivery of the certificate at the exporter's premises (tab 1), charged extra. */
  deliveryRequested: boolean;
  /** The exporter's branch filing the application (from the IEC master): the recipient. */
  exporterBranch: Pick<IecBranch, 'gstStateCode' | 'isSez' | 'gstin'>;
}

export interface TaxAmount {
  rateBasisPoints: number;
  amountPaise: number;
}

export interface FeeLine {
  code: 'certificate_fee' | 'delivery_charge';
  description: string;
  sacCode: string;
  taxablePaise: number;
  gstRateBasisPoints: number;
  cgst: TaxAmount;
  sgst: TaxAmount;
  igst: TaxAmount;
  totalPaise: number;
  /** Where the figure comes from (the fee schedule's "source"). */
  source: string;
}

export interface FeeQuote {
  agencyCode: string;
  agreementCode: string;
  officeCode: string;
  kind: CertificateKind;
  supplyType: SupplyType;
  supplier: { name: string; gstin: string; gstStateCode: string; state: string };
  recipient: { gstin: string | null; gstStateCode: string; isSez: boolean };
  lines: FeeLine[];
  totals: { taxablePaise: number; cgstPaise: number; sgstPaise: number; igstPaise: number; taxPaise: number; totalPaise: number };
}

/**
 * The fee for a certificate, as the lines of a tax invoice, in integer paise.
 *
 * - The fee comes from the agency's schedule (selectFeeEntry); delivery at the premises adds the
 *   agency's delivery charge as a second line, taxed at its own rate.
 * - GST: CGST + SGST (half the rate each) when the exporter's branch and the office are in the
 *   same state; IGST otherwise. A branch in an SEZ always gets IGST: a supply to an SEZ unit is
 *   inter-state (IGST Act, section 7(5)(b)).
 * - Rounding: each tax of each line is rounded on its own to the nearest paisa, halves up
 *   (350.00 at 6% = 21.00 exactly; 0.5 paisa and above goes up). CGST and SGST are each rounded,
 *   so their sum may differ by a paisa from the IGST on the same amount. Totals add the rounded
 *   line amounts, so the invoice always adds up.
 */
export function calculateFee(reference: ReferenceIndex, request: FeeRequest): FeeQuote {
  const office = reference.office(request.officeCode);
  if (office === undefined) throw new AppError(ErrorCode.NotFound, `Office ${request.officeCode} is not known`);
  if (office.agencyCode !== request.agencyCode) {
    throw new AppError(ErrorCode.ValidationFailed, `Office ${office.code} belongs to ${office.agencyCode}, not ${request.agencyCode}`);
  }
  const entry = selectFeeEntry(reference, request.agencyCode, request.agreementCode, request.kind);
  const intraState = !request.exporterBranch.isSez && request.exporterBranch.gstStateCode === office.gstStateCode;

  const lines: FeeLine[] = [
    taxLine('certificate_fee', entry.description, entry.sacCode, entry.feePaise, entry.gstRateBasisPoints, intraState, entry.source),
  ];
  if (request.deliveryRequested) {
    const delivery = reference.deliveryCharge(request.agencyCode);
    if (delivery === undefined) {
      throw new AppError(ErrorCode.Internal, `No delivery charge is configured for ${request.agencyCode}; the agency administrator must add it`);
    }
    lines.push(
      taxLine('delivery_charge', delivery.description, delivery.sacCode, delivery.feePaise, delivery.gstRateBasisPoints, intraState, delivery.source),
    );
  }

  const sum = (f: (l: FeeLine) => number) => lines.reduce((s, l) => s + f(l), 0);
  const totals = {
    taxablePaise: sum((l) => l.taxablePaise),
    cgstPaise: sum((l) => l.cgst.amountPaise),
    sgstPaise: sum((l) => l.sgst.amountPaise),
    igstPaise: sum((l) => l.igst.amountPaise),
    taxPaise: sum((l) => l.cgst.amountPaise + l.sgst.amountPaise + l.igst.amountPaise),
    totalPaise: sum((l) => l.totalPaise),
  };
  return {
    agencyCode: request.agencyCode,
    agreementCode: request.agreementCode,
    officeCode: office.code,
    kind: request.kind,
    supplyType: intraState ? 'intra_state' : 'inter_state',
    supplier: { name: office.name, gstin: office.gstin, gstStateCode: office.gstStateCode, state: office.state },
    recipient: {
      gstin: request.exporterBranch.gstin,
      gstStateCode: request.exporterBranch.gstStateCode,
      isSez: request.exporterBranch.isSez,
    },
    lines,
    totals,
  };
}

function taxLine(
  code: FeeLine['code'],
  description: string,
  sacCode: string,
  taxablePaise: number,
  rateBasisPoints: number,
  intraState: boolean,
  source: string,
): FeeLine {
  const none = { rateBasisPoints: 0, amountPaise: 0 };
  const half = rateBasisPoints / 2;
  const cgst = intraState ? { rateBasisPoints: half, amountPaise: percentOf(taxablePaise, rateBasisPoints, 20_000) } : none;
  const sgst = intraState ? { rateBasisPoints: half, amountPaise: percentOf(taxablePaise, rateBasisPoints, 20_000) } : none;
  const igst = intraState ? none : { rateBasisPoints, amountPaise: percentOf(taxablePaise, rateBasisPoints, 10_000) };
  return {
    code,
    description,
    sacCode,
    taxablePaise,
    gstRateBasisPoints: rateBasisPoints,
    cgst,
    sgst,
    igst,
    totalPaise: taxablePaise + cgst.amountPaise + sgst.amountPaise + igst.amountPaise,
    source,
  };
}

/** amount × rate / divisor rounded half up, in integers (no floating point). */
export function percentOf(amountPaise: number, rateBasisPoints: number, divisor: number): number {
  if (!Number.isSafeInteger(amountPaise) || amountPaise < 0) throw new RangeError(`Amount ${amountPaise} must be whole, non-negative paise`);
  return Math.floor((2 * amountPaise * rateBasisPoints + divisor) / (2 * divisor));
}
