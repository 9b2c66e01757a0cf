import { indianDateOf } from '../../domain/application/financial-year.js';
import { requestTimingOf, retrospectiveMarkOf } from '../../domain/application/check-request-timing.js';
import type { ApplicationDraft, ExportItem, ImportItem } from '../../domain/application/schemas.js';
import { formatCertificateDate } from '../../domain/certificate/format.js';
import type { CertificateDocument, CertificateGoodsItem, TransportMode } from '../../domain/certificate/types.js';
import { countryName } from '../../domain/reference/countries.js';
import type { Address, IecRecord as IecMasterRecord, IssuingAgency, RegionalOffice, TradeAgreement } from '../../domain/reference/types.js';
import { AppError, ErrorCode } from '../../lib/errors.js';

/**
 * The certificate of an application approved through the workflow: what it says (built from the
 * application's frozen tabs, the reference data, the exporter's IEC master record and the approving
 * officer), and the issuance pieces around it: the office's e-seal, the officer's signature and the
 * office stamp, the QR key. The application workflow's `issueCertificateDocument` calls `render` once
 * per certificate.
 *
 * The document is frozen into the certificate row (`document.certificate`) at the first render, so the
 * public verification shows what the signed PDF says even after the IEC record or staff names change.
 */

/** The certificate row's `document` JSON: written at approval, completed at the first render. */
export interface StoredCertificateDocument {
  applicationNumber: string;
  fileNumber: string | null;
  /** the application's tabs as approved */
  tabs: ApplicationDraft;
  certificate?: CertificateDocument;
  signature?: { commonName: string; serialNumber: string; organization?: string; signedAt: string; pageCount: number };
}

// ---- the document ----

export interface CertificateSources {
  certificateNumber: string;
  issuedAt: Date;
  tabs: ApplicationDraft;
  agreement: TradeAgreement;
  agency: IssuingAgency;
  office: RegionalOffice;
  exporter: IecMasterRecord;
  officer: { name: string; designation?: string | undefined };
  /** when the exporter signed the approved version (YYYY-MM-DD) */
  declaredOn?: string | undefined;
  /** a duplicate or an in-lieu certificate: the certificate it was issued from, and when that was issued (YYYY-MM-DD) */
  replaces?: { kind: 'duplicate' | 'in-lieu'; number: string; issueDate: string } | undefined;
}

export function invalid(message: string, path: string): AppError {
  return new AppError(ErrorCode.ValidationFailed, message, { problems: [{ path, message }] });
}

function formatAddress(a: Address): string {
  return [a.line1, a.line2, a.district && a.district !== a.city ? a.district : undefined, `${a.city} ${a.pincode}`, a.state]
    .filter((x): x is string => !!x && x.trim() !== '')
    .join(', ');
}

/** "Korea, Republic of" → "Republic of Korea": the form printed on documents. */
export function printedCountryName(code: string): string {
  const name = countryName(code);
  const m = /^(.+), (.+)$/.exec(name);
  return m ? `${m[2]} ${m[1]}` : name;
}

/**
 * "60 corrugated cartons" → 60 × "corrugated cartons". The form's field is free text ("Number and kind of
 * packages"); a text without any number (e.g. "In bulk") is printed as one lot of that kind.
 */
export function parsePackages(text: string): { count: number; kind: string } {
  const t = text.trim().replace(/\s+/g, ' ');
  const lead = /^(\d{1,3}(?:,\d{3})+|\d+)\s*(?:(?:x|nos?\.?|no\.?)\s+)?(.*)$/i.exec(t);
  if (lead?.[1]) {
    const count = Number(lead[1].replace(/,/g, ''));
    if (count > 0) return { count, kind: lead[2]?.trim() || 'PACKAGES' };
  }
  const any = /(\d{1,3}(?:,\d{3})+|\d+)/.exec(t);
  if (any?.[1] && Number(any[1].replace(/,/g, '')) > 0) {
    const kind = (t.slice(0, any.index) + t.slice(any.index + any[1].length)).replace(/\s+/g, ' ').replace(/^[\s:,-]+|[\s:,-]+$/g, '');
    return { count: Number(any[1].replace(/,/g, '')), kind: kind || 'PACKAGES' };
  }
  return { count: 1, kind: t };
}

/** The HS code as printed: the 6-digit subheading (from the 8-digit ITC-HS code when only 4 digits were given). */
export function printedHsCode(item: Pick<ExportItem, 'hsCode' | 'itcHsCode'>): string {
  return item.hsCode.length >= 6 ? item.hsCode : item.itcHsCode.slice(0, 6);
}

function formatPercent(value: number): string {
  return `${Number(value.toFixed(2))}%`;
}

function criterionText(agreement: TradeAgreement, imp: ImportItem | undefined): string {
  if (!imp) return '';
  const def = agreement.originCriteria.find((c) => c.code.toUpperCase() === imp.preferenceCriterion.toUpperCase());
  const printed = def?.printedAs ?? imp.preferenceCriterion.toUpperCase();
  return def?.valueRequired ? `${printed} ${formatPercent(imp.preferenceCriterionValuePercent)}` : printed;
}

const TRANSPORT: Record<string, TransportMode> = { sea: 'SEA', air: 'AIR', road: 'ROAD', rail: 'RAIL', multimodal: 'MULTIMODAL' };
const SHIPMENT_DOCUMENTS: Record<string, string> = {
  bill_of_lading: 'Bill of Lading',
  airway_bill: 'Airway Bill',
  lorry_receipt: 'Lorry Receipt',
  railway_receipt: 'Railway Receipt',
  multimodal_transport_document: 'Multimodal Transport Document',
};

/** What the certificate says, from the approved application and the data around it. Pure. */
export function buildCertificateDocument(src: CertificateSources): CertificateDocument {
  const { tabs, agreement, agency, office, exporter } = src;
  const details = tabs.certificateDetails;
  const products = tabs.exportProducts;
  const shipment = tabs.shipment;
  const declaration = tabs.declaration;
  if (!details) throw invalid('The application has no certificate details (tab 2): no certificate can be drawn.', 'tabs/certificateDetails');
  if (!products?.items.length) throw invalid('The application has no export products (tab 3): no certificate can be drawn.', 'tabs/exportProducts');
  if (!shipment) throw invalid('The application has no shipment details (tab 5): no certificate can be drawn.', 'tabs/shipment');
  if (!declaration) throw invalid('The application has no declaration (tab 7): no certificate can be drawn.', 'tabs/declaration');

  const issueDate = indianDateOf(src.issuedAt);
  const invoice = details.invoice;
  const branch = exporter.branches.find((b) => b.branchCode === tabs.basicDetails?.iecBranchCode);
  const importing = printedCountryName(details.importer.country);
  const discharge = /^\s*others?\s*$/i.test(shipment.portOfDischarge) ? (shipment.portOfDischargeOther ?? shipment.portOfDischarge) : shipment.portOfDischarge;

  const goods: CertificateGoodsItem[] = [...products.items]
    .sort((a, b) => a.itemNo - b.itemNo)
    .map((item) => ({
      itemNumber: item.itemNo,
      marksAndNumbers: item.marksAndNumbers,
      packages: parsePackages(item.packages),
      description: item.description,
      hsCode: printedHsCode(item),
      preferenceCriterion: criterionText(agreement, tabs.importDetails?.items.find((i) => i.itemNo === item.itemNo)),
      grossQuantity: { value: item.quantity, unit: item.unit },
      invoiceNumber: invoice.number,
      invoiceDate: invoice.date,
      value: item.valueInCurrency,
    }));

  const remarks: string[] = [];
  if (shipment.shipmentDocumentType && shipment.shipmentDocumentNumber) {
    const label = SHIPMENT_DOCUMENTS[shipment.shipmentDocumentType] ?? shipment.shipmentDocumentType;
    remarks.push(`${label} No. ${shipment.shipmentDocumentNumber}${shipment.shipmentDate ? ` dated ${formatCertificateDate(shipment.shipmentDate)}` : ''}.`);
  }
  if (!shipment.shipmentDate) remarks.push('Departure date not known at issue: the date of issue is shown.');

  const third = invoice.thirdCountryInvoicing ? invoice.thirdCountryInvoice : undefined;
  const retrospective = retrospectiveMarkOf(details, agreement);
  return {
    certificateNumber: src.certificateNumber,
    issueDate,
    agreement: { code: agreement.code, title: agreement.title },
    exporter: { name: exporter.firmName, address: formatAddress(branch?.address ?? exporter.registeredAddress), iec: exporter.iec },
    importer: { name: details.importer.name, address: details.importer.address, country: importing, countryCode: details.importer.country },
    transport: {
      mode: TRANSPORT[shipment.modeOfTransport] ?? 'MULTIMODAL',
      portOfLoading: shipment.portOfShipment,
      portOfDischarge: discharge,
      route: shipment.route,
      departureDate: shipment.shipmentDate ?? issueDate,
    },
    goods,
    invoice: { number: invoice.number, date: invoice.date, currency: invoice.currency, value: invoice.valueInCurrency },
    declaration: {
      place: declaration.place,
      date: src.declaredOn ?? issueDate,
      name: declaration.name,
      designation: declaration.designation,
      countryOfOrigin: 'INDIA',
      importingCountry: importing,
    },
    certification: {
      officeName: office.name,
      agencyName: agency.name,
      officerName: src.officer.name,
      ...(src.officer.designation ? { officerDesignation: src.officer.designation } : {}),
      place: office.address.city.toUpperCase(),
      date: issueDate,
    },
    thirdCountryInvoicing: invoice.thirdCountryInvoicing,
    ...(invoice.thirdCountryInvoicing
      ? { thirdCountryOperator: third ? `${third.operatorName}, ${third.operatorAddress}, ${printedCountryName(third.operatorCountry)}` : 'Not stated' }
      : {}),
    ...(remarks.length ? { remarks: remarks.join(' ') } : {}),
    requestTiming: requestTimingOf(details),
    ...(retrospective ? { issuedRetrospectively: { mark: retrospective.mark, printedIn: retrospective.printedIn } } : {}),
    ...(src.replaces ? { replacesCertificateNumber: src.replaces.number, replacement: src.replaces } : {}),
  };
}
