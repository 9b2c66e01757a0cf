import type { CertificateDocument, CertificateGoodsItem } from '../../domain/certificate/types.js';
import { drawSignature, drawStamp, type StampText } from './demo-images.js';
import { prepareImage } from '../pdf/pdf-image.js';
import type { CertificateImages } from './render-certificate.js';

/**
 * Realistic demo certificates (India → Oman marine products, India → Viet Nam textiles under Form AI)
 * for development, tests and benchmarks.
 */

const PRODUCTS: Omit<CertificateGoodsItem, 'itemNumber' | 'invoiceNumber' | 'invoiceDate' | 'value'>[] = [
  {
    marksAndNumbers: 'RAJ/OM/01-120',
    packages: { count: 120, kind: 'CARTONS' },
    description: 'Frozen vannamei shrimps (Litopenaeus vannamei), headless shell-on, IQF, 10 x 1 kg',
    hsCode: '030617',
    preferenceCriterion: 'WO',
    grossQuantity: { value: 1320, unit: 'KGS' },
  },
  {
    marksAndNumbers: 'RAJ/OM/121-200',
    packages: { count: 80, kind: 'CARTONS' },
    description: 'Frozen squid rings, blanched, 6 x 2 kg',
    hsCode: '030743',
    preferenceCriterion: 'WO',
    grossQuantity: { value: 1040.5, unit: 'KGS' },
  },
  {
    marksAndNumbers: 'RAJ/OM/201-260',
    packages: { count: 60, kind: 'CARTONS' },
    description: 'Canned tuna chunks in sunflower oil, 48 x 185 g',
    hsCode: '160414',
    preferenceCriterion: 'CTH',
    grossQuantity: { value: 612, unit: 'KGS' },
  },
  {
    marksAndNumbers: 'N/M',
    packages: { count: 25, kind: 'BAGS' },
    description: 'Basmati rice, parboiled, 25 kg bags',
    hsCode: '100630',
    preferenceCriterion: 'WO',
    grossQuantity: { value: 630, unit: 'KGS' },
  },
];

export interface SampleOptions {
  items?: number;
  /** put Devanagari in the exporter's address (Unicode check) */
  devanagari?: boolean;
  number?: string;
}

/** India → Oman under "India Oman CEPA (Agency Issued)". */
export function sampleOmanCertificate(opts: SampleOptions = {}): CertificateDocument {
  const n = opts.items ?? 3;
  const invoiceNumber = 'RO/EXP/2026-27/0142';
  const invoiceDate = '2026-05-28';
  const goods: CertificateGoodsItem[] = Array.from({ length: n }, (_, i) => {
    const p = PRODUCTS[i % PRODUCTS.length] ?? PRODUCTS[0]!;
    return {
      ...p,
      itemNumber: i + 1,
      marksAndNumbers: n > PRODUCTS.length ? `${p.marksAndNumbers}/L${i + 1}` : p.marksAndNumbers,
      invoiceNumber,
      invoiceDate,
      value: 1000 + ((i * 733) % 9000) + 0.25 * (i % 4),
    };
  });
  const total = goods.reduce((s, g) => s + Math.round(g.value * 100), 0) / 100;
  return {
    certificateNumber: opts.number ?? 'EIC/MUM/IOCEPA/2026/000142',
    issueDate: '2026-06-02',
    agreement: { code: 'IOCEPA', title: 'India Oman CEPA (Agency Issued)' },
    exporter: {
      name: 'RAJ OVERSEAS PRIVATE LIMITED',
      address: opts.devanagari
        ? 'Plot 14, MIDC Industrial Area, Andheri (East), Mumbai 400093, Maharashtra\nराज ओवरसीज़ प्राइवेट लिमिटेड, अंधेरी (पूर्व), मुंबई'
        : 'Plot 14, MIDC Industrial Area, Andheri (East), Mumbai 400093, Maharashtra',
      iec: 'AAACR5055K',
    },
    importer: {
      name: 'AL MAHA FOODSTUFF TRADING LLC',
      address: 'Building 221, Way 3517, Al Khuwair, PO Box 1230, PC 112, Muscat',
      country: 'Oman',
      countryCode: 'OM',
    },
    transport: {
      mode: 'SEA',
      vesselOrFlight: 'MSC ARIANE V. 226W',
      portOfLoading: 'NHAVA SHEVA (INNSA1)',
      portOfDischarge: 'SOHAR (OMSOH)',
      route: 'NHAVA SHEVA (INNSA1) TO SOHAR (OMSOH) BY SEA',
      departureDate: '2026-06-05',
    },
    goods,
    invoice: { number: invoiceNumber, date: invoiceDate, currency: 'USD', value: total },
    declaration: {
      place: 'MUMBAI',
      date: '2026-05-30',
      name: 'RAJ KUMAR SHARMA',
      designation: 'Director',
      countryOfOrigin: 'INDIA',
      importingCountry: 'OMAN',
    },
    certification: {
      officeName: 'EIC Mumbai',
      agencyName: 'Export Inspection Council of India',
      officerName: 'PRIYA DESHPANDE',
      officerDesignation: 'Assistant Director',
      place: 'MUMBAI',
      date: '2026-06-02',
    },
    thirdCountryInvoicing: false,
  };
}

/** India → Viet Nam under the ASEAN-India FTA (Form AI), with third-country invoicing. */
export function sampleAseanCertificate(opts: SampleOptions = {}): CertificateDocument {
  const base = sampleOmanCertificate(opts);
  return {
    ...base,
    certificateNumber: opts.number ?? 'EIC/KOC/AIFTA/2026/000077',
    agreement: { code: 'AIFTA', title: 'ASEAN-India Free Trade Area (AIFTA)' },
    importer: {
      name: 'SAIGON SEAFOOD IMPORT JOINT STOCK COMPANY',
      address: '12 Nguyễn Huệ Street, Bến Nghé Ward, District 1, Ho Chi Minh City',
      country: 'Viet Nam',
      countryCode: 'VN',
    },
    consignee: {
      name: 'MEKONG COLD STORAGE CO., LTD',
      address: 'Lot C2, Tan Thuan Export Processing Zone, District 7, Ho Chi Minh City',
      country: 'Viet Nam',
      countryCode: 'VN',
    },
    transport: {
      mode: 'SEA',
      vesselOrFlight: 'WAN HAI 316 V. E112',
      portOfLoading: 'COCHIN (INCOK1)',
      portOfDischarge: 'CAT LAI, HO CHI MINH (VNCLI)',
      route: 'COCHIN (INCOK1) TO CAT LAI (VNCLI) VIA PORT KELANG',
      departureDate: '2026-06-06',
    },
    declaration: { ...base.declaration, place: 'KOCHI', importingCountry: 'VIET NAM' },
    certification: {
      officeName: 'EIC Kochi',
      agencyName: 'Export Inspection Council of India',
      officerName: 'THOMAS VARGHESE',
      officerDesignation: 'Deputy Director',
      place: 'KOCHI',
      date: '2026-06-02',
    },
    thirdCountryInvoicing: true,
    thirdCountryOperator: 'SEA PEARL TRADING PTE LTD, 8 Marina View, Singapore 018960',
  };
}

const imageCache = new Map<string, CertificateImages>();

/** Demo signature and stamp for an officer and office, prepared for PDF (cached). */
export function demoCertificateImages(officerName: string, stamp: StampText): CertificateImages {
  const key = `${officerName}|${stamp.agency}|${stamp.office}|${stamp.short}`;
  let images = imageCache.get(key);
  if (!images) {
    images = { signature: prepareImage(drawSignature(officerName)), stamp: prepareImage(drawStamp(stamp)) };
    imageCache.set(key, images);
  }
  return images;
}
