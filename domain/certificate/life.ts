import { AppError, ErrorCode } from '../../lib/errors.js';

/**
 * A certificate's life, defined once for every layer (read model, verification page and JSON, API,
 * request workflow):
 *
 *   issued ──(an in-lieu certificate is issued)──► superseded
 *   issued ──(an officer of the issuing office or the agency administrator cancels it, signed)──► cancelled
 *
 * A duplicate leaves its original issued: both stay valid and point at each other. Certificates issued
 * on the legacy platform are imported as records so they verify here; what follows for them (an in-lieu
 * or a duplicate) is filed on the legacy platform (seed 002 §4.i).
 */
export const CERTIFICATE_STATUSES = ['issued', 'superseded', 'cancelled'] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

export const CERTIFICATE_KINDS = ['original', 'duplicate', 'in-lieu'] as const;
export type CertificateKind = (typeof CERTIFICATE_KINDS)[number];

export type CertificateSource = 'platform' | 'legacy';

/** The kinds of request an exporter files against an issued certificate. */
export const REQUEST_KINDS = ['duplicate', 'in-lieu'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** The legacy platform, named where a request against one of its certificates is refused. */
export const LEGACY_PLATFORM = 'the legacy eCoO 1.0 platform (https://coo.dgft.gov.in)';


export function requestKindLabel(kind: RequestKind): string {
  return kind === 'duplicate' ? 'duplicate certificate' : 'certificate in lieu';
}

/** What a request needs to know of the certificate it is made against. */
export interface RequestTarget {
  number: string;
  iec: string;
  status: string;
  source: CertificateSource;
  /** the in-lieu certificate that superseded it */
  supersededBy?: string | null | undefined;
  statusChangedAt?: Date | null | undefined;
  statusReason?: string | null | undefined;
}

/**
 * The rules of a request against a certificate, in the order an exporter can act on them: only the
 * certificate's own IEC; nothing for a legacy record (the legacy platform handles it); nothing for a
 * certificate no longer in force. Throws an AppError saying which rule and what to do.
 */
export function checkRequestTarget(target: RequestTarget, requesterIec: string, kind: RequestKind): void {
  if (target.iec !== requesterIec) {
    // the same answer as an unknown number: a certificate of another IEC is not the requester's to know of
    throw new AppError(ErrorCode.NotFound, `Certificate ${target.number} was not found among the certificates issued to IEC ${requesterIec}.`);
  }
  if (target.source === 'legacy') {
    throw new AppError(
      ErrorCode.Conflict,
      `Certificate ${target.number} was issued on the legacy platform: a ${requestKindLabel(kind)} of it must be requested on ${LEGACY_PLATFORM}, which keeps handling what follows from its certificates (DGFT trade notice, seed 002 §4.i).`,
      { problems: [{ path: 'certificateNumber', message: 'issued on the legacy platform' }] },
    );
  }
  if (target.status === 'superseded') {
    throw new AppError(
      ErrorCode.Conflict,
      `Certificate ${target.number} is superseded${target.supersededBy ? ` by ${target.supersededBy}` : ''}${target.statusChangedAt ? ` since ${target.statusChangedAt.toISOString().slice(0, 10)}` : ''}: request a ${requestKindLabel(kind)} of the certificate in force instead.`,
      { problems: [{ path: 'certificateNumber', message: 'superseded' }] },
    );
  }
  if (target.status === 'cancelled') {
    throw new AppError(
      ErrorCode.Conflict,
      `Certificate ${target.number} is cancelled${target.statusReason ? ` (${target.statusReason})` : ''}: no ${requestKindLabel(kind)} can be issued for it.`,
      { problems: [{ path: 'certificateNumber', message: 'cancelled' }] },
    );
  }
  if (target.status !== 'issued') {
    throw new AppError(ErrorCode.Conflict, `Certificate ${target.number} is ${target.status}: only a certificate in force can be requested again.`);
  }
}
