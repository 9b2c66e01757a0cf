import { checkGatewayParameters } from '../../../domain/agency/gateway-parameters.js';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../lib/errors.js';
import { gstinCheckCharacter, gstinProblem, isValidGstin } from '../../../domain/reference/gstin.js';
import {
  DEFAULT_IEC_MASTER_PATH,
  DEFAULT_REFERENCE_DATA_PATH,
  iecMasterProblems,
  parseIecMaster,
  parseReferenceData,
  referenceDataProblems,
} from '../../../domain/reference/load.js';
import type { IecMaster, ReferenceData } from '../../../domain/reference/types.js';
import { iec, iecMaster, reference, referenceData } from './helpers.js';

async function rawJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8')) as unknown;
}

describe('reference data fixture', () => {
  it('has the agreements of the seeds with their titles and partners', () => {
    expect(reference.agreement('IOCEPA')).toMatchObject({ title: 'India Oman CEPA (Agency Issued)', partnerCountries: ['OM'], preferential: true });
    expect(reference.agreement('AIFTA')).toMatchObject({ title: 'ASEAN-India FTA', numericCode: '013' });
    expect(reference.agreement('AIFTA')?.partnerCountries).toHaveLength(10);
    expect(reference.agreement('IKCEPA')).toMatchObject({ title: 'India Korea CEPA', partnerCountries: ['KR'], numericCode: '002' });
    expect(reference.agreement('SAFTA')?.partnerCountries).toEqual(['AF', 'BD', 'BT', 'MV', 'NP', 'PK', 'LK']);
    expect(reference.agreement('APTA')?.numericCode).toBe('015');
    expect(reference.agreement('ISLFTA')?.partnerCountries).toEqual(['LK']);
    expect(reference.agreement('INCHPTA')?.partnerCountries).toEqual(['CL']);
  });

  it('notifies EIC and MPEDA for IOCEPA, AIFTA and IKCEPA, and FIEO for SAFTA and APTA', () => {
    for (const agreement of ['IOCEPA', 'AIFTA', 'IKCEPA']) {
      expect(reference.agenciesForAgreement(agreement).map((a) => a.code)).toEqual(expect.arrayContaining(['EIC', 'MPEDA']));
    }
    for (const agreement of ['SAFTA', 'APTA']) {
      expect(reference.agenciesForAgreement(agreement).map((a) => a.code)).toContain('FIEO');
    }
  });

  it('has the required offices in the right states, each with its officer', () => {
    const expected = [
      ['EIC-MUM', 'Mumbai', 'Maharashtra', '27', 'Priya Deshpande'],
      ['EIC-KOC', 'Kochi', 'Kerala', '32', 'Thomas Varghese'],
      ['EIC-CHN', 'Chennai', 'Tamil Nadu', '33', 'Lakshmi Narayanan'],
      ['MPEDA-KOC', 'Kochi', 'Kerala', '32', 'Joseph Kurian'],
      ['FIEO-DEL', 'New Delhi', 'Delhi', '07', 'Arvind Mehta'],
    ] as const;
    for (const [code, city, state, stateCode, officer] of expected) {
      const office = reference.office(code);
      expect(office, code).toMatchObject({ state, gstStateCode: stateCode, address: { city } });
      expect(reference.officersOfOffice(code).map((u) => u.name)).toContain(officer);
    }
    expect(reference.office('EIC-DEL')).toBeDefined();
    expect(reference.office('EIC-KOL')).toBeDefined();
  });

  it('has an administrator per agency, a helpdesk user and a platform administrator', () => {
    for (const agency of referenceData.issuingAgencies) {
      expect(referenceData.users.some((u) => u.role === 'agency-admin' && u.agencyCode === agency.code)).toBe(true);
    }
    expect(referenceData.users.filter((u) => u.role === 'helpdesk')).toHaveLength(1);
    expect(referenceData.users.filter((u) => u.role === 'admin')).toHaveLength(1);
  });

  it('keeps payment gateway parameters free of spaces and every GSTIN valid', () => {
    for (const agency of referenceData.issuingAgencies) {
      expect(checkGatewayParameters(agency.paymentGateway ?? {})).toEqual([]);
      expect(isValidGstin(agency.gstin)).toBe(true);
    }
    for (const office of referenceData.offices) expect(isValidGstin(office.gstin), office.code).toBe(true);
  });

  it('reproduces the seed fees in the schedule (paise)', () => {
    const mpeda = referenceData.feeSchedules.find((f) => f.agencyCode === 'MPEDA' && f.agreementCode === 'AIFTA' && f.kind === 'original');
    expect(mpeda).toMatchObject({ feePaise: 35000, gstRateBasisPoints: 1200 });
    const eic = referenceData.feeSchedules.find((f) => f.agencyCode === 'EIC' && f.agreementCode === 'IKCEPA' && f.kind === 'duplicate');
    expect(eic).toMatchObject({ feePaise: 60000, gstRateBasisPoints: 1800 });
  });

  it('finds no problem in the committed fixture', () => {
    expect(referenceDataProblems(referenceData)).toEqual([]);
  });

  it('reports broken cross-references with specific messages', async () => {
    const data = structuredClone((await rawJson(DEFAULT_REFERENCE_DATA_PATH)) as ReferenceData);
    data.offices[0]!.agencyCode = 'NOPE';
    data.offices[1]!.gstin = '32AAAGE0486K1ZA';
    data.issuingAgencies[1]!.notifiedAgreements.push('XYZ');
    data.users = data.users.filter((u) => u.officeCode !== 'EIC-CHN');
    data.feeSchedules.push({ ...data.feeSchedules[0]! });
    const problems = referenceDataProblems(data).map((p) => p.message);
    expect(problems).toContain('Office EIC-MUM belongs to unknown agency NOPE');
    expect(problems).toContain('GSTIN "32AAAGE0486K1ZA" has a wrong check character (A; expected K): it was probably mistyped');
    expect(problems).toContain('MPEDA is notified for unknown agreement XYZ');
    expect(problems).toContain('Office EIC-CHN has no officer');
    expect(problems).toContain('Fee of MPEDA/AIFTA/original appears twice');
  });

  it('throws an AppError listing the problems of invalid data', async () => {
    const data = (await rawJson(DEFAULT_REFERENCE_DATA_PATH)) as Record<string, unknown>;
    try {
      parseReferenceData({ ...data, offices: 'none' }, 'test data');
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e)).toBe(true);
      if (isAppError(e)) {
        expect(e.message).toMatch(/^test data is invalid \(1 problem\(s\)\): offices:/);
        expect(e.problems?.[0]?.path).toBe('offices');
      }
    }
  });
});

describe('IEC master fixture', () => {
  it('has the exporters of the brief with their people', () => {
    expect(iec('AAACR5055K')).toMatchObject({ firmName: 'RAJ KUMAR EXPORTS PRIVATE LIMITED', registeredAddress: { state: 'Maharashtra' } });
    expect(iec('AAACR5055K').users.map((u) => [u.name, u.role])).toEqual([
      ['Raj Kumar Sharma', 'master'],
      ['Meera Iyer', 'additional'],
    ]);
    expect(iec('AABCS1429B')).toMatchObject({ firmName: 'SAHYADRI SPICES PRIVATE LIMITED', registeredAddress: { state: 'Kerala' } });
    expect(iec('AABCS1429B').users[0]?.name).toBe('Anita Menon');
    expect(iec('AAFCT7781Q')).toMatchObject({ firmName: 'TIRUPUR TEXTILE COMPANY', registeredAddress: { state: 'Tamil Nadu' } });
    expect(iec('AAFCT7781Q').users[0]?.name).toBe('Senthil Murugan');
    expect(iecMaster.data.exporters.length).toBeGreaterThanOrEqual(5);
  });

  it('has exporters with and without AEO numbers, an SEZ unit and a suspended IEC', () => {
    const all = iecMaster.data.exporters;
    expect(all.some((e) => e.aeoNumber !== null)).toBe(true);
    expect(all.some((e) => e.aeoNumber === null)).toBe(true);
    expect(all.some((e) => e.branches.some((b) => b.isSez))).toBe(true);
    expect(all.filter((e) => e.status === 'suspended')).toHaveLength(1);
  });

  it('gives every branch a GSTIN with its state code and a correct check character', () => {
    for (const e of iecMaster.data.exporters) {
      for (const b of e.branches) {
        expect(b.gstin === null || isValidGstin(b.gstin), `${e.iec}/${b.branchCode}`).toBe(true);
        expect(b.gstin?.slice(0, 2)).toBe(b.gstStateCode);
      }
    }
    expect(iecMasterProblems(iecMaster.data)).toEqual([]);
  });

  it('rejects a branch whose GSTIN is of another state or another PAN', async () => {
    const data = structuredClone((await rawJson(DEFAULT_IEC_MASTER_PATH)) as IecMaster);
    data.exporters[0]!.branches[0]!.gstin = '33AAACR5055K1ZE';
    data.exporters[1]!.branches[0]!.gstin = '27AAACR5055K1Z7';
    data.exporters[1]!.branches[0]!.gstStateCode = '27';
    data.exporters[1]!.branches[0]!.state = 'Maharashtra';
    const problems = iecMasterProblems(data).map((p) => p.message);
    expect(problems).toContain("GSTIN 33AAACR5055K1ZE does not start with Maharashtra's code 27");
    expect(problems).toContain('GSTIN 27AAACR5055K1Z7 does not contain the PAN AABCS1429B of AABCS1429B');
    expect(() => parseIecMaster(data)).toThrow(/IEC master is invalid/);
  });
});

describe('GSTIN', () => {
  it('computes the published check character of a known GSTIN', () => {
    expect(gstinCheckCharacter('27AAPFU0939F1Z')).toBe('V');
    expect(isValidGstin('27AAPFU0939F1ZV')).toBe(true);
  });

  it('explains what is wrong', () => {
    expect(gstinProblem('27AAPFU0939F1ZX')).toBe('GSTIN "27AAPFU0939F1ZX" has a wrong check character (X; expected V): it was probably mistyped');
    expect(gstinProblem('99AAPFU0939F1ZV')).toBe('GSTIN "99AAPFU0939F1ZV" starts with 99, which is not a GST state code');
    expect(gstinProblem('27AAPFU0939F1Z')).toMatch(/is not in the 15-character format/);
  });
});
