import { describe, expect, it } from 'vitest';
import { checkRequestTarget, type RequestTarget } from '../../../domain/certificate/life.js';
import { diffTabs } from '../../../domain/certificate/request-diff.js';
import { isAppError } from '../../../lib/errors.js';

const target = (over: Partial<RequestTarget> = {}): RequestTarget => ({ number: 'EIC/2026/031/0000001A', iec: 'AAACR5055K', status: 'issued', source: 'platform', ...over });

function refusal(fn: () => void): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (isAppError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('not refused');
}

describe('who may request a duplicate or a certificate in lieu', () => {
  it('lets the certificate’s own IEC request one of a certificate in force', () => {
    expect(() => checkRequestTarget(target(), 'AAACR5055K', 'duplicate')).not.toThrow();
    expect(() => checkRequestTarget(target(), 'AAACR5055K', 'in-lieu')).not.toThrow();
  });

  it('answers another IEC as for an unknown number', () => {
    expect(refusal(() => checkRequestTarget(target(), 'AABCS1429B', 'duplicate'))).toEqual({
      code: 'not_found',
      message: 'Certificate EIC/2026/031/0000001A was not found among the certificates issued to IEC AABCS1429B.',
    });
  });

  it('sends a legacy record to the legacy platform, naming it (seed 002 §4.i)', () => {
    const r = refusal(() => checkRequestTarget(target({ source: 'legacy' }), 'AAACR5055K', 'in-lieu'));
    expect(r.code).toBe('conflict');
    expect(r.message).toContain('a certificate in lieu of it must be requested on the legacy eCoO 1.0 platform (https://coo.dgft.gov.in)');
  });

  it('refuses a superseded or a cancelled certificate, naming its status', () => {
    const sup = refusal(() =>
      checkRequestTarget(target({ status: 'superseded', supersededBy: 'EIC/2026/031/0000001A/00000001', statusChangedAt: new Date('2026-12-01T10:00:00Z') }), 'AAACR5055K', 'duplicate'),
    );
    expect(sup.message).toBe(
      'Certificate EIC/2026/031/0000001A is superseded by EIC/2026/031/0000001A/00000001 since 2026-12-01: request a duplicate certificate of the certificate in force instead.',
    );
    const can = refusal(() => checkRequestTarget(target({ status: 'cancelled', statusReason: 'forged invoice' }), 'AAACR5055K', 'in-lieu'));
    expect(can.message).toBe('Certificate EIC/2026/031/0000001A is cancelled (forged invoice): no certificate in lieu can be issued for it.');
  });
});

describe('the field-by-field difference an officer reviews', () => {
  const original = {
    basicDetails: { iecBranchCode: '01' },
    certificateDetails: { importer: { name: 'Al Batinah Home Tradng LLC', country: 'OM' }, invoice: { number: 'EXP/1', valueUsd: 12500 } },
    exportProducts: { items: [{ description: 'Bed linen', quantity: 1500 }, { description: 'Utensils', quantity: 2000 }] },
  };

  it('names each changed field once, with the original value and the new one, tabs in the exporter’s order', () => {
    const corrected = structuredClone(original);
    corrected.certificateDetails.importer.name = 'Al Batinah Home Trading LLC';
    corrected.exportProducts.items[1]!.quantity = 2100;
    expect(diffTabs(original, corrected)).toEqual([
      { path: 'certificateDetails/importer/name', tab: 'Certificate Details', before: 'Al Batinah Home Tradng LLC', after: 'Al Batinah Home Trading LLC' },
      { path: 'exportProducts/items/1/quantity', tab: 'Export Details', before: 2000, after: 2100 },
    ]);
  });

  it('shows an added or removed item, and nothing for identical tabs', () => {
    expect(diffTabs(original, structuredClone(original))).toEqual([]);
    const more = structuredClone(original);
    more.exportProducts.items.push({ description: 'Towels', quantity: 10 });
    expect(diffTabs(original, more)).toEqual([{ path: 'exportProducts/items/2', tab: 'Export Details', after: { description: 'Towels', quantity: 10 } }]);
    expect(diffTabs(more, original)).toEqual([{ path: 'exportProducts/items/2', tab: 'Export Details', before: { description: 'Towels', quantity: 10 } }]);
  });
});
