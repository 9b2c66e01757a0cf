import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../lib/errors.js';
import { checkDeclaration } from '../../../domain/application/check-declaration.js';
import {
  applicationInvalid,
  validateApplicationForSubmission,
  validateTab,
} from '../../../domain/application/validate-application.js';
import { context, iec, messages, validDraft } from './helpers.js';

describe('declaration', () => {
  const declaration = validDraft().declaration;

  it('accepts a director of the IEC, whatever the case and spacing', () => {
    expect(checkDeclaration(declaration, iec('AABCS1429B'))).toEqual([]);
    expect(checkDeclaration({ ...declaration, name: '  ANITA   menon ' }, iec('AABCS1429B'), 'Anita Menon')).toEqual([]);
    expect(checkDeclaration({ ...declaration, name: 'Meera Iyer' }, iec('AAACR5055K'))).toEqual([]);
  });

  it('refuses a person who is not of the firm, or who is not the signatory', () => {
    expect(checkDeclaration({ ...declaration, name: 'A Menon' }, iec('AABCS1429B'))).toEqual([
      {
        path: 'declaration/name',
        message: '"A Menon" is not a director, partner or registered user of IEC AABCS1429B (Anita Menon, George Mathew)',
      },
    ]);
    expect(messages(checkDeclaration({ ...declaration, name: 'George Mathew' }, iec('AABCS1429B'), 'Anita Menon'))).toEqual([
      'The declaration is in the name of "George Mathew" but "Anita Menon" is signing; the person who signs makes the declaration',
    ]);
  });

  it('wants it accepted, with a real place and designation', () => {
    expect(messages(checkDeclaration({ ...declaration, accepted: false, place: '123', designation: '--' }, iec('AABCS1429B')))).toEqual([
      'Accept the declaration: the exporter declares the details true and the goods of Indian origin',
      'Place "123" must be the name of a place',
      'Designation "--" must be a job title, such as Director',
    ]);
  });
});

describe('validateApplicationForSubmission', () => {
  it('finds nothing wrong in a complete, valid application', () => {
    expect(validateApplicationForSubmission(validDraft(), context())).toEqual([]);
  });

  it('names the tabs not saved', () => {
    const { declaration: _d, attachments: _a, ...partial } = validDraft();
    expect(validateApplicationForSubmission(partial, context())).toEqual([
      { path: 'attachments', message: 'The "Attachments" tab has not been saved' },
      { path: 'declaration', message: 'The "Declaration" tab has not been saved' },
    ]);
  });

  it('reports shape problems and rule problems of every tab together', () => {
    const draft = validDraft();
    const app = {
      ...draft,
      basicDetails: { ...draft.basicDetails, iecBranchCode: '09' },
      certificateDetails: { ...draft.certificateDetails, importer: { ...draft.certificateDetails.importer, address: '12 Le Loi, Ho Chi Minh City, Vietnam' } },
      shipment: { ...draft.shipment, route: 'by sea' },
      attachments: { files: [] },
      declaration: { ...draft.declaration, place: 7 },
    };
    expect(validateApplicationForSubmission(app, context({ invoiceUsedBy: 'MPKOCOOAPPLY00000003AM25' })).map((p) => p.path)).toEqual([
      'declaration/place',
      'basicDetails/iecBranchCode',
      'certificateDetails/importer/address',
      'certificateDetails/invoice/number',
      'shipment/route',
      'shipment/route',
      'attachments/files',
    ]);
  });

  it('checks the rules of later tabs against the earlier ones', () => {
    const draft = validDraft();
    const app = {
      ...draft,
      certificateDetails: { ...draft.certificateDetails, agreementCode: 'IKCEPA', importer: { ...draft.certificateDetails.importer, country: 'KR' } },
    };
    // IKCEPA has the RVC criterion too; WO stays valid: only the items' totals and criteria are rechecked
    expect(validateApplicationForSubmission(app, context())).toEqual([]);
    const safta = { ...app, certificateDetails: { ...app.certificateDetails, agreementCode: 'SAFTA', agencyCode: 'MPEDA', importer: { ...app.certificateDetails.importer, country: 'LK' } } };
    expect(messages(validateApplicationForSubmission(safta, context()))).toEqual([
      'Preference criterion "WO" is not used under SAFTA; choose one of A (Wholly produced or obtained), B (Change in tariff heading and domestic value content of at least 40%), C (Product specific rule), D (Cumulative regional content of at least 50% (national at least 20%))',
      'Preference criterion "RVC" is not used under SAFTA; choose one of A (Wholly produced or obtained), B (Change in tariff heading and domestic value content of at least 40%), C (Product specific rule), D (Cumulative regional content of at least 50% (national at least 20%))',
    ]);
  });

  it('turns problems into one AppError', () => {
    const error = applicationInvalid([
      { path: 'a', message: 'First problem' },
      { path: 'b', message: 'Second problem' },
    ]);
    expect(isAppError(error)).toBe(true);
    expect(error.message).toBe('First problem (and 1 more problem)');
    expect(error.status).toBe(422);
    expect(error.problems).toHaveLength(2);
  });
});

describe('validateTab', () => {
  it('returns the parsed tab and its rule problems', () => {
    const draft = validDraft();
    const input = { ...draft.certificateDetails, invoice: { ...draft.certificateDetails.invoice, date: '2024-09-05' } };
    const result = validateTab('certificateDetails', input, { basicDetails: draft.basicDetails }, context());
    expect(result.value?.invoice.date).toBe('2024-09-05');
    expect(result.problems).toEqual([
      { path: 'certificateDetails/invoice/date', message: 'Invoice date 05/09/2024 is in the future (today is 01/09/2024)' },
    ]);
  });

  it('stops at shape problems', () => {
    const result = validateTab('exportProducts', { items: 'many' }, {}, context());
    expect(result).toEqual({ value: undefined, problems: [{ path: 'exportProducts/items', message: 'Export products must be a list' }] });
  });

  it('checks export items against the saved invoice', () => {
    const draft = validDraft();
    const result = validateTab('exportProducts', { items: [draft.exportProducts.items[0]] }, draft, context());
    expect(messages(result.problems)).toEqual([
      'The export items add up to 900.00 USD but the invoice value is 1500.00 USD (difference 600.00); the item values must add up to the invoice value',
      'The export items add up to 75105.00 INR but the invoice value is 125175.00 INR (difference 50070.00); the item values must add up to the invoice value',
    ]);
  });
});
