import type { FieldProblem } from '../../lib/errors.js';
import type { IecRecord } from '../reference/types.js';
import type { BasicDetails } from './schemas.js';

/** Tab 1: the IEC may file, the branch is one of the IEC's branches in the IEC master, disclaimer accepted. */
export function checkBasicDetails(basic: BasicDetails, iec: IecRecord): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (iec.status !== 'active') {
    problems.push({
      path: 'basicDetails',
      message: `IEC ${iec.iec} is ${iec.status} in the DGFT IEC master${iec.statusReason === undefined ? '' : ` (${iec.statusReason})`}; no application can be filed until it is active again`,
    });
  }
  problems.push(...checkIecBranch(iec, basic.iecBranchCode));
  if (!basic.disclaimerAccepted) {
    problems.push({ path: 'basicDetails/disclaimerAccepted', message: 'Accept the disclaimer to continue' });
  }
  return problems;
}

export function checkIecBranch(iec: IecRecord, branchCode: string): FieldProblem[] {
  if (iec.branches.some((b) => b.branchCode === branchCode)) return [];
  const known = iec.branches.map((b) => `${b.branchCode} (${b.address.city}, ${b.state})`).join(', ');
  return [
    {
      path: 'basicDetails/iecBranchCode',
      message: `Branch ${branchCode} is not a branch of IEC ${iec.iec} in the IEC master; its branches are ${known}. A missing branch is added by modifying the IEC at DGFT`,
    },
  ];
}
