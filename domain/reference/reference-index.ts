import type {
  DeliveryCharge,
  FeeScheduleEntry,
  IecMaster,
  IecRecord,
  IssuingAgency,
  ReferenceData,
  RegionalOffice,
  StaffUser,
  TradeAgreement,
} from './types.js';

/** Look-ups over validated reference data, for the rules and the fee calculation. */
export interface ReferenceIndex {
  readonly data: ReferenceData;
  agreement(code: string): TradeAgreement | undefined;
  agency(code: string): IssuingAgency | undefined;
  office(code: string): RegionalOffice | undefined;
  /** Agencies notified for the agreement, in the order of the data. */
  agenciesForAgreement(agreementCode: string): IssuingAgency[];
  /** Active offices of the agency. */
  officesOfAgency(agencyCode: string): RegionalOffice[];
  feeEntries(agencyCode: string): FeeScheduleEntry[];
  deliveryCharge(agencyCode: string): DeliveryCharge | undefined;
  officersOfOffice(officeCode: string): StaffUser[];
}

/** What a caller is about to look up: a source holding an older copy reads the data again when it does not know it. */
export interface ReferenceNeed {
  office?: string | null | undefined;
  agency?: string | null | undefined;
}

/** Where the reference data comes from (the worker: a cache re-read every 2 s, and at once for an office or agency it does not know). */
export type ReferenceSource = (need?: ReferenceNeed) => Promise<ReferenceIndex>;

/** Whether the index knows what is needed. */
export function knows(index: ReferenceIndex, need: ReferenceNeed | undefined): boolean {
  return (!need?.office || index.office(need.office) !== undefined) && (!need?.agency || index.agency(need.agency) !== undefined);
}

export function indexReferenceData(data: ReferenceData): ReferenceIndex {
  const agreements = new Map(data.tradeAgreements.map((a) => [a.code, a]));
  const agencies = new Map(data.issuingAgencies.map((a) => [a.code, a]));
  const offices = new Map(data.offices.map((o) => [o.code, o]));
  const delivery = new Map(data.deliveryCharges.map((d) => [d.agencyCode, d]));
  return {
    data,
    agreement: (code) => agreements.get(code),
    agency: (code) => agencies.get(code),
    office: (code) => offices.get(code),
    agenciesForAgreement: (agreementCode) =>
      data.issuingAgencies.filter((a) => a.notifiedAgreements.includes(agreementCode)),
    officesOfAgency: (agencyCode) => data.offices.filter((o) => o.agencyCode === agencyCode && o.active),
    feeEntries: (agencyCode) => data.feeSchedules.filter((f) => f.agencyCode === agencyCode),
    deliveryCharge: (agencyCode) => delivery.get(agencyCode),
    officersOfOffice: (officeCode) => data.users.filter((u) => u.role === 'officer' && u.officeCode === officeCode),
  };
}

export interface IecMasterIndex {
  readonly data: IecMaster;
  byIec(iec: string): IecRecord | undefined;
}

export function indexIecMaster(data: IecMaster): IecMasterIndex {
  const byIec = new Map(data.exporters.map((e) => [e.iec, e]));
  return { data, byIec: (iec) => byIec.get(iec.trim().toUpperCase()) };
}
