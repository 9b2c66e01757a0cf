import { randomUUID } from 'node:crypto';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { ESIGN_ATTR } from '../../domain/identity/cms.js';
import { der } from '../../domain/identity/der.js';
import { createDetachedSignature, type SignerMaterial } from '../../domain/identity/create-signature.js';
import type { ESignCompleteRequest, ESignCompleteResult, ESignProvider, ESignStartRequest, ESignStartResult } from './esign.js';

export interface SandboxResident {
  /** The name as recorded with Aadhaar. */
  name: string;
  mobileLast4?: string;
}

export interface ESignSandboxConfig {
  /** The ESP's signing key and certificate (the test PKI's `esign-sandbox` identity). */
  signer: SignerMaterial;
  /** Aadhaar number or VID → resident. */
  residents: Record<string, SandboxResident>;
  /** Base URL of the (pretend) ESP consent page; the transaction id is appended. */
  baseUrl?: string;
  /** The one OTP the sandbox accepts. */
  otp?: string;
  ttlMs?: number;
  maxOtpAttempts?: number;
  now?: () => Date;
  newTransactionId?: () => string;
}

export const SANDBOX_OTP = '123456';

// Verhoeff check digit, which every Aadhaar number carries in its last digit.
const D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];
const INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

export function verhoeffValid(digits: string): boolean {
  let c = 0;
  [...digits].reverse().forEach((ch, i) => (c = D[c]![P[i % 8]![Number(ch)]!]!));
  return c === 0;
}

export function withVerhoeffDigit(body: string): string {
  let c = 0;
  [...body].reverse().forEach((ch, i) => (c = D[c]![P[(i + 1) % 8]![Number(ch)]!]!));
  return `${body}${INV[c]}`;
}

/** A valid-looking Aadhaar number: 12 digits, not starting with 0 or 1, Verhoeff check digit. VIDs: 16 digits. */
export function isAadhaarId(id: string): boolean {
  return (/^[2-9]\d{11}$/.test(id) || /^\d{16}$/.test(id)) && verhoeffValid(id);
}

/** Sandbox residents matching the test PKI's people (the exporter names, and one name variant). */
export const SANDBOX_RESIDENTS: Record<string, SandboxResident> = {
  [withVerhoeffDigit('99990000101')]: { name: 'RAJ KUMAR SHARMA', mobileLast4: '4321' },
  [withVerhoeffDigit('99990000102')]: { name: 'MEERA IYER', mobileLast4: '1102' },
  [withVerhoeffDigit('99990000103')]: { name: 'ANITA MENON', mobileLast4: '1103' },
  [withVerhoeffDigit('99990000104')]: { name: 'SENTHIL MURUGAN', mobileLast4: '1104' },
  [withVerhoeffDigit('99990000105')]: { name: 'RAJ KUMAAR SHARMA', mobileLast4: '1105' },
  // Vizag Marine Foods' master user (IEC AAGCV6021N), who signs by eSign only, and a variant of his name
  [withVerhoeffDigit('99990000106')]: { name: 'SRINIVAS VARMA', mobileLast4: '4041' },
  [withVerhoeffDigit('99990000107')]: { name: 'SRINIVASA VARMA', mobileLast4: '4041' },
};

interface Txn {
  id: string;
  documentSha256: string;
  aadhaarId: string;
  resident: SandboxResident;
  expiresAt: Date;
  attempts: number;
  done: boolean;
}

/**
 * An in-process eSign service provider for development and tests. It accepts one deterministic OTP
 * (123456 unless configured), signs the document hash with the `esign-sandbox` certificate, and puts the
 * signer's Aadhaar name, masked Aadhaar and transaction id in signed attributes — the design choice that
 * lets one ESP certificate carry many signers (a real ESP may instead issue a per-signer certificate;
 * an adapter for one would map its output onto the same result).
 */
export function createESignSandbox(config: ESignSandboxConfig): ESignProvider {
  const txns = new Map<string, Txn>();
  const now = config.now ?? (() => new Date());
  const otp = config.otp ?? SANDBOX_OTP;
  const ttl = config.ttlMs ?? 10 * 60 * 1000;
  const maxAttempts = config.maxOtpAttempts ?? 3;
  const baseUrl = (config.baseUrl ?? 'http://localhost/esign-sandbox').replace(/\/$/, '');
  const newId = config.newTransactionId ?? (() => `ESIGN-${randomUUID()}`);

  return {
    name: 'sandbox',
    async startSigning(request: ESignStartRequest): Promise<ESignStartResult> {
      if (!/^[0-9a-f]{64}$/i.test(request.documentSha256)) {
        throw new AppError(ErrorCode.ValidationFailed, 'The document hash must be SHA-256 as 64 hexadecimal characters.', {
          problems: [{ path: 'documentSha256', message: 'expected 64 hexadecimal characters' }],
        });
      }
      const id = request.aadhaarId.replace(/[\s-]/g, '');
      if (!isAadhaarId(id)) {
        throw new AppError(ErrorCode.ValidationFailed, 'This is not a valid Aadhaar number (12 digits) or Virtual ID (16 digits).', {
          problems: [{ path: 'aadhaarId', message: 'not a valid Aadhaar number or VID' }],
        });
      }
      const resident = config.residents[id];
      if (!resident) {
        throw new AppError(ErrorCode.ValidationFailed, 'No Aadhaar record was found for this number in the eSign sandbox.', {
          problems: [{ path: 'aadhaarId', message: 'unknown to the sandbox' }],
        });
      }
      const txn: Txn = {
        id: newId(),
        documentSha256: request.documentSha256.toLowerCase(),
        aadhaarId: id,
        resident,
        expiresAt: new Date(now().getTime() + ttl),
        attempts: 0,
        done: false,
      };
      txns.set(txn.id, txn);
      return {
        transactionId: txn.id,
        redirectUrl: `${baseUrl}/${encodeURIComponent(txn.id)}`,
        expiresAt: txn.expiresAt.toISOString(),
        ...(resident.mobileLast4 ? { otpSentTo: `XXXXXX${resident.mobileLast4}` } : {}),
      };
    },

    async completeSigning(request: ESignCompleteRequest): Promise<ESignCompleteResult> {
      const txn = txns.get(request.transactionId);
      if (!txn) throw new AppError(ErrorCode.EsignTransactionInvalid, 'This eSign request is unknown. Start signing again.', { status: 404 });
      if (txn.done) throw new AppError(ErrorCode.EsignTransactionInvalid, 'This eSign request has already been used. Start signing again.', { status: 409 });
      if (now() > txn.expiresAt) {
        txns.delete(txn.id);
        throw new AppError(ErrorCode.EsignTransactionInvalid, 'This eSign request has expired. Start signing again.', { status: 410 });
      }
      if (request.otp.trim() !== otp) {
        txn.attempts++;
        const left = maxAttempts - txn.attempts;
        if (left <= 0) {
          txns.delete(txn.id);
          throw new AppError(ErrorCode.EsignOtpInvalid, 'Wrong OTP entered too many times. Start signing again.', { status: 422 });
        }
        throw new AppError(ErrorCode.EsignOtpInvalid, `Wrong OTP. ${left} attempt${left === 1 ? '' : 's'} left.`, {
          status: 422,
          details: { attemptsLeft: left },
        });
      }
      txn.done = true;
      const signedAt = now();
      const aadhaarLast4 = txn.aadhaarId.slice(-4);
      const signature = createDetachedSignature({
        contentSha256: txn.documentSha256,
        signer: config.signer,
        signingTime: signedAt,
        extraSignedAttributes: [
          { oid: ESIGN_ATTR.signerName, values: [der.utf8(txn.resident.name)] },
          { oid: ESIGN_ATTR.transactionId, values: [der.utf8(txn.id)] },
          { oid: ESIGN_ATTR.aadhaarLast4, values: [der.utf8(aadhaarLast4)] },
        ],
      });
      return {
        transactionId: txn.id,
        signatureBase64: signature.toString('base64'),
        signerName: txn.resident.name,
        aadhaarLast4,
        signedAt: signedAt.toISOString(),
      };
    },
  };
}
