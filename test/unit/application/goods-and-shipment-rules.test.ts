import { describe, expect, it } from 'vitest';
import { checkExportProducts, checkItemTotals } from '../../../domain/application/check-export-products.js';
import { checkImportDetails } from '../../../domain/application/check-import-details.js';
import { checkShipment, routeMentions } from '../../../domain/application/check-shipment.js';
import type { ExportItem, ExportProducts, ImportItem, Invoice, RawMaterial, Shipment } from '../../../domain/application/schemas.js';
import type { TradeAgreement } from '../../../domain/reference/types.js';
import { TODAY, messages, reference, validDraft } from './helpers.js';

function agreement(code: string): TradeAgreement {
  const a = reference.agreement(code);
  if (a === undefined) throw new Error(code);
  return a;
}

describe('export products', () => {
  const draft = validDraft();
  const invoice = draft.certificateDetails.invoice;

  it('accepts items whose values follow from the invoice rates', () => {
    expect(checkExportProducts(draft.exportProducts, invoice)).toEqual([]);
  });

  it('wants the HS code to be the start of the ITC-HS code', () => {
    const item: ExportItem = { ...draft.exportProducts.items[0]!, hsCode: '6205' };
    expect(checkExportProducts({ items: [item] }, invoice)).toEqual([
      {
        path: 'exportProducts/items/0/hsCode',
        message: 'HS code 6205 of item 1 does not match its ITC-HS code 09041110: the HS code is the first 4 or 6 digits of the ITC-HS code (0904 or 090411)',
      },
    ]);
  });

  it('refuses a repeated item number and an item value not at the invoice rate', () => {
    const [a, b] = draft.exportProducts.items as [ExportItem, ExportItem];
    expect(messages(checkExportProducts({ items: [a, { ...b, itemNo: 1, valueInr: 5007 }] }, invoice))).toEqual([
      'Item number 1 is used twice',
      'Value of item 1 in INR (5007.00) does not match 600.00 USD × 83.45 = 50070.00 INR (allowed difference 50.07); correct the value or the exchange rate',
    ]);
  });

  it('refuses more decimals than the currency has', () => {
    const item: ExportItem = { ...draft.exportProducts.items[0]!, valueInCurrency: 900.005, valueUsd: 900.005, valueInr: 75105.417 };
    expect(messages(checkExportProducts({ items: [item] }, invoice))).toEqual([
      'Value of item 1 900.005 USD can have at most 2 decimal places',
      'Value of item 1 in USD 900.005 USD can have at most 2 decimal places',
      'Value of item 1 in INR 75105.417 INR can have at most 2 decimal places',
    ]);
  });

  it('wants the items to add up to the invoice in every currency', () => {
    expect(checkItemTotals(draft.exportProducts, invoice)).toEqual([]);
    expect(checkItemTotals(draft.exportProducts, { ...invoice, valueInCurrency: 1600, valueUsd: 1600, valueInr: 133520 })).toEqual([
      {
        path: 'exportProducts/items',
        message:
          'The export items add up to 1500.00 USD but the invoice value is 1600.00 USD (difference 100.00); the item values must add up to the invoice value',
      },
      {
        path: 'exportProducts/items',
        message:
          'The export items add up to 125175.00 INR but the invoice value is 133520.00 INR (difference 8345.00); the item values must add up to the invoice value',
      },
    ]);
  });

  it('adds decimals exactly (0.1 + 0.2 = 0.3) and allows a paisa of rounding per item in USD and INR', () => {
    const eurInvoice: Invoice = { ...invoice, currency: 'EUR', valueInCurrency: 0.3, exchangeRateToUsd: 1.0851, valueUsd: 0.33, exchangeRateToInr: 90.553, valueInr: 27.17 };
    const item = (itemNo: number, value: number, usd: number, inr: number): ExportItem => ({
      ...draft.exportProducts.items[0]!,
      itemNo,
      valueInCurrency: value,
      valueUsd: usd,
      valueInr: inr,
    });
    // 0.1 EUR = 0.11 USD (0.10851) and 9.06 INR (9.0553); 0.2 EUR = 0.22 USD and 18.11 INR
    const products: ExportProducts = { items: [item(1, 0.1, 0.11, 9.06), item(2, 0.2, 0.22, 18.11)] };
    expect(checkItemTotals(products, eurInvoice)).toEqual([]);
    expect(messages(checkItemTotals(products, { ...eurInvoice, valueInr: 27.2 }))).toEqual([
      'The export items add up to 27.17 INR but the invoice value is 27.20 INR (difference 0.03); the item values must add up to the invoice value',
    ]);
  });
});

describe('import details', () => {
  const draft = validDraft();
  const aifta = agreement('AIFTA');
  const [wo, rvc] = draft.importDetails.items as [ImportItem, ImportItem];
  const material: RawMaterial = rvc.rawMaterials[0]!;
  const check = (items: ImportItem[], a = aifta, products = draft.exportProducts) => checkImportDetails({ items }, products, a, TODAY);

  it('accepts a wholly obtained item and an RVC item with its imported materials', () => {
    expect(check([wo, rvc])).toEqual([]);
  });

  it('wants one entry per export item', () => {
    expect(messages(check([wo]))).toEqual([
      'Export item 2 (Small cardamom (Alleppey green), in…) has no import details: give its preference criterion and raw materials',
    ]);
    expect(messages(check([wo, rvc, { ...wo, itemNo: 7 }]))).toEqual(['Import details refer to export item 7, which is not in the export products']);
    expect(messages(check([wo, rvc, wo]))).toEqual(['Export item 1 has import details twice']);
  });

  it("wants a criterion of the agreement, meeting its minimum", () => {
    expect(check([{ ...wo, preferenceCriterion: 'CTH' }, rvc])).toEqual([
      {
        path: 'importDetails/items/0/preferenceCriterion',
        message:
          'Preference criterion "CTH" is not used under ASEAN-India FTA; choose one of WO (Wholly obtained or produced), RVC (Regional value content of at least 35% and change in tariff sub-heading), PSR (Product specific rule)',
      },
    ]);
    expect(messages(check([wo, { ...rvc, preferenceCriterionValuePercent: 20 }]))).toEqual([
      'Criterion RVC under ASEAN-India FTA needs a value of at least 35% (item 2 (Small cardamom (Alleppey green), in…) has 20%)',
    ]);
    expect(check([wo, { ...rvc, preferenceCriterion: 'rvc', preferenceCriterionValuePercent: 35 }])).toEqual([]);
  });

  it('wants the value within 0-100%', () => {
    expect(messages(check([wo, { ...rvc, preferenceCriterionValuePercent: 100.5 }]))).toEqual(['Preference criterion value must be between 0 and 100%']);
    expect(messages(check([{ ...wo, preferenceCriterionValuePercent: -1 }, rvc]))).toEqual(['Preference criterion value must be between 0 and 100%']);
  });

  it('asks for the value of a criterion that needs one and has no minimum', () => {
    const gsp = agreement('GSP');
    expect(messages(check([{ ...rvc, itemNo: 1, preferenceCriterion: 'Y', preferenceCriterionValuePercent: 0 }, { ...rvc, preferenceCriterion: 'W' }], gsp))).toEqual([
      'Criterion Y (Percentage of non-originating content (Russia, Belarus, Kazakhstan)) needs its value in %; enter it for item 1 (Black pepper, light, neither crushed…)',
    ]);
  });

  it('keeps the imported-materials answer, the materials and the criterion consistent', () => {
    expect(messages(check([wo, { ...rvc, rawMaterials: [{ ...material, countryOfOrigin: 'IN' }] }]))).toEqual([
      'Item 2 (Small cardamom (Alleppey green), in…) is declared to use imported or undetermined-origin materials: list them with their country of origin (or UNDETERMINED)',
    ]);
    expect(check([wo, { ...rvc, usesImportedOrUndeterminedMaterials: false, rawMaterials: [{ ...material, countryOfOrigin: 'UNDETERMINED' }] }])).toEqual([
      {
        path: 'importDetails/items/1/rawMaterials/0/countryOfOrigin',
        message:
          'Item 2 (Small cardamom (Alleppey green), in…) is declared to use no imported or undetermined-origin materials, but raw material 1 (Food-grade polyethylene pouches) is from an undetermined origin; answer "Yes" or correct its origin',
      },
    ]);
    expect(messages(check([{ ...wo, usesImportedOrUndeterminedMaterials: true, rawMaterials: [material] }, rvc]))).toEqual([
      'Item 1 (Black pepper, light, neither crushed…) is claimed under WO (Wholly obtained or produced) but uses imported or undetermined-origin materials; choose another criterion or correct the raw materials',
    ]);
  });

  it('wants raw materials for a preferential certificate unless the goods are wholly obtained', () => {
    expect(messages(check([wo, { ...rvc, usesImportedOrUndeterminedMaterials: false, rawMaterials: [] }]))).toEqual([
      'List the raw materials used to make item 2 (Small cardamom (Alleppey green), in…): they are required for a preferential certificate unless the goods are wholly obtained',
    ]);
    const nonPref = agreement('NONPREF');
    const india = (itemNo: number): ImportItem => ({ itemNo, usesImportedOrUndeterminedMaterials: false, rawMaterials: [], preferenceCriterion: 'India', preferenceCriterionValuePercent: 0 });
    expect(check([india(1), india(2)], nonPref)).toEqual([]);
    expect(messages(check([india(1), { ...india(2), preferenceCriterion: 'WO' }], nonPref))).toEqual([
      'Preference criterion "WO" is not used under Non-Preferential; choose one of India (India origin)',
    ]);
  });

  it('checks each raw material: total CIF, currency, origin, date', () => {
    const bad: RawMaterial = { ...material, totalCifValue: 90, currency: 'ABC', countryOfOrigin: 'QQ', billOfEntryOrInvoiceDate: '2024-09-02' };
    expect(messages(check([wo, { ...rvc, rawMaterials: [bad] }]))).toEqual([
      'Raw material 1 of item 2 (Small cardamom (Alleppey green), in…): ABC is not an accepted currency',
      'Raw material 1 of item 2 (Small cardamom (Alleppey green), in…): QQ is not an ISO 3166 country code',
      'Raw material 1 of item 2 (Small cardamom (Alleppey green), in…): total CIF value 90 ABC does not match quantity 2000 × unit CIF 0.05 = 100.00 ABC (allowed difference 0.10)',
      'Raw material 1 of item 2 (Small cardamom (Alleppey green), in…): bill of entry / invoice date 02/09/2024 is in the future',
    ]);
  });
});

describe('shipment', () => {
  const shipment: Shipment = validDraft().shipment;

  it('accepts a route that shows both ports', () => {
    expect(checkShipment(shipment)).toEqual([]);
  });

  it('refuses a route without the ports (the seed screenshot "road to air to sea")', () => {
    expect(checkShipment({ ...shipment, route: 'road to air to sea' })).toEqual([
      {
        path: 'shipment/route',
        message: 'Route "road to air to sea" does not show the port of shipment (INCOK1 - COCHIN SEA, KOCHI); the certificate must show both ports in the route',
      },
      {
        path: 'shipment/route',
        message: 'Route "road to air to sea" does not show the port of discharge (Ho Chi Minh City); the certificate must show both ports in the route',
      },
    ]);
  });

  it('matches a port by its full text, code or name, ignoring case and punctuation', () => {
    const port = 'INTKD6-ICD TUGHLAKABAD, NEW DELHI 110020-EDI';
    expect(routeMentions('ICD Tughlakabad by road to Mundra, then by sea to New York', port)).toBe(true);
    expect(routeMentions('INTKD6 to New York', port)).toBe(true);
    expect(routeMentions('Tughlakabad to New York', port)).toBe(false);
    expect(routeMentions('Cochin to Ho Chi Minh City', 'Ho Chi Minh')).toBe(true);
    expect(routeMentions('Cochin to Ho Chi Minhville', 'Ho Chi Minh')).toBe(false);
  });

  it('wants the name of an "Others" port, and uses it in the route', () => {
    const others: Shipment = { ...shipment, portOfDischarge: 'Others', route: 'Cochin Sea to Qui Nhon' };
    expect(messages(checkShipment(others))).toEqual(['Port of discharge is "Others": type the name of the port']);
    expect(checkShipment({ ...others, portOfDischargeOther: 'Qui Nhon' })).toEqual([]);
    expect(messages(checkShipment({ ...others, portOfDischargeOther: 'Da Nang' }))).toEqual([
      'Route "Cochin Sea to Qui Nhon" does not show the port of discharge (Da Nang); the certificate must show both ports in the route',
    ]);
    expect(messages(checkShipment({ ...shipment, portOfDischargeOther: 'Da Nang' }))).toEqual([
      'A port name is typed although the port of discharge is Ho Chi Minh City; choose "Others" to use the typed name, or clear it',
    ]);
  });

  it('wants the shipment document whole and fitting the mode of transport', () => {
    const { shipmentDocumentNumber: _n, shipmentDate: _d, ...partial } = shipment;
    expect(messages(checkShipment(partial))).toEqual([
      'Give the shipment document\'s type, number and date together (missing: number, date), or none of them before shipment',
    ]);
    const { shipmentDocumentType: _t, ...none } = partial;
    expect(checkShipment(none)).toEqual([]);
    expect(messages(checkShipment({ ...shipment, shipmentDocumentType: 'airway_bill' }))).toEqual([
      'An Airway Bill does not go with transport by sea; use a Bill of Lading or Multimodal Transport Document',
    ]);
    expect(checkShipment({ ...shipment, modeOfTransport: 'multimodal', shipmentDocumentType: 'airway_bill' })).toEqual([]);
  });
});

