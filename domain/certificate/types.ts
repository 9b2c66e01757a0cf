/**
 * The issued certificate of origin: what is printed on the "Electronic Copy" and what the public
 * verification page shows. Dates are ISO calendar dates (YYYY-MM-DD) so the document renders the same
 * in every time zone; amounts are numbers in the invoice currency.
 */

/** The printed layouts this project knows (see agreement-forms.ts). */
export type AgreementFormId = 'india-oman-cepa' | 'asean-india-fta' | 'ikcepa';

export interface CertificateAgreement {
  /** short code used in numbers and QR payloads, e.g. "IOCEPA", "AIFTA", "IKCEPA" */
  code: string;
  /** the agreement designation as selected in the application, e.g. "India Oman CEPA (Agency Issued)" */
  title: string;
  /** forces a layout; otherwise it is derived from the code/title */
  form?: AgreementFormId;
}

export interface CertificateExporter {
  name: string;
  /** full postal address, lines separated by "\n" or ", " */
  address: string;
  /** Importer Exporter Code, 10 characters */
  iec: string;
}

export interface CertificateParty {
  name: string;
  /** address without the country */
  address: string;
  /** country name as printed, e.g. "OMAN" */
  country: string;
  /** ISO 3166-1 alpha-2, e.g. "OM"; used in the QR payload when present */
  countryCode?: string;
}

export type TransportMode = 'SEA' | 'AIR' | 'ROAD' | 'RAIL' | 'MULTIMODAL' | 'POST';

export interface CertificateTransport {
  mode: TransportMode;
  /** vessel name / voyage, flight number, truck or train number */
  vesselOrFlight?: string;
  portOfLoading: string;
  portOfDischarge: string;
  /** e.g. "NHAVA SHEVA (INNSA1) TO SOHAR (OMSOH) BY SEA" */
  route: string;
  departureDate: string;
}

export interface CertificateGoodsItem {
  itemNumber: number;
  marksAndNumbers: string;
  packages: { count: number; kind: string };
  description: string;
  /** HS code as declared (6 digits or more) */
  hsCode: string;
  /** origin/preference criterion, e.g. "WO", "CTH", "RVC 40%" */
  preferenceCriterion: string;
  grossQuantity: { value: number; unit: string };
  invoiceNumber: string;
  invoiceDate: string;
  /** item value in the invoice currency */
  value: number;
}

export interface CertificateInvoice {
  number: string;
  date: string;
  /** ISO 4217, e.g. "USD" */
  currency: string;
  value: number;
}

export interface CertificateDeclaration {
  place: string;
  date: string;
  name: string;
  designation: string;
  countryOfOrigin: 'INDIA';
  importingCountry: string;
}

export interface CertificateCertification {
  officeName: string;
  agencyName: string;
  officerName: string;
  /** e.g. "Assistant Director"; printed under the officer's name when given */
  officerDesignation?: string;
  place: string;
  date: string;
}

export interface CertificateDocument {
  certificateNumber: string;
  issueDate: string;
  agreement: CertificateAgreement;
  exporter: CertificateExporter;
  importer: CertificateParty;
  /** only when the goods are consigned to someone other than the importer */
  consignee?: CertificateParty;
  /** producer, when different from the exporter and known */
  producer?: { name: string; address: string };
  transport: CertificateTransport;
  goods: CertificateGoodsItem[];
  invoice: CertificateInvoice;
  declaration: CertificateDeclaration;
  certification: CertificateCertification;
  thirdCountryInvoicing: boolean;
  /** name and address of the third-country operator issuing the invoice, when thirdCountryInvoicing */
  thirdCountryOperator?: string;
  remarks?: string;
  /**
   * Requested after shipment (seed 001 "Whether CoO request before/after shipment"); absent on certificates
   * drawn before the question existed, which were before shipment.
   */
  requestTiming?: 'before_shipment' | 'after_shipment';
  /**
   * An after-shipment certificate of an agreement whose form has the mark: the words and where the form
   * prints them (its own tick box, e.g. Form AI box 13 "Issued Retrospectively", or the remarks).
   */
  issuedRetrospectively?: { mark: string; printedIn: 'box' | 'remarks' };
  /** for a duplicate / in-lieu certificate: the number it replaces */
  replacesCertificateNumber?: string;
  /**
   * for a duplicate / in-lieu certificate: what it is and what it was issued from. A duplicate is marked
   * "DUPLICATE" with the original's number and date; an in-lieu certificate "ISSUED IN LIEU OF <number>
   * dated <date>".
   */
  replacement?: { kind: 'duplicate' | 'in-lieu'; number: string; issueDate: string };
}

// ---- the live record shown on verification ----

export type { CertificateStatus } from './life.js';
import type { CertificateKind, CertificateSource, CertificateStatus } from './life.js';
import type { LegacyCertificateRecord } from './legacy.js';

export type CertificateHistoryEventType =
  | 'issued'
  | 'duplicate_requested'
  | 'duplicate_issued'
  | 'superseded'
  | 'cancelled'
  | 'imported'
  | 'reinstated'
  | 'note';

export interface CertificateHistoryEvent {
  /** ISO date-time */
  at: string;
  type: CertificateHistoryEventType;
  /** public, human-readable text, e.g. "Superseded by certificate EIC/…/00000001, issued in lieu of it" */
  description: string;
  /** the other certificate involved (the duplicate, the in-lieu certificate, the original) */
  relatedCertificateNumber?: string;
  /** who did it, as it may be shown publicly (office or role, never a personal e-mail) */
  actor?: string;
}

/** Another certificate of the same life (the original, a duplicate, the in-lieu certificate), as verification links to it. */
export interface RelatedCertificate {
  certificateNumber: string;
  kind: CertificateKind;
  /** its date of issue, YYYY-MM-DD */
  issueDate: string;
  /** opens its own verification (the link of its QR code) */
  verificationUrl?: string;
}

export interface CertificateRecord {
  certificateNumber: string;
  status: CertificateStatus;
  /** 'original' when absent */
  kind?: CertificateKind;
  /** 'platform' when absent; a legacy record has no document but `legacy` */
  source?: CertificateSource;
  /** ISO date-time of issuance (signature time; for a legacy record the date of issue) */
  issuedAt: string;
  /** what the certificate says; absent for a record imported from the legacy platform */
  document?: CertificateDocument;
  /** a record imported from the legacy platform: what its export said */
  legacy?: LegacyCertificateRecord;
  /** set when status is "superseded": the in-lieu certificate that replaces this one */
  supersededBy?: string;
  /** set when status is "superseded": by what, when and why */
  superseded?: { by: RelatedCertificate; at: string; reason: string };
  /** set when status is "cancelled"; `by`: the office, as shown publicly */
  cancellation?: { at: string; reason: string; by?: string };
  /** a duplicate or in-lieu certificate: the certificate it was issued from */
  replaces?: RelatedCertificate;
  /** an original: its duplicates (both stay valid and point at each other) */
  duplicates?: RelatedCertificate[];
  history: CertificateHistoryEvent[];
  /** SHA-256 (hex) of the signed PDF as issued, so a holder can compare a file */
  pdfSha256?: string;
  /** subject common name and serial number (hex) of the certificate that signed the PDF */
  signedBy?: { commonName: string; serialNumber: string; organization?: string };
}
