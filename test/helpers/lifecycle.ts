/**
 * Drives an application through its workflow over the HTTP API, as an exporter and an officer would:
 * registration with a DSC from the test PKI, submission, signature, payment at the sandbox gateway.
 */
import path from 'node:path';
import { expect } from 'vitest';
import { ensureTestPki, type TestPki } from '../../scripts/pki/test-pki.js';
import { createDetachedSignature } from '../../domain/identity/create-signature.js';
import type { ApiTarget } from '../../scripts/lib/api-client.js';
import { api, type Stack } from './stack.js';
import { waitFor } from './wait-for.js';

/**
 * `revocation: false` issues certificates that name no OCSP responder or CRL: needed where pdfsig checks a PDF
 * signed by a DSC, since NSS reports a certificate whose revocation services it cannot reach as "Unknown issue".
 */
export async function testPki(stack: Stack, opts: { revocation?: boolean } = {}): Promise<TestPki> {
  // the identity module reads <DATA_DIR>/pki/trusted-cas.pem by default
  return ensureTestPki(path.join(stack.dir, 'pki'), opts.revocation === false ? { revocation: false } : {});
}

export function sign(pki: TestPki, identity: string, contentB64: string): string {
  const id = pki.identities[identity]!;
  return createDetachedSignature({
    content: Buffer.from(contentB64, 'base64'),
    signer: { privateKey: id.keyPem, certificatePem: id.certPem, chainPems: [pki.subCaPem] },
  }).toString('base64');
}

/** Registers the exporter (master user) and the user's DSC; both idempotent. */
export async function registerWithDsc(stack: ApiTarget, pki: TestPki, token: string, iec: string, identity: string, master = true): Promise<void> {
  if (master) {
    const reg = await api(stack, 'POST', '/v1/exporters', { token, body: { iec } });
    expect([200, 201], JSON.stringify(reg.body)).toContain(reg.status);
  }
  const ch = await api(stack, 'POST', '/v1/me/dsc/challenge', { token });
  expect(ch.status, JSON.stringify(ch.body)).toBe(201);
  const dsc = await api(stack, 'POST', '/v1/me/dsc', {
    token,
    body: { challengeId: ch.body.challengeId, certificate: pki.identities[identity]!.certPem, signature: sign(pki, identity, ch.body.contentBase64) },
  });
  expect([200, 201], JSON.stringify(dsc.body)).toContain(dsc.status);
}

export async function workflowState(stack: Stack, token: string, id: string): Promise<any> {
  const r = await api(stack, 'GET', `/v1/applications/${id}/workflow`, { token });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

export async function waitForStatus(stack: Stack, token: string, id: string, status: string, timeoutMs = 60_000): Promise<any> {
  return waitFor(() => workflowState(stack, token, id), { what: `application ${id} to reach ${status}`, timeoutMs, intervalMs: 100, until: (s) => s.status === status, show: (s) => s.status });
}

export async function submitAndSign(stack: Stack, pki: TestPki, token: string, id: string, identity: string): Promise<void> {
  const sub = await api(stack, 'POST', `/v1/applications/${id}/submit`, { token });
  expect(sub.status, JSON.stringify(sub.body)).toBe(202);
  expect(sub.body.signing.purpose).toBe('submission');
  const signed = await api(stack, 'POST', `/v1/applications/${id}/signature`, { token, body: { signatureB64: sign(pki, identity, sub.body.signing.contentB64) } });
  expect(signed.status, JSON.stringify(signed.body)).toBe(200);
}

/** Opens a gateway order and has the sandbox "bank" act on it. */
export async function payAtGateway(stack: Stack, token: string, id: string, outcome: 'success' | 'failure' | 'success-twice' | 'success-no-callback' | 'success-delayed'): Promise<string> {
  await waitForStatus(stack, token, id, 'Pending Payment');
  const p = await api(stack, 'POST', `/v1/applications/${id}/payment`, { token, body: { method: 'gateway' } });
  expect(p.status, JSON.stringify(p.body)).toBe(200);
  expect(p.body.checkoutUrl).toContain('/sandbox/gateway/checkout/');
  const paid = await api(stack, 'POST', `/sandbox/gateway/checkout/${encodeURIComponent(p.body.orderId)}/pay`, { body: { outcome }, headers: { accept: 'application/json' } });
  expect(paid.status).toBe(200);
  return p.body.orderId as string;
}

/** The one OTP the eSign sandbox accepts. */
export const ESIGN_SANDBOX_OTP = '123456';

/**
 * Signs what the file waits for by Aadhaar eSign, as an exporter would: starts eSign at the provider
 * (`POST …/esign`, an OTP goes to the Aadhaar-linked mobile), then sends the OTP to the signature operation.
 */
export async function signWithESign(stack: Stack, token: string, id: string, aadhaarId: string): Promise<{ started: any; signed: any }> {
  const started = await api(stack, 'POST', `/v1/applications/${id}/esign`, { token, body: { aadhaarId } });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const signed = await api(stack, 'POST', `/v1/applications/${id}/signature`, { token, body: { method: 'esign', otp: ESIGN_SANDBOX_OTP, transactionId: started.body.transactionId } });
  expect(signed.status, JSON.stringify(signed.body)).toBe(200);
  expect(signed.body.method).toBe('esign');
  return { started: started.body, signed: signed.body };
}

/** Submits a complete draft and signs it by Aadhaar eSign. */
export async function submitAndESign(stack: Stack, token: string, id: string, aadhaarId: string): Promise<void> {
  const sub = await api(stack, 'POST', `/v1/applications/${id}/submit`, { token });
  expect(sub.status, JSON.stringify(sub.body)).toBe(202);
  const { started } = await signWithESign(stack, token, id, aadhaarId);
  expect(started.signing.sha256).toBe(sub.body.signing.sha256);
}
