import type { FieldProblem } from '../../lib/errors.js';
import type { ReferenceIndex } from '../reference/reference-index.js';
import { formatIndianDate } from './financial-year.js';
import type { CertificateDetails } from './schemas.js';

const P = 'certificateDetails';

/**
 * Tab 2: the agreement exists, is open for applications and was in force on the invoice date
 * (India-Oman CEPA from 1 June 2026, seed 000), fits the certificate type, the agency is notified
 * for it, and the office belongs to that agency.
 */
export function checkAgreementAgencyOffice(details: CertificateDetails, reference: ReferenceIndex): FieldProblem[] {
  const { agreementCode, agencyCode, officeCode, certificateType } = details;
  const agreement = reference.agreement(agreementCode);
  if (agreement === undefined) {
    const open = reference.data.tradeAgreements.filter((a) => a.active).map((a) => a.code);
    return [{ path: `${P}/agreementCode`, message: `Trade agreement ${agreementCode} is not known; choose one of ${open.join(', ')}` }];
  }
  const problems: FieldProblem[] = [];
  if (!agreement.active) {
    problems.push({
      path: `${P}/agreementCode`,
      message: `${agreement.fullTitle} no longer takes new applications${agreement.notes === undefined ? '' : ` (${agreement.notes})`}`,
    });
  }
  if (details.invoice.date < agreement.effectiveFrom) {
    problems.push({
      path: `${P}/invoice/date`,
      message: `${agreement.title} applies from ${formatIndianDate(agreement.effectiveFrom)}; goods invoiced on ${formatIndianDate(details.invoice.date)} cannot be certified under it`,
    });
  }
  if (agreement.preferential && certificateType !== 'preferential') {
    problems.push({
      path: `${P}/certificateType`,
      message: `${agreement.title} gives preferential certificates: choose the type "preferential" or a non-preferential scheme`,
    });
  }
  if (!agreement.preferential && certificateType !== 'non_preferential') {
    problems.push({
      path: `${P}/certificateType`,
      message: `${agreement.title} gives non-preferential certificates: choose the type "non_preferential" or a trade agreement`,
    });
  }

  const notified = reference.agenciesForAgreement(agreementCode).map((a) => a.code);
  const agency = reference.agency(agencyCode);
  if (agency === undefined) {
    problems.push({ path: `${P}/agencyCode`, message: `Issuing agency ${agencyCode} is not known; for ${agreement.title} choose one of ${notified.join(', ')}` });
    return problems;
  }
  if (!notified.includes(agency.code)) {
    problems.push({
      path: `${P}/agencyCode`,
      message: `${agency.name} is not notified to issue certificates under ${agreement.title}; choose one of ${notified.join(', ')}`,
    });
  }

  const offices = reference.officesOfAgency(agency.code).map((o) => o.code);
  const office = reference.office(officeCode);
  if (office === undefined) {
    problems.push({ path: `${P}/officeCode`, message: `Office ${officeCode} is not known; ${agency.code}'s offices are ${offices.join(', ')}` });
  } else if (office.agencyCode !== agency.code) {
    problems.push({
      path: `${P}/officeCode`,
      message: `Office ${office.code} belongs to ${office.agencyCode}, not ${agency.code}; choose one of ${offices.join(', ')}`,
    });
  } else if (!office.active) {
    problems.push({ path: `${P}/officeCode`, message: `Office ${office.code} does not take applications at present; choose one of ${offices.join(', ')}` });
  }
  return problems;
}
