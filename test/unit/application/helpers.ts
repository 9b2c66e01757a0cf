import type { ApplicationRuleContext } from '../../../domain/application/context.js';
import type {
  Attachments,
  BasicDetails,
  CertificateDetails,
  Declaration,
  ExportProducts,
  ImportDetails,
  Shipment,
} from '../../../domain/application/schemas.js';
import { loadIecMaster, loadReferenceData } from '../../../domain/reference/load.js';
import { indexIecMaster, indexReferenceData } from '../../../domain/reference/reference-index.js';
import type { IecRecord } from '../../../domain/reference/types.js';

export const referenceData = await loadReferenceData();
export const reference = indexReferenceData(referenceData);
export const iecMaster = indexIecMaster(await loadIecMaster());

export function iec(code: string): IecRecord {
  const record = iecMaster.byIec(code);
  if (record === undefined) throw new Error(`no IEC ${code} in the fixtures`);
  return record;
}

export const TODAY = '2024-09-01';

export function context(overrides: Partial<ApplicationRuleContext> = {}): ApplicationRuleContext {
  return { reference, iec: iec('AABCS1429B'), today: TODAY, ...overrides };
}

/**
 * A complete, valid application of Sahyadri Spices (Kerala) for a certificate under the
 * ASEAN-India FTA at MPEDA Kochi, for pepper and cardamom shipped to Ho Chi Minh City.
 */
export function validDraft() {
  const basicDetails: BasicDetails = { iecBranchCode: '01', deliveryRequested: false, disclaimerAccepted: true };
  const certificateDetails: CertificateDetails = {
    certificateType: 'preferential',
    requestTiming: 'before_shipment',
    agreementCode: 'AIFTA',
    agencyCode: 'MPEDA',
    officeCode: 'MPEDA-KOC',
    importer: {
      name: 'Saigon Spice Trading Co., Ltd.',
      address: '45 Nguyen Hue Boulevard, Ben Nghe Ward, District 1, Ho Chi Minh City 700000',
      country: 'VN',
    },
    invoice: {
      number: 'SSP/2024-25/118',
      date: '2024-08-06',
      currency: 'USD',
      valueInCurrency: 1500,
      valueUsd: 1500,
      valueInr: 125175,
      exchangeRateToInr: 83.45,
      exchangeRateToUsd: 1,
      thirdCountryInvoicing: false,
    },
  };
  const exportProducts: ExportProducts = {
    items: [
      {
        itemNo: 1,
        itcHsCode: '09041110',
        hsCode: '0904',
        description: 'Black pepper, light, neither crushed nor ground',
        quantity: 1000,
        unit: 'KGS',
        valueInCurrency: 900,
        valueUsd: 900,
        valueInr: 75105,
        marksAndNumbers: 'SSP/VN/1-40',
        packages: '40 jute bags',
      },
      {
        itemNo: 2,
        itcHsCode: '09083110',
        hsCode: '090831',
        description: 'Small cardamom (Alleppey green), in consumer pouches',
        quantity: 100,
        unit: 'KGS',
        valueInCurrency: 600,
        valueUsd: 600,
        valueInr: 50070,
        marksAndNumbers: 'SSP/VN/41-50',
        packages: '10 cardboard boxes',
      },
    ],
  };
  const importDetails: ImportDetails = {
    items: [
      {
        itemNo: 1,
        usesImportedOrUndeterminedMaterials: false,
        rawMaterials: [],
        preferenceCriterion: 'WO',
        preferenceCriterionValuePercent: 0,
      },
      {
        itemNo: 2,
        usesImportedOrUndeterminedMaterials: true,
        rawMaterials: [
          {
            hsCode: '39232100',
            description: 'Food-grade polyethylene pouches',
            quantity: 2000,
            unit: 'NOS',
            unitCifValue: 0.05,
            currency: 'USD',
            totalCifValue: 100,
            countryOfOrigin: 'CN',
            billOfEntryOrInvoiceNo: '4455667',
            billOfEntryOrInvoiceDate: '2024-06-12',
            supplierNameAndAddress: 'Ningbo Packaging Co., Ningbo, Zhejiang',
          },
        ],
        preferenceCriterion: 'RVC',
        preferenceCriterionValuePercent: 60,
      },
    ],
  };
  const shipment: Shipment = {
    modeOfTransport: 'sea',
    shipmentDocumentType: 'bill_of_lading',
    shipmentDocumentNumber: 'MAEU123456789',
    shipmentDate: '2024-08-20',
    portOfShipment: 'INCOK1 - COCHIN SEA, KOCHI',
    portOfDischarge: 'Ho Chi Minh City',
    route: 'By sea from Cochin Sea to Ho Chi Minh City',
  };
  const attachments: Attachments = {
    files: [
      {
        id: 'att-1',
        documentType: 'commercial_invoice',
        fileName: 'invoice-SSP-118.pdf',
        contentType: 'pdf',
        sizeBytes: 20480,
        sha256: 'a'.repeat(64),
        attest: false,
      },
    ],
  };
  const declaration: Declaration = { place: 'Kochi', name: 'Anita Menon', designation: 'Managing Director', accepted: true };
  return { basicDetails, certificateDetails, exportProducts, importDetails, shipment, attachments, declaration };
}

export function messages(problems: { message: string }[]): string[] {
  return problems.map((p) => p.message);
}
