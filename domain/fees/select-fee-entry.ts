import { AppError, ErrorCode } from '../../lib/errors.js';
import type { ReferenceIndex } from '../reference/reference-index.js';
import type { CertificateKind, FeeScheduleEntry } from '../reference/types.js';

/**
 * The fee schedule entry that applies: the agency's entry for this agreement and kind if it has
 * one (seed 001's figures differ per agreement), otherwise the agency's default for the kind.
 */
export function selectFeeEntry(
  reference: ReferenceIndex,
  agencyCode: string,
  agreementCode: string,
  kind: CertificateKind,
): FeeScheduleEntry {
  const agency = reference.agency(agencyCode);
  if (agency === undefined) throw new AppError(ErrorCode.NotFound, `Issuing agency ${agencyCode} is not known`);
  const agreement = reference.agreement(agreementCode);
  if (agreement === undefined) throw new AppError(ErrorCode.NotFound, `Trade agreement ${agreementCode} is not known`);
  if (!agency.notifiedAgreements.includes(agreementCode)) {
    throw new AppError(
      ErrorCode.ValidationFailed,
      `${agency.name} is not notified to issue certificates under ${agreement.title}, so it has no fee for them`,
    );
  }
  const entries = reference.feeEntries(agencyCode).filter((f) => f.kind === kind);
  const entry = entries.find((f) => f.agreementCode === agreementCode) ?? entries.find((f) => f.agreementCode === null);
  if (entry === undefined) {
    throw new AppError(
      ErrorCode.Internal,
      `No ${kind} certificate fee is configured for ${agency.code} under ${agreement.title}; the agency administrator must add it to the fee schedule`,
    );
  }
  return entry;
}
