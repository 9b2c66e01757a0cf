import { randomBytes, timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of a QR link token with the certificate's stored token. */
export function linkTokenMatches(stored: string | undefined, given: string): boolean {
  const a = Buffer.from(stored ?? randomBytes(24).toString('base64url'));
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b) && stored !== undefined;
}

