import { describe, expect, it } from 'vitest';
import { calculateFee, percentOf, type FeeRequest } from '../../../domain/fees/calculate-fee.js';
import { formatRupees } from '../../../domain/fees/format-paise.js';
import { selectFeeEntry } from '../../../domain/fees/select-fee-entry.js';
import { loadIecMaster, loadReferenceData } from '../../../domain/reference/load.js';
import { indexIecMaster, indexReferenceData } from '../../../domain/reference/reference-index.js';
import type { IecBranch } from '../../../domain/reference/types.js';

const reference = indexReferenceData(await loadReferenceData());
const master = indexIecMaster(await loadIecMaster());

function branch(iec: string, code: string): IecBranch {
  const b = master.byIec(iec)?.branches.find((x) => x.branchCode === code);
  if (b === undefined) throw new Error(`${iec}/${code}`);
  return b;
}

const kochiSpices = branch('AABCS1429B', '01'); // Kerala
const mumbaiExports = branch('AAACR5055K', '01'); // Maharashtra
const kandlaSez = branch('AAHCK2290P', '02'); // Gujarat, in an SEZ

describe('calculateFee', () => {
  it('reproduces seed 001: CoO under ASEAN-India FTA at MPEDA = 350 + CGST 21 + SGST 21 = 392', () => {
    const quote = calculateFee(reference, {
      agencyCode: 'MPEDA',
      agreementCode: 'AIFTA',
      officeCode: 'MPEDA-KOC',
      kind: 'original',
      deliveryRequested: false,
      exporterBranch: kochiSpices,
    });
    expect(quote.supplyType).toBe('intra_state');
    expect(quote.totals).toEqual({ taxablePaise: 35000, cgstPaise: 2100, sgstPaise: 2100, igstPaise: 0, taxPaise: 4200, totalPaise: 39200 });
    expect(formatRupees(quote.totals.totalPaise)).toBe('392.00');
    expect(quote.lines).toEqual([
      {
        code: 'certificate_fee',
        description: 'Certificate of Origin fee',
        sacCode: '998399',
        taxablePaise: 35000,
        gstRateBasisPoints: 1200,
        cgst: { rateBasisPoints: 600, amountPaise: 2100 },
        sgst: { rateBasisPoints: 600, amountPaise: 2100 },
        igst: { rateBasisPoints: 0, amountPaise: 0 },
        totalPaise: 39200,
        source: expect.stringContaining('seed 001') as string,
      },
    ]);
    expect(quote.supplier).toEqual({ name: 'MPEDA - Kochi (Regional Office)', gstin: '32AAAGM0297B1ZU', gstStateCode: '32', state: 'Kerala' });
    expect(quote.recipient).toEqual({ gstin: '32AABCS1429B1Z3', gstStateCode: '32', isSez: false });
  });

  it('reproduces seed 001: duplicate under IKCEPA at EIC = 600 + GST 108 = 708, inter- and intra-state', () => {
    const base: FeeRequest = {
      agencyCode: 'EIC',
      agreementCode: 'IKCEPA',
      officeCode: 'EIC-KOC',
      kind: 'duplicate',
      deliveryRequested: false,
      exporterBranch: mumbaiExports,
    };
    const inter = calculateFee(reference, base);
    expect(inter.supplyType).toBe('inter_state');
    expect(inter.totals).toEqual({ taxablePaise: 60000, cgstPaise: 0, sgstPaise: 0, igstPaise: 10800, taxPaise: 10800, totalPaise: 70800 });
    const intra = calculateFee(reference, { ...base, officeCode: 'EIC-MUM' });
    expect(intra.supplyType).toBe('intra_state');
    expect(intra.totals).toEqual({ taxablePaise: 60000, cgstPaise: 5400, sgstPaise: 5400, igstPaise: 0, taxPaise: 10800, totalPaise: 70800 });
  });

  it('adds the delivery charge as its own taxed line', () => {
    const quote = calculateFee(reference, {
      agencyCode: 'MPEDA',
      agreementCode: 'AIFTA',
      officeCode: 'MPEDA-KOC',
      kind: 'original',
      deliveryRequested: true,
      exporterBranch: kochiSpices,
    });
    expect(quote.lines.map((l) => [l.code, l.sacCode, l.taxablePaise, l.cgst.amountPaise, l.sgst.amountPaise, l.totalPaise])).toEqual([
      ['certificate_fee', '998399', 35000, 2100, 2100, 39200],
      ['delivery_charge', '996812', 15000, 1350, 1350, 17700],
    ]);
    expect(quote.totals.totalPaise).toBe(56900);
  });

  it('charges IGST to a branch in an SEZ, even in the office state', () => {
    const quote = calculateFee(reference, {
      agencyCode: 'EIC',
      agreementCode: 'AIFTA',
      officeCode: 'EIC-MUM',
      kind: 'original',
      deliveryRequested: false,
      exporterBranch: { ...kandlaSez, gstStateCode: '27' },
    });
    expect(quote.supplyType).toBe('inter_state');
    expect(quote.totals.igstPaise).toBe(9000);
  });

  it('falls back on the agency default when the agreement has no fee of its own', () => {
    expect(selectFeeEntry(reference, 'MPEDA', 'IKCEPA', 'original')).toMatchObject({ agreementCode: null, feePaise: 35000 });
    expect(selectFeeEntry(reference, 'EIC', 'IKCEPA', 'duplicate')).toMatchObject({ agreementCode: 'IKCEPA', feePaise: 60000 });
  });

  it('refuses an agency that is not notified, an office of another agency, unknown codes', () => {
    const req: FeeRequest = {
      agencyCode: 'FIEO',
      agreementCode: 'AIFTA',
      officeCode: 'FIEO-DEL',
      kind: 'original',
      deliveryRequested: false,
      exporterBranch: mumbaiExports,
    };
    expect(() => calculateFee(reference, req)).toThrow(
      'Federation of Indian Export Organisations (FIEO) is not notified to issue certificates under ASEAN-India FTA, so it has no fee for them',
    );
    expect(() => calculateFee(reference, { ...req, agencyCode: 'EIC' })).toThrow('Office FIEO-DEL belongs to FIEO, not EIC');
    expect(() => calculateFee(reference, { ...req, officeCode: 'FIEO-XYZ' })).toThrow('Office FIEO-XYZ is not known');
    expect(() => selectFeeEntry(reference, 'EIC', 'NAFTA', 'original')).toThrow('Trade agreement NAFTA is not known');
    expect(() => selectFeeEntry(reference, 'XYZ', 'AIFTA', 'original')).toThrow('Issuing agency XYZ is not known');
  });

  it('says what the agency administrator must configure when a fee or delivery charge is missing', () => {
    const data = reference.data;
    const gaps = indexReferenceData({
      ...data,
      feeSchedules: data.feeSchedules.filter((f) => !(f.agencyCode === 'FIEO' && f.kind === 'duplicate')),
      deliveryCharges: data.deliveryCharges.filter((d) => d.agencyCode !== 'FIEO'),
    });
    const req: FeeRequest = {
      agencyCode: 'FIEO',
      agreementCode: 'SAFTA',
      officeCode: 'FIEO-DEL',
      kind: 'duplicate',
      deliveryRequested: false,
      exporterBranch: mumbaiExports,
    };
    expect(() => calculateFee(gaps, req)).toThrow(
      'No duplicate certificate fee is configured for FIEO under SAFTA; the agency administrator must add it to the fee schedule',
    );
    expect(() => calculateFee(gaps, { ...req, kind: 'original', deliveryRequested: true })).toThrow(
      'No delivery charge is configured for FIEO; the agency administrator must add it',
    );
    expect(calculateFee(gaps, { ...req, kind: 'original' }).totals.totalPaise).toBe(47200);
  });
});

describe('rounding', () => {
  it('rounds each tax half up to the paisa, in integers', () => {
    expect(percentOf(35000, 1200, 20_000)).toBe(2100);
    expect(percentOf(12345, 1800, 20_000)).toBe(1111); // 1111.05
    expect(percentOf(12350, 1800, 20_000)).toBe(1112); // 1111.5 → 1112
    expect(percentOf(12345, 1800, 10_000)).toBe(2222); // 2222.1
    expect(percentOf(1, 1800, 10_000)).toBe(0); // 0.18
    expect(percentOf(3, 1800, 10_000)).toBe(1); // 0.54
    expect(() => percentOf(10.5, 1800, 10_000)).toThrow(RangeError);
  });

  it('lets CGST + SGST differ by a paisa from IGST, and keeps totals equal to the sum of lines', () => {
    // 0.25 rupees at 18%: IGST 4.5 → 5 paise; CGST 2.25 → 2 and SGST 2 → 4 paise
    expect(percentOf(25, 1800, 10_000)).toBe(5);
    expect(2 * percentOf(25, 1800, 20_000)).toBe(4);
  });

  it('formats paise as rupees', () => {
    expect(formatRupees(39200)).toBe('392.00');
    expect(formatRupees(70805)).toBe('708.05');
    expect(formatRupees(7)).toBe('0.07');
    expect(() => formatRupees(1.5)).toThrow('Amount 1.5 is not a whole number of paise');
  });
});
