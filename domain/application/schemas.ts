import { z } from 'zod';
import { UNITS_OF_QUANTITY } from '../reference/units.js';

/**
 * The tabs of the Trade Connect application form (seed 004), one zod schema each. The shapes hold
 * only what JSON Schema can express (types, lengths, patterns, ranges, enums), so that
 * `z.toJSONSchema()` gives the OpenAPI document; rules across fields and against reference data
 * live in the check-*.ts functions. Every message names the field as the form does.
 */

function required(label: string, kind: string) {
  return {
    error: (iss: { input?: unknown }) => (iss.input === undefined ? `${label} is required` : `${label} must be ${kind}`),
  };
}

function text(label: string, max: number) {
  return z
    .string(required(label, 'text'))
    .min(1, `${label} is required`)
    .max(max, `${label} can have at most ${max} characters`)
    .regex(/\S/, `${label} must not be blank`);
}

function pattern(label: string, re: RegExp, hint: string) {
  return z.string(required(label, 'text')).regex(re, `${label} ${hint}`);
}

function flag(label: string) {
  return z.boolean(required(label, 'true or false (yes/no)'));
}

function isoDate(label: string) {
  return z.iso.date({
    error: (iss) => (iss.input === undefined ? `${label} is required` : `${label} must be a date written YYYY-MM-DD`),
  });
}

function amount(label: string) {
  return z
    .number(required(label, 'a number'))
    .positive(`${label} must be greater than 0`)
    .max(1e13, `${label} is too large`);
}

function rate(label: string) {
  return z
    .number(required(label, 'a number'))
    .positive(`${label} must be greater than 0`)
    .max(1e6, `${label} is too large`);
}

function oneOf<const T extends readonly [string, ...string[]]>(label: string, values: T) {
  return z.enum(values, {
    error: (iss) => (iss.input === undefined ? `${label} is required` : `${label} must be one of: ${values.join(', ')}`),
  });
}

function countryCode(label: string) {
  return pattern(label, /^[A-Z]{2}$/, 'must be a 2-letter ISO country code such as OM or KR');
}

function itemNo(label: string) {
  return z
    .number(required(label, 'a number'))
    .int(`${label} must be a whole number`)
    .min(1, `${label} must be at least 1`)
    .max(99, `${label} can be at most 99`);
}

const unit = (label: string) => oneOf(label, UNITS_OF_QUANTITY);

export const TAB_IDS = [
  'basicDetails',
  'certificateDetails',
  'exportProducts',
  'importDetails',
  'shipment',
  'attachments',
  'declaration',
] as const;
export type TabId = (typeof TAB_IDS)[number];

/** Tab 1. Company details themselves come from the IEC master, never from the form. */
export const BasicDetailsSchema = z
  .strictObject({
    iecBranchCode: pattern('IEC branch', /^[0-9]{2}$/, 'must be the 2-digit branch code from the IEC master'),
    deliveryRequested: flag('Delivery of the certificate at your premises'),
    disclaimerAccepted: flag('Disclaimer'),
  })
  .describe('Tab 1 - Basic details: the IEC branch filing, delivery at premises (charged), disclaimer');

export const ImporterSchema = z.strictObject({
  name: text('Importer name', 200),
  address: text('Importer address', 500).describe('Without the country: the country is printed from its own field'),
  country: countryCode('Importer country'),
});

export const ThirdCountryInvoiceSchema = z.strictObject({
  operatorName: text('Third-country operator name', 200),
  operatorAddress: text('Third-country operator address', 500),
  operatorCountry: countryCode('Third-country operator country'),
  invoiceNumber: text('Third-country invoice number', 30).optional(),
  invoiceDate: isoDate('Third-country invoice date').optional(),
});

export const InvoiceSchema = z.strictObject({
  number: text('Invoice number', 30).describe('Letters, digits and / , - only; unique for the IEC within a financial year'),
  date: isoDate('Invoice date'),
  currency: pattern('Invoice currency', /^[A-Z]{3}$/, 'must be a 3-letter ISO 4217 code such as USD'),
  valueInCurrency: amount('Invoice value (in invoice currency)'),
  valueUsd: amount('Invoice value (in USD)'),
  valueInr: amount('Invoice value (in INR)'),
  exchangeRateToInr: rate('Exchange rate (to INR)').describe('Rupees for one unit of the invoice currency'),
  exchangeRateToUsd: rate('Exchange rate (to USD)').describe('US dollars for one unit of the invoice currency'),
  thirdCountryInvoicing: flag('Third country invoicing'),
  thirdCountryInvoice: ThirdCountryInvoiceSchema.optional(),
});

/** Seed 001's "Whether CoO request before/after shipment": a certificate asked for after the goods left is issued retrospectively. */
export const REQUEST_TIMINGS = ['before_shipment', 'after_shipment'] as const;
export type RequestTiming = (typeof REQUEST_TIMINGS)[number];
/** What a draft saved before the question was asked, or a body that leaves it out, means: the usual case. */
export const DEFAULT_REQUEST_TIMING: RequestTiming = 'before_shipment';

/** Tab 2. */
export const CertificateDetailsSchema = z
  .strictObject({
    certificateType: oneOf('Type of certificate', ['preferential', 'non_preferential']),
    requestTiming: oneOf('Whether the certificate is requested before or after shipment', REQUEST_TIMINGS)
      .default(DEFAULT_REQUEST_TIMING)
      .describe(
        'Seed 001 "Whether CoO request before/after shipment". after_shipment: the goods have left, so the shipment document and date are required, ' +
          'and where the agreement\'s form has an "issued retrospectively" mark (reference data, `retrospectiveIssue`) the certificate carries it. Default before_shipment.',
      ),
    agreementCode: pattern('Trade agreement', /^[A-Z][A-Z0-9]{1,9}$/, 'must be an agreement code such as AIFTA'),
    agencyCode: pattern('Issuing agency', /^[A-Z][A-Z0-9]{1,9}$/, 'must be an agency code such as EIC'),
    officeCode: pattern('Issuing office', /^[A-Z]{2,10}-[A-Z]{3}$/, 'must be an office code such as EIC-MUM'),
    importer: ImporterSchema,
    invoice: InvoiceSchema,
  })
  .describe('Tab 2 - Certificate details: type, before/after shipment, agreement, agency, office, importer, invoice');

export const ExportItemSchema = z.strictObject({
  itemNo: itemNo('Item number'),
  itcHsCode: pattern('ITC-HS code', /^[0-9]{8}$/, 'must be 8 digits, e.g. 61046100'),
  hsCode: pattern('HS code', /^[0-9]{4}(?:[0-9]{2})?$/, 'must be 4 or 6 digits, e.g. 6104'),
  description: text('Description of the export product', 500),
  quantity: amount('Quantity'),
  unit: unit('Unit of quantity'),
  valueInCurrency: amount('Item value (in invoice currency)'),
  valueUsd: amount('Item value (in USD)'),
  valueInr: amount('Item value (in INR)'),
  marksAndNumbers: text('Marks and numbers', 200),
  packages: text('Number and kind of packages', 200).describe('e.g. "10 cardboard boxes"'),
});

/** Tab 3. */
export const ExportProductsSchema = z
  .strictObject({
    items: z
      .array(ExportItemSchema, required('Export products', 'a list'))
      .min(1, 'Add at least one export product')
      .max(99, 'An application can have at most 99 export products'),
  })
  .describe('Tab 3 - Export products; item values must add up to the invoice value');

export const RawMaterialSchema = z.strictObject({
  hsCode: pattern('Raw material HS code', /^[0-9]{4,8}$/, 'must be 4 to 8 digits'),
  description: text('Description of the raw material', 500),
  quantity: amount('Raw material quantity'),
  unit: unit('Raw material unit'),
  unitCifValue: amount('Unit CIF value'),
  currency: pattern('Raw material currency', /^[A-Z]{3}$/, 'must be a 3-letter ISO 4217 code such as USD'),
  totalCifValue: amount('Total CIF value'),
  countryOfOrigin: pattern(
    'Country of origin',
    /^(?:[A-Z]{2}|UNDETERMINED)$/,
    'must be a 2-letter ISO country code (IN for Indian materials) or UNDETERMINED',
  ),
  billOfEntryOrInvoiceNo: text('Bill of entry / invoice number', 30),
  billOfEntryOrInvoiceDate: isoDate('Bill of entry / invoice date'),
  supplierNameAndAddress: text("Supplier's name and address", 500),
});

export const ImportItemSchema = z.strictObject({
  itemNo: itemNo('Export item number'),
  usesImportedOrUndeterminedMaterials: flag('Imported or undetermined-origin raw material used'),
  rawMaterials: z
    .array(RawMaterialSchema, required('Raw materials', 'a list'))
    .max(50, 'An export item can list at most 50 raw materials'),
  preferenceCriterion: pattern('Preference criterion', /^[A-Za-z][A-Za-z0-9+]{0,9}$/, 'must be a criterion code such as WO or RVC'),
  preferenceCriterionValuePercent: z
    .number(required('Preference criterion value (%)', 'a number'))
    .min(0, 'Preference criterion value must be between 0 and 100%')
    .max(100, 'Preference criterion value must be between 0 and 100%'),
});

/** Tab 4. One entry per export item. */
export const ImportDetailsSchema = z
  .strictObject({
    items: z.array(ImportItemSchema, required('Import details', 'a list')).max(99),
  })
  .describe('Tab 4 - Raw materials and preference criterion per export item');

export const MODES_OF_TRANSPORT = ['sea', 'air', 'road', 'rail', 'multimodal'] as const;
export const SHIPMENT_DOCUMENT_TYPES = [
  'bill_of_lading',
  'airway_bill',
  'lorry_receipt',
  'railway_receipt',
  'multimodal_transport_document',
] as const;

/** Tab 5. */
export const ShipmentSchema = z
  .strictObject({
    modeOfTransport: oneOf('Mode of transport', MODES_OF_TRANSPORT),
    shipmentDocumentType: oneOf('Shipment document', SHIPMENT_DOCUMENT_TYPES).optional(),
    shipmentDocumentNumber: text('Shipment document number', 50).optional(),
    shipmentDate: isoDate('Shipment date').optional(),
    portOfShipment: text('Port of shipment', 120),
    portOfDischarge: text('Port of discharge', 120).describe('A port from the list, or "Others" with portOfDischargeOther'),
    portOfDischargeOther: text('Port of discharge (Others)', 120).optional(),
    route: text('Route', 300).describe('Pre-filled from the ports, editable; must contain both ports'),
  })
  .describe('Tab 5 - Shipment details');

export const ATTACHMENT_DOCUMENT_TYPES = [
  'commercial_invoice',
  'packing_list',
  'bill_of_lading',
  'airway_bill',
  'shipping_bill',
  'cost_sheet',
  'certificate_of_analysis',
  'other',
] as const;
export const DETECTED_FILE_TYPES = ['pdf', 'jpeg', 'png', 'xls', 'xlsx'] as const;

export const AttachmentSchema = z.strictObject({
  id: text('Attachment id', 64),
  documentType: oneOf('Attachment type', ATTACHMENT_DOCUMENT_TYPES),
  fileName: text('File name', 120),
  contentType: oneOf('File type', DETECTED_FILE_TYPES).describe('Detected from the content when uploaded, never from the name'),
  sizeBytes: z.number(required('File size', 'a number')).int().positive('File size must be greater than 0'),
  sha256: pattern('File hash', /^[0-9a-f]{64}$/, 'must be a SHA-256 hex digest'),
  attest: flag('Attest'),
  description: text('Attachment description', 200).optional(),
});

/** Tab 6: what was uploaded (the files themselves are stored by the upload endpoint). */
export const AttachmentsSchema = z
  .strictObject({
    files: z.array(AttachmentSchema, required('Attachments', 'a list')).max(20, 'An application can have at most 20 attachments'),
  })
  .describe('Tab 6 - Attachments; the commercial invoice is mandatory');

/** Tab 7. */
export const DeclarationSchema = z
  .strictObject({
    place: text('Place', 100),
    name: text('Name', 100),
    designation: text('Designation', 100),
    accepted: flag('Declaration'),
  })
  .describe('Tab 7 - Declaration by the exporter');

export const TAB_SCHEMAS = {
  basicDetails: BasicDetailsSchema,
  certificateDetails: CertificateDetailsSchema,
  exportProducts: ExportProductsSchema,
  importDetails: ImportDetailsSchema,
  shipment: ShipmentSchema,
  attachments: AttachmentsSchema,
  declaration: DeclarationSchema,
} as const;

/** A draft as stored: the tabs saved so far. */
export const ApplicationDraftSchema = z.strictObject({
  basicDetails: BasicDetailsSchema.optional(),
  certificateDetails: CertificateDetailsSchema.optional(),
  exportProducts: ExportProductsSchema.optional(),
  importDetails: ImportDetailsSchema.optional(),
  shipment: ShipmentSchema.optional(),
  attachments: AttachmentsSchema.optional(),
  declaration: DeclarationSchema.optional(),
});

export type BasicDetails = z.infer<typeof BasicDetailsSchema>;
export type Importer = z.infer<typeof ImporterSchema>;
export type Invoice = z.infer<typeof InvoiceSchema>;
export type ThirdCountryInvoice = z.infer<typeof ThirdCountryInvoiceSchema>;
export type CertificateDetails = z.infer<typeof CertificateDetailsSchema>;
export type ExportItem = z.infer<typeof ExportItemSchema>;
export type ExportProducts = z.infer<typeof ExportProductsSchema>;
export type RawMaterial = z.infer<typeof RawMaterialSchema>;
export type ImportItem = z.infer<typeof ImportItemSchema>;
export type ImportDetails = z.infer<typeof ImportDetailsSchema>;
export type Shipment = z.infer<typeof ShipmentSchema>;
export type Attachment = z.infer<typeof AttachmentSchema>;
export type Attachments = z.infer<typeof AttachmentsSchema>;
export type AttachmentDocumentType = (typeof ATTACHMENT_DOCUMENT_TYPES)[number];
export type DetectedFileType = (typeof DETECTED_FILE_TYPES)[number];
export type Declaration = z.infer<typeof DeclarationSchema>;
export type ApplicationDraft = z.infer<typeof ApplicationDraftSchema>;
export type TabValue<T extends TabId> = z.infer<(typeof TAB_SCHEMAS)[T]>;
