import type { FieldProblem } from '../../lib/errors.js';
import type { TradeAgreement } from '../reference/types.js';
import { formatIndianDate, isIsoDate } from './financial-year.js';
import { DEFAULT_REQUEST_TIMING, type CertificateDetails, type RequestTiming, type Shipment } from './schemas.js';

/** The answer to "Whether CoO request before/after shipment", with the default for tabs saved before it was asked. */
export function requestTimingOf(details: Partial<Pick<CertificateDetails, 'requestTiming'>> | undefined): RequestTiming {
  return details?.requestTiming ?? DEFAULT_REQUEST_TIMING;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * Before / after shipment against the shipment tab (seed 001). After shipment the goods have left: the
 * shipment document and its date are known and the date is not in the future, and where the agreement limits
 * how long after shipment a certificate may still be issued (reference data, `retrospectiveIssue`), the date
 * is within it. Before shipment nothing more is asked (the document may not exist yet).
 */
export function checkRequestTiming(details: Pick<CertificateDetails, 'requestTiming'>, shipment: Shipment, agreement: TradeAgreement | undefined, today: string): FieldProblem[] {
  if (requestTimingOf(details) !== 'after_shipment') return [];
  const date = shipment.shipmentDate;
  if (date === undefined) {
    return [
      {
        path: 'shipment/shipmentDate',
        message:
          'The certificate is requested after shipment: give the shipment document (type, number) and the shipment date, or choose "Before Shipment" in the Certificate Details tab',
      },
    ];
  }
  if (!isIsoDate(date)) return [];
  if (date > today) {
    return [
      {
        path: 'shipment/shipmentDate',
        message: `Shipment date ${formatIndianDate(date)} is in the future (today is ${formatIndianDate(today)}), but the certificate is requested after shipment: correct the date, or choose "Before Shipment" in the Certificate Details tab`,
      },
    ];
  }
  const limit = agreement?.retrospectiveIssue?.withinDaysOfShipment;
  const days = daysBetween(date, today);
  if (limit !== undefined && days > limit) {
    return [
      {
        path: 'shipment/shipmentDate',
        message: `Under ${agreement!.title} a certificate can be issued after shipment only within ${limit} days of the shipment; the goods were shipped on ${formatIndianDate(date)}, ${days} days ago`,
      },
    ];
  }
  return [];
}

/** The mark an after-shipment certificate of this agreement carries, if its form has one. */
export function retrospectiveMarkOf(details: Partial<Pick<CertificateDetails, 'requestTiming'>> | undefined, agreement: Pick<TradeAgreement, 'retrospectiveIssue'>): TradeAgreement['retrospectiveIssue'] {
  return requestTimingOf(details) === 'after_shipment' ? agreement.retrospectiveIssue : undefined;
}
