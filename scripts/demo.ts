/**
 * `npm run demo`: drives one application through the running system (`npm start` in another terminal),
 * as an exporter and an officer would through the API — register with a DSC, fill the 7 tabs, attach the
 * commercial invoice, submit, sign, pay at the sandbox gateway, approve; then a certificate in lieu of it with
 * the importer corrected, issued and superseding the original — and prints where to look.
 */
import path from 'node:path';
import { loadConfigOrExit } from '../lib/config.js';
import { devTokenLifetimeSeconds, loadOrCreateDevKey, mintToken } from '../lib/auth/dev-keys.js';
import type { Principal } from '../lib/auth/roles.js';
import { ensureTestPki } from './pki/test-pki.js';
import { createDetachedSignature } from '../domain/identity/create-signature.js';
import { applicationWorkflowId } from '../workflows/application/contract.js';
import { certificateRequestWorkflowId } from '../workflows/certificate-request/contract.js';
import { api, type ApiTarget } from './lib/api-client.js';
import { verificationUrl } from '../services/certificate/qr-payload.js';
import { createCompleteDraft, invoicePdf } from './lib/sample-application.js';

const config = loadConfigOrExit();
const base = config.api.publicBaseUrl;
const stack: ApiTarget = { baseUrl: base };
const step = (n: number, text: string) => console.log(`\n${n}. ${text}`);
const must = (r: { status: number; body: any }, ok: number[], what: string) => {
  if (!ok.includes(r.status)) {
    console.error(`${what} failed: HTTP ${r.status}\n${JSON.stringify(r.body, null, 2)}`);
    process.exit(1);
  }
  return r.body;
};

try {
  await fetch(`${base}/readyz`);
} catch {
  console.error(`Nothing answers at ${base}: start the system first with \`npm start\`.`);
  process.exit(1);
}

const key = await loadOrCreateDevKey(config.auth.devKeyFile);
const token = (p: Principal) => mintToken(key, p, { issuer: config.auth.issuer, audience: config.auth.audience, lifetimeSeconds: devTokenLifetimeSeconds(config.auth.maxTokenLifetimeSeconds) });
const raj = await token({ sub: 'AAACR5055K-1', name: 'Raj Kumar Sharma', roles: ['exporter'], iec: 'AAACR5055K' });
const priya = await token({ sub: 'officer-eic-mum', name: 'Priya Deshpande', roles: ['officer'], officeCode: 'EIC-MUM', agencyCode: 'EIC' });
const pki = await ensureTestPki(path.join(config.dataDir, 'pki'));
const dsc = pki.identities['exporter-raj']!;
const sign = (b64: string) =>
  createDetachedSignature({ content: Buffer.from(b64, 'base64'), signer: { privateKey: dsc.keyPem, certificatePem: dsc.certPem, chainPems: [pki.subCaPem] } }).toString('base64');
const waitFor = async (id: string, status: string) => {
  for (let i = 0; i < 300; i++) {
    const s = must(await api(stack, 'GET', `/v1/applications/${id}/workflow`, { token: raj }), [200], 'state');
    if (s.status === status) return s;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`did not reach ${status}`);
};

step(1, 'Raj Kumar Sharma registers RAJ KUMAR EXPORTS (IEC AAACR5055K) and his DSC (the test PKI plays the USB token)');
must(await api(stack, 'POST', '/v1/exporters', { token: raj, body: { iec: 'AAACR5055K' } }), [200, 201], 'registration');
const ch = must(await api(stack, 'POST', '/v1/me/dsc/challenge', { token: raj }), [201], 'challenge');
must(await api(stack, 'POST', '/v1/me/dsc', { token: raj, body: { challengeId: ch.challengeId, certificate: dsc.certPem, signature: sign(ch.contentBase64) } }), [200, 201], 'DSC registration');

step(2, 'He fills the 7 tabs of an India–Oman CEPA application to EIC Mumbai, the cost sheet of the item claimed "VA 42.5%", and attaches the commercial invoice');
const draft = await createCompleteDraft(stack, raj);
console.log(`   draft ${draft.number}`);

step(3, 'He submits it and signs the summary with his DSC');
const sub = must(await api(stack, 'POST', `/v1/applications/${draft.id}/submit`, { token: raj }), [202], 'submit');
must(await api(stack, 'POST', `/v1/applications/${draft.id}/signature`, { token: raj, body: { signatureB64: sign(sub.signing.contentB64) } }), [200], 'signature');
const pending = await waitFor(draft.id, 'Pending Payment');
console.log(`   fee ₹${(pending.fee.totalPaise / 100).toFixed(2)}: ${pending.fee.lines.map((l: any) => `${l.description} ₹${(l.amountPaise / 100).toFixed(2)}`).join(', ')}`);

step(4, 'He pays at the (sandbox) payment gateway; its callback reaches the workflow');
const pay = must(await api(stack, 'POST', `/v1/applications/${draft.id}/payment`, { token: raj, body: { method: 'gateway' } }), [200], 'payment');
console.log(`   checkout page: ${pay.checkoutUrl}`);
must(await api(stack, 'POST', `/sandbox/gateway/checkout/${pay.orderId}/pay`, { body: { outcome: 'success' }, headers: { accept: 'application/json' } }), [200], 'sandbox payment');
const filed = await waitFor(draft.id, 'In-Process');
console.log(`   file number ${filed.fileNumber}, tax invoice ${filed.taxInvoiceNumber}`);

step(5, 'Officer Priya Deshpande (EIC Mumbai) approves; the certificate is issued');
must(await api(stack, 'POST', `/v1/applications/${draft.id}/decisions/approve`, { token: priya }), [200], 'approval');
const done = await waitFor(draft.id, 'Approved');
console.log(`   certificate ${done.certificateNumber}`);

step(6, 'The importer\'s name was misspelt: he requests a certificate in lieu, corrects the importer and attaches the buyer\'s letter');
const lieu = must(
  await api(stack, 'POST', '/v1/certificate-requests', { token: raj, body: { certificateNumber: done.certificateNumber, kind: 'in-lieu', reason: 'The importer\'s name was misspelt on the certificate.' } }),
  [201],
  'in-lieu request',
);
const requestTabs = must(await api(stack, 'GET', `/v1/applications/${lieu.id}`, { token: raj }), [200], 'the request').tabs;
const details = { ...requestTabs.certificateDetails, importer: { ...requestTabs.certificateDetails.importer, name: `${requestTabs.certificateDetails.importer.name} (corrected)` } };
must(await api(stack, 'PUT', `/v1/applications/${lieu.id}/tabs/certificateDetails`, { token: raj, body: details }), [200], 'correction');
const letter = await fetch(`${base}/v1/certificate-requests/${lieu.id}/supporting-documents?fileName=buyer-letter.pdf`, {
  method: 'POST',
  headers: { authorization: `Bearer ${raj}`, 'content-type': 'application/pdf' },
  body: Buffer.from(await invoicePdf('BUYER/LETTER/2026/1')),
});
if (letter.status !== 201) throw new Error(`supporting document: HTTP ${letter.status} ${await letter.text()}`);
const changes = must(await api(stack, 'GET', `/v1/certificate-requests/${lieu.id}`, { token: raj }), [200], 'the request').changes;
for (const c of changes) console.log(`   ${c.path}: "${c.before}" → "${c.after}"`);
const lieuSub = must(await api(stack, 'POST', `/v1/applications/${lieu.id}/submit`, { token: raj }), [202], 'submit the request');
must(await api(stack, 'POST', `/v1/applications/${lieu.id}/signature`, { token: raj, body: { signatureB64: sign(lieuSub.signing.contentB64) } }), [200], 'sign the request');
const lieuFee = await waitFor(lieu.id, 'Pending Payment');
console.log(`   request ${lieu.number}, fee ₹${(lieuFee.fee.totalPaise / 100).toFixed(2)}; preview: ${base}/v1/certificate-requests/${lieu.id}/preview.pdf`);
const lieuPay = must(await api(stack, 'POST', `/v1/applications/${lieu.id}/payment`, { token: raj, body: { method: 'gateway' } }), [200], 'request payment');
must(await api(stack, 'POST', `/sandbox/gateway/checkout/${lieuPay.orderId}/pay`, { body: { outcome: 'success' }, headers: { accept: 'application/json' } }), [200], 'sandbox payment');
await waitFor(lieu.id, 'In-Process');

step(7, 'Priya sees the corrected field against the original and approves: the new certificate supersedes the original');
must(await api(stack, 'POST', `/v1/applications/${lieu.id}/decisions/approve`, { token: priya }), [200], 'approval of the request');
const issued = await waitFor(lieu.id, 'Approved');
const live = must(await api(stack, 'GET', `/v1/applications/${draft.id}/certificate`, { token: raj }), [200], 'the original');
console.log(`   certificate ${issued.certificateNumber} issued in lieu of ${done.certificateNumber}, which is now ${live.status}`);

console.log(`
Look at it:
  Temporal Web UI   ${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows/${encodeURIComponent(applicationWorkflowId(draft.number))}
  the request       ${config.temporal.uiUrl}/namespaces/${config.temporal.namespace}/workflows/${encodeURIComponent(certificateRequestWorkflowId(lieu.number))}
  every request of the certificate: Temporal UI query  CooOriginalCertificateNumber = "${done.certificateNumber}"
  verification      ${verificationUrl(base, done.certificateNumber)}   (enter the captcha: it says superseded)
  workflow state    curl -H "Authorization: Bearer $(npm run -s token -- AAACR5055K-1)" ${base}/v1/applications/${draft.id}/workflow
  e-mails           IMAP 127.0.0.1:1143, user catchall@coo.test / catchall (when the development mail server runs)`);
