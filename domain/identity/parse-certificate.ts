import { AppError, ErrorCode } from '../../lib/errors.js';
import { readCertificate, type CertificateFacts } from '../../lib/crypto/x509.js';

export { attributeValues, certificateDer, commonName, formatName, splitPemBundle, toPem, type KeyUsage, type NameAttribute } from '../../lib/crypto/x509.js';

/** A DSC as the identity rules read it (lib/crypto/x509.ts, pkijs). */
export type ParsedCertificate = CertificateFacts;

/** Reads a DSC (PEM, base64 or DER); an unreadable one is refused in words the exporter can act on. */
export function parseCertificate(input: string | Uint8Array): ParsedCertificate {
  try {
    return readCertificate(input);
  } catch (e) {
    throw new AppError(
      ErrorCode.ValidationFailed,
      'The digital signature certificate could not be read. Export it again from the token (PEM or DER X.509) and retry.',
      { cause: e, details: { reason: e instanceof Error ? e.message : String(e) } },
    );
  }
}
