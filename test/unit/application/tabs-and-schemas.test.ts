import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseTab } from '../../../domain/application/parse-tab.js';
import { ApplicationDraftSchema, TAB_IDS, TAB_SCHEMAS } from '../../../domain/application/schemas.js';
import { checkTabOrder, nextTab, savedTabsOf } from '../../../domain/application/tab-order.js';
import { messages, validDraft } from './helpers.js';

describe('tab order', () => {
  it('lets the first tab be saved at any time', () => {
    expect(checkTabOrder([], 'basicDetails')).toEqual([]);
  });

  it('refuses a tab whose previous tab is not saved', () => {
    expect(checkTabOrder(['basicDetails'], 'exportProducts')).toEqual([
      {
        path: 'exportProducts',
        message: 'Save "Certificate Details" before "Export Details": the tabs of the application are filled in order',
      },
    ]);
  });

  it('names every missing tab', () => {
    expect(messages(checkTabOrder(['certificateDetails'], 'importDetails'))).toEqual([
      'Save "Basic Details" and "Export Details" before "Import Details": the tabs of the application are filled in order',
    ]);
    expect(messages(checkTabOrder([], 'shipment'))[0]).toMatch(/^Save "Basic Details", "Certificate Details", "Export Details" and "Import Details" before "Shipment Details"/);
  });

  it('allows editing an earlier tab again', () => {
    expect(checkTabOrder(TAB_IDS, 'certificateDetails')).toEqual([]);
  });

  it('says which tab is next', () => {
    expect(nextTab([])).toBe('basicDetails');
    expect(nextTab(['basicDetails', 'certificateDetails'])).toBe('exportProducts');
    expect(nextTab(['basicDetails', 'exportProducts'])).toBe('certificateDetails');
    expect(nextTab(TAB_IDS)).toBe('summary');
    expect(savedTabsOf({ basicDetails: {}, shipment: {} })).toEqual(['basicDetails', 'shipment']);
  });
});

describe('tab schemas', () => {
  it('convert to JSON Schema for the OpenAPI document', () => {
    for (const tab of TAB_IDS) {
      const json = z.toJSONSchema(TAB_SCHEMAS[tab]) as { type?: string; properties?: object; additionalProperties?: boolean };
      expect(json.type, tab).toBe('object');
      expect(json.additionalProperties, tab).toBe(false);
    }
    const draft = z.toJSONSchema(ApplicationDraftSchema) as { properties: Record<string, unknown> };
    // the seven tabs, and the cost sheets of the export products kept beside them
    expect(Object.keys(draft.properties)).toEqual([...TAB_IDS, 'costSheets']);
    const invoice = (z.toJSONSchema(TAB_SCHEMAS.certificateDetails) as unknown as { properties: { invoice: { properties: Record<string, { type?: string; format?: string }> } } })
      .properties.invoice.properties;
    expect(invoice.date?.format).toBe('date');
    expect(invoice.valueUsd?.type).toBe('number');
  });

  it('accept the valid draft, tab by tab', () => {
    const draft = validDraft();
    for (const tab of TAB_IDS) expect(parseTab(tab, draft[tab]).ok, tab).toBe(true);
  });

  it('name the field in every message', () => {
    const result = parseTab('basicDetails', { iecBranchCode: '1', disclaimerAccepted: 'yes', colour: 'red' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toEqual([
        { path: 'basicDetails/iecBranchCode', message: 'IEC branch must be the 2-digit branch code from the IEC master' },
        { path: 'basicDetails/deliveryRequested', message: 'Delivery of the certificate at your premises is required' },
        { path: 'basicDetails/disclaimerAccepted', message: 'Disclaimer must be true or false (yes/no)' },
        { path: 'basicDetails', message: 'Unknown field "colour" in the Basic Details tab' },
      ]);
    }
  });

  it('explain missing groups, blank text, bad dates, enums and ranges', () => {
    const draft = validDraft();
    const details = { ...draft.certificateDetails, importer: undefined, invoice: { ...draft.certificateDetails.invoice, number: '   ', date: '06/08/2024', valueUsd: -3 } };
    const result = parseTab('certificateDetails', details);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toEqual(
        expect.arrayContaining([
          { path: 'certificateDetails/importer', message: 'Importer details is required' },
          { path: 'certificateDetails/invoice/number', message: 'Invoice number must not be blank' },
          { path: 'certificateDetails/invoice/date', message: 'Invoice date must be a date written YYYY-MM-DD' },
          { path: 'certificateDetails/invoice/valueUsd', message: 'Invoice value (in USD) must be greater than 0' },
        ]),
      );
    }
    const products = parseTab('exportProducts', { items: [{ ...draft.exportProducts.items[0], unit: 'KILOS' }] });
    expect(products.ok).toBe(false);
    if (!products.ok) expect(products.problems[0]?.message).toMatch(/^Unit of quantity must be one of: BAG, BAL/);
    const empty = parseTab('exportProducts', { items: [] });
    expect(empty.ok ? [] : messages(empty.problems)).toEqual(['Add at least one export product']);
    const percent = parseTab('importDetails', { items: [{ ...draft.importDetails.items[0], preferenceCriterionValuePercent: 120 }] });
    expect(percent.ok ? [] : messages(percent.problems)).toEqual(['Preference criterion value must be between 0 and 100%']);
    const notObject = parseTab('shipment', 'sea');
    expect(notObject.ok ? [] : notObject.problems).toEqual([{ path: 'shipment', message: 'The Shipment Details tab must be a group of fields' }]);
  });
});
