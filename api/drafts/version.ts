import { AppError, ErrorCode } from '../../lib/errors.js';

/** The ETag of an application: its row version, as a strong entity tag. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * The version a client expects to change, from an If-Match header ("3", W/"3", 3; "*" means any)
 * or a `version` query parameter. undefined: the client did not ask for a check.
 */
export function expectedVersion(ifMatch: string | undefined, queryVersion: number | undefined): number | undefined {
  if (ifMatch !== undefined && ifMatch.trim() !== '') {
    const tags = ifMatch.split(',').map((t) => t.trim());
    if (tags.includes('*')) return queryVersion;
    const first = tags[0] ?? '';
    const m = /^(?:W\/)?"?([0-9]{1,9})"?$/.exec(first);
    if (m === null || tags.length > 1) {
      throw new AppError(
        ErrorCode.ValidationFailed,
        `If-Match must carry the application's ETag as returned by the API, e.g. "3" (got ${ifMatch}).`,
        { problems: [{ path: 'headers/if-match', message: 'expected one entity tag such as "3"' }] },
      );
    }
    const v = Number(m[1]);
    if (queryVersion !== undefined && queryVersion !== v) {
      throw new AppError(ErrorCode.ValidationFailed, `If-Match (${v}) and version (${queryVersion}) disagree: send one of them.`);
    }
    return v;
  }
  return queryVersion;
}

/** Refuses a write based on an older version than the stored one (someone saved in between). */
export function assertVersion(number: string, current: number, expected: number | undefined): void {
  if (expected === undefined || expected === current) return;
  throw new AppError(
    ErrorCode.VersionConflict,
    `Application ${number} was changed since you read it (your version ${expected}, now ${current}). Reload it, re-apply your change and save again.`,
    { status: 409, details: { currentVersion: current, yourVersion: expected } },
  );
}
