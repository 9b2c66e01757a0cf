import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { AppError, ErrorCode, type FieldProblem } from '../../lib/errors.js';
import { isCountryCode } from './countries.js';
import { gstinProblem, panOfGstin } from './gstin.js';
import { stateNameOfGstCode } from './indian-states.js';
import { IecMasterSchema, ReferenceDataSchema } from './schema.js';
import type { IecMaster, ReferenceData } from './types.js';

export const DEFAULT_REFERENCE_DATA_PATH = fileURLToPath(
  new URL('../../db/fixtures/reference-data.json', import.meta.url),
);
export const DEFAULT_IEC_MASTER_PATH = fileURLToPath(new URL('../../db/fixtures/iec-master.json', import.meta.url));

export async function loadReferenceData(path: string = DEFAULT_REFERENCE_DATA_PATH): Promise<ReferenceData> {
  return parseReferenceData(await readJson(path), path);
}

export async function loadIecMaster(path: string = DEFAULT_IEC_MASTER_PATH): Promise<IecMaster> {
  return parseIecMaster(await readJson(path), path);
}

/** Validates reference data (shape, then cross-references); throws an AppError listing every problem. */
export function parseReferenceData(json: unknown, source = 'reference data'): ReferenceData {
  const data = parseShape(ReferenceDataSchema, json, source);
  const problems = referenceDataProblems(data);
  if (problems.length > 0) throw invalid(source, problems);
  return data;
}

export function parseIecMaster(json: unknown, source = 'IEC master'): IecMaster {
  const data = parseShape(IecMasterSchema, json, source);
  const problems = iecMasterProblems(data);
  if (problems.length > 0) throw invalid(source, problems);
  return data;
}

/** Rules across records of the reference data. Exported for tests. */
export function referenceDataProblems(data: ReferenceData): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });

  const agreementCodes = new Set<string>();
  data.tradeAgreements.forEach((a, i) => {
    const at = `tradeAgreements/${i}`;
    if (agreementCodes.has(a.code)) add(`${at}/code`, `Trade agreement ${a.code} appears twice`);
    agreementCodes.add(a.code);
    a.partnerCountries.forEach((c, j) => {
      if (!isCountryCode(c)) add(`${at}/partnerCountries/${j}`, `${c} is not an ISO 3166 country code`);
      if (c === 'IN') add(`${at}/partnerCountries/${j}`, `India cannot be a partner country of ${a.code}`);
    });
    if (a.preferential && a.partnerCountries.length === 0) {
      add(`${at}/partnerCountries`, `Preferential agreement ${a.code} needs its partner countries`);
    }
    const criteria = new Set<string>();
    a.originCriteria.forEach((c, j) => {
      if (criteria.has(c.code)) add(`${at}/originCriteria/${j}/code`, `Criterion ${c.code} appears twice in ${a.code}`);
      criteria.add(c.code);
      if (c.minimumPercent !== undefined && !c.valueRequired) {
        add(`${at}/originCriteria/${j}`, `Criterion ${c.code} of ${a.code} has a minimum percentage but no value`);
      }
    });
  });
  const numeric = new Map<string, string>();
  for (const a of data.tradeAgreements) {
    const other = numeric.get(a.numericCode);
    if (other !== undefined) add('tradeAgreements', `${a.code} and ${other} share the numeric code ${a.numericCode}`);
    numeric.set(a.numericCode, a.code);
  }

  const agencyCodes = new Set<string>();
  data.issuingAgencies.forEach((ag, i) => {
    const at = `issuingAgencies/${i}`;
    if (agencyCodes.has(ag.code)) add(`${at}/code`, `Agency ${ag.code} appears twice`);
    agencyCodes.add(ag.code);
    ag.notifiedAgreements.forEach((c, j) => {
      if (!agreementCodes.has(c)) add(`${at}/notifiedAgreements/${j}`, `${ag.code} is notified for unknown agreement ${c}`);
    });
    const gp = gstinProblem(ag.gstin);
    if (gp !== undefined) add(`${at}/gstin`, gp);
    else if (panOfGstin(ag.gstin) !== ag.pan) add(`${at}/gstin`, `GSTIN ${ag.gstin} does not contain ${ag.code}'s PAN ${ag.pan}`);
  });

  const officeCodes = new Set<string>();
  const filePrefixes = new Map<string, string>();
  data.offices.forEach((o, i) => {
    const at = `offices/${i}`;
    if (officeCodes.has(o.code)) add(`${at}/code`, `Office ${o.code} appears twice`);
    officeCodes.add(o.code);
    const prefixOwner = filePrefixes.get(o.fileNumberPrefix);
    if (prefixOwner !== undefined) add(`${at}/fileNumberPrefix`, `${o.code} and ${prefixOwner} share file prefix ${o.fileNumberPrefix}`);
    filePrefixes.set(o.fileNumberPrefix, o.code);
    const agency = data.issuingAgencies.find((a) => a.code === o.agencyCode);
    if (agency === undefined) add(`${at}/agencyCode`, `Office ${o.code} belongs to unknown agency ${o.agencyCode}`);
    else if (!o.code.startsWith(`${agency.code}-`)) add(`${at}/code`, `Office code ${o.code} should start with ${agency.code}-`);
    checkState(add, at, o.state, o.gstStateCode);
    if (o.address.state !== o.state) add(`${at}/address/state`, `Office ${o.code}: address state ${o.address.state} differs from ${o.state}`);
    const gp = gstinProblem(o.gstin);
    if (gp !== undefined) add(`${at}/gstin`, gp);
    else {
      if (o.gstin.slice(0, 2) !== o.gstStateCode) add(`${at}/gstin`, `GSTIN ${o.gstin} of ${o.code} is not registered in state ${o.gstStateCode}`);
      if (agency !== undefined && panOfGstin(o.gstin) !== agency.pan) add(`${at}/gstin`, `GSTIN ${o.gstin} of ${o.code} does not contain ${agency.code}'s PAN`);
    }
  });

  data.feeSchedules.forEach((f, i) => {
    const at = `feeSchedules/${i}`;
    const agency = data.issuingAgencies.find((a) => a.code === f.agencyCode);
    if (agency === undefined) add(`${at}/agencyCode`, `Fee for unknown agency ${f.agencyCode}`);
    if (f.agreementCode !== null) {
      if (!agreementCodes.has(f.agreementCode)) add(`${at}/agreementCode`, `Fee for unknown agreement ${f.agreementCode}`);
      else if (agency !== undefined && !agency.notifiedAgreements.includes(f.agreementCode)) {
        add(`${at}/agreementCode`, `Fee of ${f.agencyCode} for ${f.agreementCode}, for which it is not notified`);
      }
    }
    const same = data.feeSchedules.findIndex(
      (g) => g.agencyCode === f.agencyCode && g.agreementCode === f.agreementCode && g.kind === f.kind,
    );
    if (same !== i) add(at, `Fee of ${f.agencyCode}/${f.agreementCode ?? 'any agreement'}/${f.kind} appears twice`);
  });
  for (const ag of data.issuingAgencies) {
    for (const agreement of ag.notifiedAgreements) {
      for (const kind of ['original', 'duplicate'] as const) {
        const found = data.feeSchedules.some(
          (f) => f.agencyCode === ag.code && f.kind === kind && (f.agreementCode === agreement || f.agreementCode === null),
        );
        if (!found) add('feeSchedules', `No ${kind} fee for ${ag.code} under ${agreement}`);
      }
    }
    if (!data.deliveryCharges.some((d) => d.agencyCode === ag.code)) add('deliveryCharges', `No delivery charge for ${ag.code}`);
  }

  const userIds = new Set<string>();
  const emails = new Set<string>();
  data.users.forEach((u, i) => {
    const at = `users/${i}`;
    if (userIds.has(u.id)) add(`${at}/id`, `User id ${u.id} appears twice`);
    userIds.add(u.id);
    if (emails.has(u.email.toLowerCase())) add(`${at}/email`, `E-mail ${u.email} appears twice`);
    emails.add(u.email.toLowerCase());
    if (u.role === 'officer') {
      const office = data.offices.find((o) => o.code === u.officeCode);
      if (office === undefined) add(`${at}/officeCode`, `Officer ${u.name} needs an existing office`);
      else if (u.agencyCode !== office.agencyCode) add(`${at}/agencyCode`, `Officer ${u.name}: office ${office.code} is not of agency ${u.agencyCode ?? '(none)'}`);
    }
    if (u.role === 'agency-admin' && (u.agencyCode === undefined || !agencyCodes.has(u.agencyCode))) {
      add(`${at}/agencyCode`, `Agency administrator ${u.name} needs an existing agency`);
    }
  });
  for (const o of data.offices) {
    if (o.active && !data.users.some((u) => u.role === 'officer' && u.officeCode === o.code)) {
      add('users', `Office ${o.code} has no officer`);
    }
  }
  for (const ag of data.issuingAgencies) {
    if (!data.users.some((u) => u.role === 'agency-admin' && u.agencyCode === ag.code)) {
      add('users', `Agency ${ag.code} has no administrator`);
    }
  }
  return problems;
}

/** Rules across records of the IEC master. Exported for tests. */
export function iecMasterProblems(data: IecMaster): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  const iecs = new Set<string>();
  data.exporters.forEach((e, i) => {
    const at = `exporters/${i}`;
    if (iecs.has(e.iec)) add(`${at}/iec`, `IEC ${e.iec} appears twice`);
    iecs.add(e.iec);
    if (e.status !== 'active' && e.statusReason === undefined) add(`${at}/statusReason`, `IEC ${e.iec} is ${e.status} without a reason`);
    if (e.users.filter((u) => u.role === 'master').length !== 1) add(`${at}/users`, `IEC ${e.iec} needs exactly one master user`);
    const codes = new Set<string>();
    e.branches.forEach((b, j) => {
      const bt = `${at}/branches/${j}`;
      if (codes.has(b.branchCode)) add(`${bt}/branchCode`, `Branch ${b.branchCode} of ${e.iec} appears twice`);
      codes.add(b.branchCode);
      checkState(add, bt, b.state, b.gstStateCode);
      if (b.gstin === null) {
        if (!b.isSez) add(`${bt}/gstin`, `Branch ${b.branchCode} of ${e.iec} needs a GSTIN (only SEZ units may have none)`);
        return;
      }
      const gp = gstinProblem(b.gstin);
      if (gp !== undefined) add(`${bt}/gstin`, gp);
      else {
        if (b.gstin.slice(0, 2) !== b.gstStateCode) add(`${bt}/gstin`, `GSTIN ${b.gstin} does not start with ${b.state}'s code ${b.gstStateCode}`);
        if (panOfGstin(b.gstin) !== e.pan) add(`${bt}/gstin`, `GSTIN ${b.gstin} does not contain the PAN ${e.pan} of ${e.iec}`);
      }
    });
  });
  return problems;
}

function checkState(add: (path: string, message: string) => void, at: string, state: string, code: string): void {
  const expected = stateNameOfGstCode(code);
  if (expected === undefined) add(`${at}/gstStateCode`, `${code} is not a GST state code`);
  else if (expected !== state) add(`${at}/state`, `GST state code ${code} is ${expected}, not ${state}`);
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new AppError(ErrorCode.Internal, `Cannot read ${path}`, { cause });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new AppError(ErrorCode.ValidationFailed, `${path} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
}

function parseShape<T extends z.ZodType>(schema: T, json: unknown, source: string): z.output<T> {
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  throw invalid(
    source,
    result.error.issues.map((iss) => ({ path: iss.path.map(String).join('/'), message: iss.message })),
  );
}

function invalid(source: string, problems: FieldProblem[]): AppError {
  const first = problems
    .slice(0, 5)
    .map((p) => `${p.path}: ${p.message}`)
    .join('; ');
  return new AppError(ErrorCode.ValidationFailed, `${source} is invalid (${problems.length} problem(s)): ${first}`, { problems });
}
