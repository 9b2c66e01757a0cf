import { formatCertificateDate, formatMoney, formatQuantity } from './format.js';
import type { AgreementFormId, CertificateAgreement, CertificateDocument, CertificateGoodsItem } from './types.js';

/**
 * The printed layout of each agreement's certificate of origin: box numbers, box titles, the
 * declaration and certification wording, and the goods columns. The renderer is generic; everything
 * that differs between agreements lives here, as data.
 */

export type GoodsColumnKey = 'item' | 'marks' | 'description' | 'hs' | 'criterion' | 'quantity' | 'quantityValue' | 'invoice' | 'invoiceValue';

export interface GoodsColumn {
  key: GoodsColumnKey;
  /** box number printed before the heading, e.g. "7" */
  box: string;
  heading: string;
  /** relative width */
  width: number;
  align: 'left' | 'center' | 'right';
}

export interface BoxLabel {
  box: string;
  heading: string;
}

export interface AgreementForm {
  id: AgreementFormId;
  /** header lines, largest first */
  title: string[];
  /** e.g. "(Combined Declaration and Certificate)" */
  subtitle?: string;
  formName?: string;
  /** full agreement name, used in the declaration */
  agreementName: string;
  boxes: {
    exporter: BoxLabel;
    importer: BoxLabel;
    producer?: BoxLabel;
    transport: BoxLabel;
    officialUse: BoxLabel & { lines: string[] };
    remarks?: BoxLabel;
    declaration: BoxLabel;
    certification: BoxLabel;
    /** Form AI's tick boxes (third-country invoicing, exhibition, back-to-back, issued retrospectively) */
    tickBoxes?: BoxLabel & { options: { label: string; ticked: (doc: CertificateDocument) => boolean }[] };
  };
  goodsColumns: GoodsColumn[];
  declarationText: (doc: CertificateDocument) => string;
  certificationText: string;
  /** what the exporter signs off under the declaration */
  declarationSignatureLabel: string;
  certificationSignatureLabel: string;
}

const CERTIFIED = 'It is hereby certified, on the basis of control carried out, that the declaration by the exporter is correct.';

const indiaOmanCepa: AgreementForm = {
  id: 'india-oman-cepa',
  title: ['CERTIFICATE OF ORIGIN', 'India – Oman Comprehensive Economic Partnership Agreement'],
  subtitle: 'India Oman CEPA (Agency Issued)',
  agreementName: 'Comprehensive Economic Partnership Agreement between the Republic of India and the Sultanate of Oman',
  boxes: {
    exporter: { box: '1', heading: "Exporter's name, address and country" },
    producer: { box: '2', heading: "Producer's name and address (if known)" },
    importer: { box: '3', heading: "Importer's / consignee's name, address and country" },
    transport: { box: '4', heading: 'Means of transport and route (if known)' },
    officialUse: {
      box: '5',
      heading: 'For official use (importing Party)',
      lines: ['Preferential treatment given', 'Preferential treatment not given (please state reasons)'],
    },
    remarks: { box: '13', heading: 'Remarks' },
    declaration: { box: '14', heading: 'Declaration by the exporter' },
    certification: { box: '15', heading: 'Certification' },
  },
  goodsColumns: [
    { key: 'item', box: '6', heading: 'Item number', width: 6, align: 'center' },
    { key: 'marks', box: '7', heading: 'Marks and numbers on packages', width: 14, align: 'left' },
    { key: 'description', box: '8', heading: 'Number and kind of packages; description of goods', width: 31, align: 'left' },
    { key: 'hs', box: '9', heading: 'HS code (6 digits)', width: 10, align: 'center' },
    { key: 'criterion', box: '10', heading: 'Origin criterion', width: 9, align: 'center' },
    { key: 'quantity', box: '11', heading: 'Gross weight or other quantity', width: 12, align: 'right' },
    { key: 'invoiceValue', box: '12', heading: 'Invoice number and date; value', width: 18, align: 'left' },
  ],
  declarationText: (doc) =>
    `The undersigned hereby declares that the above details and statements are correct, that all the goods were ` +
    `produced in ${doc.declaration.countryOfOrigin} and that they comply with the rules of origin of the ` +
    `Comprehensive Economic Partnership Agreement between the Republic of India and the Sultanate of Oman ` +
    `for the goods exported to ${doc.declaration.importingCountry.toUpperCase()}.`,
  certificationText: CERTIFIED,
  declarationSignatureLabel: 'Place and date, name, designation and signature of authorised signatory',
  certificationSignatureLabel: 'Place and date, signature and stamp of the issuing authority',
};

const aseanIndiaFormAi: AgreementForm = {
  id: 'asean-india-fta',
  title: ['ASEAN-INDIA FREE TRADE AREA', 'PREFERENTIAL TARIFF CERTIFICATE OF ORIGIN'],
  subtitle: '(Combined Declaration and Certificate)',
  formName: 'FORM AI',
  agreementName: 'ASEAN-India Free Trade Area Preferential Tariff',
  boxes: {
    exporter: { box: '1', heading: "Goods consigned from (Exporter's business name, address, country)" },
    importer: { box: '2', heading: "Goods consigned to (Consignee's name, address, country)" },
    transport: { box: '3', heading: 'Means of transport and route (as far as known)' },
    officialUse: {
      box: '4',
      heading: 'For official use',
      lines: [
        'Preferential Treatment Given Under ASEAN-India Free Trade Area Preferential Tariff',
        'Preferential Treatment Not Given (Please state reason/s)',
      ],
    },
    declaration: { box: '11', heading: 'Declaration by the exporter' },
    certification: { box: '12', heading: 'Certification' },
    tickBoxes: {
      box: '13',
      heading: '',
      options: [
        { label: 'Third Country Invoicing', ticked: (d) => d.thirdCountryInvoicing },
        { label: 'Exhibition', ticked: () => false },
        { label: 'Back-to-Back CO', ticked: () => false },
        { label: 'Issued Retrospectively', ticked: (d) => d.issuedRetrospectively?.printedIn === 'box' },
      ],
    },
  },
  goodsColumns: [
    { key: 'item', box: '5', heading: 'Item number', width: 6, align: 'center' },
    { key: 'marks', box: '6', heading: 'Marks and numbers on packages', width: 15, align: 'left' },
    {
      key: 'description',
      box: '7',
      heading: 'Number and type of packages, description of goods (including quantity where appropriate and HS number of the importing Party)',
      width: 36,
      align: 'left',
    },
    { key: 'criterion', box: '8', heading: 'Origin criterion (see Overleaf Notes)', width: 11, align: 'center' },
    { key: 'quantityValue', box: '9', heading: 'Gross weight or other quantity and value (FOB)', width: 16, align: 'right' },
    { key: 'invoice', box: '10', heading: 'Number and date of invoices', width: 16, align: 'left' },
  ],
  declarationText: (doc) =>
    `The undersigned hereby declares that the above details and statement are correct; that all the goods were ` +
    `produced in ${doc.declaration.countryOfOrigin} and that they comply with the origin requirements specified for ` +
    `these goods in the ASEAN-India Free Trade Area Preferential Tariff for the goods exported to ` +
    `${doc.declaration.importingCountry.toUpperCase()}.`,
  certificationText: CERTIFIED,
  declarationSignatureLabel: 'Place and date, signature of authorised signatory',
  certificationSignatureLabel: 'Place and date, signature and stamp of certifying authority',
};

const ikcepa: AgreementForm = {
  id: 'ikcepa',
  title: ['CERTIFICATE OF ORIGIN', 'India – Korea Comprehensive Economic Partnership Agreement'],
  subtitle: 'IKCEPA',
  agreementName: 'Comprehensive Economic Partnership Agreement between the Republic of India and the Republic of Korea',
  boxes: {
    exporter: { box: '1', heading: "Exporter's name, address and country" },
    importer: { box: '2', heading: "Importer's / consignee's name, address and country" },
    transport: { box: '3', heading: 'Means of transport and route' },
    officialUse: {
      box: '4',
      heading: 'For official use',
      lines: ['Preferential treatment given', 'Preferential treatment not given (please state reasons)'],
    },
    remarks: { box: '5', heading: 'Remarks' },
    declaration: { box: '13', heading: 'Declaration by the exporter' },
    certification: { box: '14', heading: 'Certification' },
  },
  goodsColumns: [
    { key: 'item', box: '6', heading: 'Item number', width: 6, align: 'center' },
    { key: 'marks', box: '7', heading: 'Marks and numbers on packages', width: 14, align: 'left' },
    { key: 'description', box: '8', heading: 'Number and kind of packages; description of goods', width: 32, align: 'left' },
    { key: 'hs', box: '9', heading: 'HS code of the goods (6 digits)', width: 11, align: 'center' },
    { key: 'criterion', box: '10', heading: 'Origin criterion', width: 9, align: 'center' },
    { key: 'quantity', box: '11', heading: 'Gross weight or other quantity', width: 12, align: 'right' },
    { key: 'invoice', box: '12', heading: 'Number and date of invoice', width: 16, align: 'left' },
  ],
  declarationText: (doc) =>
    `The undersigned hereby declares that the above details and statements are correct; that all the goods were ` +
    `produced in ${doc.declaration.countryOfOrigin} and that they comply with the origin requirements specified in ` +
    `the Comprehensive Economic Partnership Agreement between the Republic of India and the Republic of Korea for ` +
    `the goods exported to ${doc.declaration.importingCountry.toUpperCase()}.`,
  certificationText: CERTIFIED,
  declarationSignatureLabel: 'Place and date, signature of authorised signatory',
  certificationSignatureLabel: 'Place and date, signature and stamp of certifying authority',
};

export const AGREEMENT_FORMS: Readonly<Record<AgreementFormId, AgreementForm>> = {
  'india-oman-cepa': indiaOmanCepa,
  'asean-india-fta': aseanIndiaFormAi,
  ikcepa,
};

/** Picks the printed layout for an agreement: explicit `form`, else by its code or designation. */
export function resolveAgreementForm(agreement: CertificateAgreement): AgreementForm {
  if (agreement.form) return AGREEMENT_FORMS[agreement.form];
  const text = `${agreement.code} ${agreement.title}`.toUpperCase();
  if (/OMAN|IOCEPA/.test(text)) return indiaOmanCepa;
  if (/ASEAN|AIFTA|AITIGA/.test(text)) return aseanIndiaFormAi;
  if (/KOREA|IKCEPA|KICEPA/.test(text)) return ikcepa;
  return genericPreferentialForm(agreement);
}

/**
 * Agreements without a layout of their own (SAFTA, APTA, ISLFTA, INCHPTA, GSTP…) print on a generic
 * preferential form with the same boxes, headed with the agreement's title and declaring against it.
 */
export function genericPreferentialForm(agreement: CertificateAgreement): AgreementForm {
  return {
    ...ikcepa,
    id: 'ikcepa',
    title: ['CERTIFICATE OF ORIGIN', agreement.title],
    subtitle: agreement.code,
    agreementName: agreement.title,
    declarationText: (doc) =>
      `The undersigned hereby declares that the above details and statements are correct; that all the goods were ` +
      `produced in ${doc.declaration.countryOfOrigin} and that they comply with the origin requirements specified in ` +
      `the ${agreement.title} for the goods exported to ${doc.declaration.importingCountry.toUpperCase()}.`,
  };
}

/**
 * The "issued retrospectively" mark of an after-shipment certificate where the form has no tick box with its
 * words: it goes into the remarks, in capitals, first.
 */
export function retrospectiveRemark(doc: CertificateDocument): string | undefined {
  const r = doc.issuedRetrospectively;
  if (!r) return undefined;
  const form = resolveAgreementForm(doc.agreement);
  const ownBox = r.printedIn === 'box' && form.boxes.tickBoxes?.options.some((o) => o.label.toUpperCase() === r.mark.toUpperCase());
  return ownBox ? undefined : `${r.mark.toUpperCase()}.`;
}

/** The text printed in one goods cell. Lines are separated by "\n". */
export function goodsCellText(item: CertificateGoodsItem, key: GoodsColumnKey, doc: CertificateDocument): string {
  const qty = `${formatQuantity(item.grossQuantity.value)} ${item.grossQuantity.unit}`;
  const value = formatMoney(item.value, doc.invoice.currency);
  const invoice = `${item.invoiceNumber}\ndt. ${formatCertificateDate(item.invoiceDate)}`;
  switch (key) {
    case 'item':
      return String(item.itemNumber);
    case 'marks':
      return item.marksAndNumbers;
    case 'description': {
      const base = `${item.packages.count} ${item.packages.kind}\n${item.description}`;
      // Form AI has no HS column: the HS number goes with the description.
      const hasHsColumn = resolveColumnsHaveHs(doc);
      return hasHsColumn ? base : `${base}\nHS ${item.hsCode}`;
    }
    case 'hs':
      return item.hsCode;
    case 'criterion':
      return item.preferenceCriterion;
    case 'quantity':
      return qty;
    case 'quantityValue':
      return `${qty}\n${value}`;
    case 'invoice':
      return invoice;
    case 'invoiceValue':
      return `${invoice}\n${value}`;
  }
}

function resolveColumnsHaveHs(doc: CertificateDocument): boolean {
  return resolveAgreementForm(doc.agreement).goodsColumns.some((c) => c.key === 'hs');
}
