/**
 * One error type for the whole system. Every failure a user can see carries a stable code,
 * a message a person understands, and (for HTTP) a status. Internals are never shown.
 */
export const ErrorCode = {
  // generic
  ValidationFailed: 'validation_failed',
  NotFound: 'not_found',
  Unauthorized: 'unauthorized',
  Forbidden: 'forbidden',
  Conflict: 'conflict',
  RateLimited: 'rate_limited',
  DependencyUnavailable: 'dependency_unavailable',
  Internal: 'internal_error',
  AlreadyDone: 'already_done',
  /** an officer's decision on a file someone has already decided */
  AlreadyDecided: 'already_decided',
  // identity / DSC
  DscExpired: 'dsc_expired',
  DscNotYetValid: 'dsc_not_yet_valid',
  DscIecNotMatched: 'dsc_iec_not_matched',
  DscUntrusted: 'dsc_untrusted',
  DscKeyUsage: 'dsc_key_usage',
  DscClassNotAllowed: 'dsc_class_not_allowed',
  DscNameMismatch: 'dsc_name_mismatch',
  /** the DSC's certifying authority revoked it (OCSP or CRL) */
  DscRevoked: 'dsc_revoked',
  UserFrozen: 'user_frozen',
  SignatureInvalid: 'signature_invalid',
  SignerNotActingUser: 'signer_not_acting_user',
  EsignOtpInvalid: 'esign_otp_invalid',
  EsignTransactionInvalid: 'esign_transaction_invalid',
  // application
  TabOrder: 'tab_order',
  InvoiceDuplicate: 'invoice_duplicate',
  IllegalTransition: 'illegal_transition',
  AttachmentRejected: 'attachment_rejected',
  PaymentFailed: 'payment_failed',
  ChecksumInvalid: 'checksum_invalid',
  // mail
  MailMalformed: 'mail_malformed',
  MailTooLarge: 'mail_too_large',
  // drafts
  IecNotRegistered: 'iec_not_registered',
  VersionConflict: 'version_conflict',
  // accounts and signing (issue 3)
  IecInactive: 'iec_inactive',
  ContactDetailsFromIec: 'contact_details_from_iec',
  AccountNotRegistered: 'account_not_registered',
  AccountDeactivated: 'account_deactivated',
  DscNotRegistered: 'dsc_not_registered',
  SigningRequestExpired: 'signing_request_expired',
  // public verification of certificates (issue 5)
  CaptchaFailed: 'captcha_failed',
  /** a certificate cannot be drawn: its office has no stamp image or its officer no signature image (issue 12) */
  ImagesMissing: 'images_missing',
  /** a certificate cannot be signed: its office has no e-seal (issue 12) */
  EsealMissing: 'eseal_missing',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const defaultStatus: Partial<Record<ErrorCode, number>> = {
  validation_failed: 422,
  not_found: 404,
  unauthorized: 401,
  forbidden: 403,
  conflict: 409,
  images_missing: 409,
  eseal_missing: 409,
  rate_limited: 429,
  dependency_unavailable: 503,
  internal_error: 500,
  already_done: 409,
  already_decided: 409,
  attachment_rejected: 422,
  signature_invalid: 422,
  signer_not_acting_user: 403,
  user_frozen: 403,
  illegal_transition: 409,
  invoice_duplicate: 409,
  tab_order: 409,
  checksum_invalid: 400,
  payment_failed: 402,
  account_not_registered: 403,
  account_deactivated: 403,
  signing_request_expired: 410,
  captcha_failed: 422,
};

export interface FieldProblem {
  /** JSON pointer-ish path of the offending field, e.g. "products/0/hsCode" */
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  readonly problems: FieldProblem[] | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    opts: { status?: number; details?: Record<string, unknown>; problems?: FieldProblem[]; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = opts.status ?? httpStatusOf(code);
    this.details = opts.details;
    this.problems = opts.problems;
  }
}

const CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));
/** Narrows a code read from a failure or a payload (no cast across layers). */
export function isErrorCode(value: string): value is ErrorCode {
  return CODES.has(value);
}

/** The HTTP status of a code (422 for the rule-specific codes without an entry). */
export function httpStatusOf(code: ErrorCode): number {
  return defaultStatus[code] ?? 422;
}

/** Codes of failures that may succeed when tried again later: everything else is permanent. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([ErrorCode.DependencyUnavailable]);
export function isRetryable(code: ErrorCode): boolean {
  return RETRYABLE.has(code);
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
