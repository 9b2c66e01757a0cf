import { createHash } from 'node:crypto';
import { AppError, ErrorCode } from '../../lib/errors.js';

/**
 * Canonical JSON of a document, the bytes a signer signs: object keys sorted by UTF-16 code units, no
 * whitespace, strings and numbers as JSON.stringify writes them (the JSON Canonicalization Scheme,
 * RFC 8785, for the values documents use), UTF-8. Objects' `toJSON` (e.g. Date) is honoured;
 * undefined object members are dropped as in JSON. Values JSON cannot carry are refused rather than
 * silently changed, since a signature over silently changed bytes would not mean what the signer saw.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return write((value as { toJSON: () => unknown }).toJSON(), path);
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw notCanonical(path, `${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((v, i) => write(v, `${path}[${i}]`)).join(',')}]`;
      const entries = Object.keys(value as object)
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${write((value as Record<string, unknown>)[k], `${path}.${k}`)}`);
      return `{${entries.join(',')}}`;
    }
    default:
      throw notCanonical(path, `a ${typeof value} cannot be signed as JSON`);
  }
}

function notCanonical(path: string, message: string): AppError {
  return new AppError(ErrorCode.ValidationFailed, `The document cannot be put in canonical form: ${message} at ${path}.`, {
    problems: [{ path, message }],
  });
}

export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface CanonicalDocument {
  /** The exact bytes to sign. */
  bytes: Buffer;
  base64: string;
  sha256: string;
}

/** What the server hands to a client that must sign `value`. */
export function canonicalDocument(value: unknown): CanonicalDocument {
  const bytes = canonicalBytes(value);
  return { bytes, base64: bytes.toString('base64'), sha256: sha256Hex(bytes) };
}
