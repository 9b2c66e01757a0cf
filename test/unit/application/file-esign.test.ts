import { describe, expect, it } from 'vitest';
import { checkEsignCompletion, describePayload, nothingToSign, type FileEsignTransaction } from '../../../domain/application/file-esign.js';
import { assertSignatureMethod, signatureMethodLabel, signatureMethodShort } from '../../../domain/identity/signature-method.js';
import { buildApplicationMessage } from '../../../channels/slack/blocks/application-message.js';
import { AppError } from '../../../lib/errors.js';
import { card, hoursBefore, SHARMA_REF, textOf } from '../slack/fixtures.js';

const NOW = new Date('2026-12-08T10:00:00Z');
const txn = (over: Partial<FileEsignTransaction> = {}): FileEsignTransaction => ({
  transactionId: 'ESIGN-1',
  applicationId: 'app-1',
  userId: 'AAGCV6021N-1',
  purpose: 'submission',
  round: 0,
  payloadSha256: 'a'.repeat(64),
  status: 'started',
  expiresAt: new Date(NOW.getTime() + 60_000),
  ...over,
});
const awaited = { purpose: 'submission', round: 0, sha256: 'a'.repeat(64) };
const check = (over: Partial<Parameters<typeof checkEsignCompletion>[0]> = {}) =>
  checkEsignCompletion({ txn: txn(), applicationId: 'app-1', userId: 'AAGCV6021N-1', awaited, status: 'Pending Signature', now: NOW, startPath: '/v1/applications/app-1/esign', ...over });
const refusal = (fn: () => unknown): AppError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('not refused');
};

describe('completing an Aadhaar eSign of a file', () => {
  it('accepts the caller’s own transaction for the payload the file waits for', () => {
    expect(check().transactionId).toBe('ESIGN-1');
  });

  it('refuses without an eSign of the caller for this file, saying where to start', () => {
    for (const t of [null, txn({ userId: 'AAGCV6021N-2' }), txn({ applicationId: 'app-2' })]) {
      const e = refusal(() => check({ txn: t }));
      expect(e.code).toBe('esign_transaction_invalid');
      expect(e.status).toBe(409);
      expect(e.message).toBe('No Aadhaar eSign of yours is under way for this file. Start it first: POST /v1/applications/app-1/esign {"aadhaarId": "…"}.');
    }
  });

  it('refuses an eSign started for other bytes than those awaited now (a response prepared again), naming both', () => {
    const e = refusal(() => check({ txn: txn({ purpose: 'clarification', round: 1 }), awaited: { purpose: 'clarification', round: 1, sha256: 'b'.repeat(64) } }));
    expect(e.code).toBe('esign_transaction_invalid');
    expect(e.message).toContain('This eSign was started for other content (the clarification answering deficiency 1, SHA-256 aaaaaaaaaaaa…)');
    expect(e.message).toContain('start eSign again (POST /v1/applications/app-1/esign)');
  });

  it('refuses an expired request, but lets a signed one be sent again after it expired (a retry)', () => {
    const late = new Date(NOW.getTime() + 120_000);
    const e = refusal(() => check({ now: late }));
    expect(e.status).toBe(410);
    expect(e.message).toMatch(/^This eSign request expired at 2026-12-08T10:01:00.000Z/);
    expect(check({ now: late, txn: txn({ status: 'signed' }) }).status).toBe('signed');
  });

  it('says what to do when nothing waits for a signature', () => {
    expect(refusal(() => check({ awaited: undefined, status: 'Deficient' })).message).toBe(
      'Nothing is waiting for a signature: prepare the deficiency response first (POST /v1/applications/app-1/deficiency-response), then sign what it returns.',
    );
    expect(nothingToSign('Pending Signature').message).toBe('Nothing is waiting for a signature: its signature has been received and is being processed.');
    expect(nothingToSign('Approved')).toMatchObject({ code: 'illegal_transition', status: 409, message: 'Nothing is waiting for a signature: the file is Approved.' });
  });

  it('names each step as the exporter knows it', () => {
    expect(describePayload({ purpose: 'submission', round: 0 })).toBe('the submission');
    expect(describePayload({ purpose: 'deficiency-edit', round: 2 })).toBe('the edited application answering deficiency 2');
  });
});

describe('the signature method', () => {
  it('must be the one the signature proves', () => {
    expect(() => assertSignatureMethod('dsc', 'dsc')).not.toThrow();
    expect(() => assertSignatureMethod('esign', 'esign')).not.toThrow();
    const asDsc = refusal(() => assertSignatureMethod('dsc', 'esign'));
    expect(asDsc).toMatchObject({ code: 'validation_failed', status: 422 });
    expect(asDsc.message).toBe('This signature was made by an Aadhaar eSign service provider, not with a DSC: send it with "method": "esign".');
    expect(asDsc.problems).toEqual([{ path: 'method', message: 'the signature is an Aadhaar eSign signature' }]);
    expect(refusal(() => assertSignatureMethod('esign', 'dsc')).message).toBe('This signature was made with a digital signature certificate (DSC), not by Aadhaar eSign: send it with "method": "dsc".');
  });

  it('reads for people', () => {
    expect(['dsc', 'esign', 'smime'].map(signatureMethodLabel)).toEqual(['digital signature certificate (DSC)', 'Aadhaar eSign', 'DSC-signed e-mail']);
    expect(['dsc', 'esign', 'smime'].map(signatureMethodShort)).toEqual(['DSC', 'Aadhaar eSign', 'DSC (signed e-mail)']);
  });

  it('shows on the officer’s card: the submission’s, and each response’s', () => {
    const text = textOf(
      buildApplicationMessage(
        card({
          signature: { method: 'esign', signerName: 'SRINIVAS VARMA' },
          deficiencies: [
            { round: 1, raisedAt: hoursBefore(4), raisedBy: SHARMA_REF, remarks: 'Catch area?', documentsRequested: [], response: { at: hoursBefore(2), kind: 'clarification', text: 'FAO 57', signatureMethod: 'esign' } },
          ],
        }),
      ).blocks,
    );
    expect(text).toContain('*Signed with*\nAadhaar eSign\nSRINIVAS VARMA');
    expect(text).toMatch(/↳ Exporter answered with a clarification .* \(signed with Aadhaar eSign\): FAO 57/);
    expect(textOf(buildApplicationMessage(card({ signature: { method: 'dsc' } })).blocks)).toContain('*Signed with*\nDSC');
    expect(textOf(buildApplicationMessage(card()).blocks)).not.toContain('Signed with');
  });
});
