/**
 * The statuses of an application, defined once for every layer (workflow contract, read model, API,
 * Slack, e-mail). From submission on they are the file statuses of Trade Connect (seed 004), plus
 * "Pending Signature" and "Pending Payment" before the file reaches the office (seed 001's "Pending
 * Payment" list) and "Expired" for a file that was never signed or paid in time.
 */
export const FILE_STATUSES = [
  'Pending Signature',
  'Pending Payment',
  'In-Process',
  'Deficient',
  'Approved Pending Issuance',
  'Approved',
  'Rejected',
  'Expired',
] as const;
/** A status the application workflow moves a file through. */
export type FileStatus = (typeof FILE_STATUSES)[number];

/** Every status of the read model: a draft (edited through the API, no workflow yet), then a file status. */
export const APPLICATION_STATUSES = ['Draft', ...FILE_STATUSES] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

const KNOWN: ReadonlySet<string> = new Set(APPLICATION_STATUSES);
/** Narrows a status read from storage or a request (no cast across layers). */
export function isApplicationStatus(value: string): value is ApplicationStatus {
  return KNOWN.has(value);
}
export function isFileStatus(value: string): value is FileStatus {
  return value !== 'Draft' && KNOWN.has(value);
}

/** Statuses after which the workflow has finished: the file never moves again. */
export const FINAL_STATUSES: ReadonlySet<FileStatus> = new Set<FileStatus>(['Approved', 'Rejected', 'Expired']);

/**
 * What a file is: a CoO application, or a request against an issued certificate for a duplicate or a
 * certificate in lieu (domain/certificate/life.ts). Both move through the file statuses above; a
 * request's Deficient is what the legacy screens call a discrepancy.
 */
export const FILE_KINDS = ['application', 'duplicate', 'in-lieu'] as const;
export type FileKind = (typeof FILE_KINDS)[number];
