/**
 * Certificates rendered and signed per second on one core, next to the bare signing primitive
 * (native RSA-2048 PKCS#1 v1.5 signature with SHA-256) measured in the same run.
 *
 *   npx tsx scripts/bench/certificate.ts [seconds per measurement, default 5] [items per certificate, default 3]
 *
 * Everything runs sequentially on the main thread (synchronous zlib and crypto), so the figures are for
 * one core. Keys come from the test PKI (generated once in the system temp folder).
 */
import { sign as nativeSign, createPrivateKey } from 'node:crypto';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueCertificatePdf, type CertificateIssuer } from '../../services/certificate/issue-certificate-pdf.js';
import { createCertificateQrContent, generateDevQrKeyPem, loadQrSigningKey } from '../../services/certificate/qr-payload.js';
import { renderCertificate, renderCertificatePdf } from '../../services/certificate/render-certificate.js';
import { demoCertificateImages, sampleOmanCertificate } from '../../services/certificate/samples.js';
import { createP12Signer } from '../../services/pdf/sign-pdf.js';
import { ensureTestPki } from '../pki/test-pki.js';

const seconds = Number(process.argv[2] ?? 5);
const items = Number(process.argv[3] ?? 3);

async function measure(label: string, fn: (i: number) => Promise<unknown> | unknown): Promise<number> {
  for (let i = 0; i < 20; i++) await fn(i); // warm-up: JIT, font parsing, caches
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  let n = 0;
  while (performance.now() < deadline) {
    await fn(n);
    n++;
  }
  const perSecond = n / ((performance.now() - start) / 1000);
  console.log(`  ${label.padEnd(58)} ${perSecond.toFixed(1).padStart(9)} /s   ${(1000 / perSecond).toFixed(2).padStart(7)} ms each`);
  return perSecond;
}

async function main(): Promise<void> {
  const pki = await ensureTestPki(join(tmpdir(), 'coo-bench-pki'));
  const id = pki.identities['eseal-EIC-MUM'];
  if (!id) throw new Error('test PKI has no eseal-EIC-MUM');
  const signer = createP12Signer({ p12: id.p12Base64, password: pki.password });
  const rsaKey = createPrivateKey(id.keyPem);
  const qrKey = await loadQrSigningKey(generateDevQrKeyPem());
  const issuer: CertificateIssuer = {
    signer,
    qrKey,
    publicBaseUrl: 'https://trade.gov.in',
    linkSecret: 'bench',
    contactInfo: 'helpdesk@coo.test',
    images: demoCertificateImages('PRIYA DESHPANDE', { agency: 'Export Inspection Council of India', office: 'Mumbai', short: 'EIC' }),
  };
  const docs = Array.from({ length: 50 }, (_, i) => sampleOmanCertificate({ items, number: `EIC/MUM/IOCEPA/2026/${String(100000 + i)}` }));
  const doc = (i: number) => docs[i % docs.length] ?? docs[0]!;
  // same size as the DER of the signed attributes that the certificate signature covers
  const attrs = Buffer.alloc(250, 7);

  console.log(`Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadavg()[0]?.toFixed(2)}, ${seconds} s per measurement, ${items} goods item(s) per certificate`);
  // Interleaved: one certificate, then a burst of bare signatures, repeated; both see the same machine
  // conditions, so their ratio holds even when other processes compete for the CPU.
  for (let i = 0; i < 20; i++) {
    await issueCertificatePdf(doc(i), issuer);
    nativeSign('sha256', attrs, rsaKey);
  }
  let certMs = 0;
  let certs = 0;
  let signMs = 0;
  let signs = 0;
  const deadline = performance.now() + 2 * seconds * 1000;
  while (performance.now() < deadline) {
    let t = performance.now();
    await issueCertificatePdf(doc(certs), issuer);
    certMs += performance.now() - t;
    certs++;
    t = performance.now();
    for (let k = 0; k < 25; k++) nativeSign('sha256', attrs, rsaKey);
    signMs += performance.now() - t;
    signs += 25;
  }
  const full = (1000 * certs) / certMs;
  const primitive = (1000 * signs) / signMs;
  console.log(`  ${'native RSA-2048 sign (SHA-256), crypto.sign'.padEnd(58)} ${primitive.toFixed(1).padStart(9)} /s   ${(1000 / primitive).toFixed(2).padStart(7)} ms each`);
  console.log(`  ${'certificate rendered + QR JWS + signed (issueCertificatePdf)'.padEnd(58)} ${full.toFixed(1).padStart(9)} /s   ${(1000 / full).toFixed(2).padStart(7)} ms each   (${certs} certificates)`);
  console.log('  breakdown:');
  await measure('  QR payload (ES256 JWS + URL)', (i) => createCertificateQrContent({ document: doc(i), key: qrKey, publicBaseUrl: issuer.publicBaseUrl, linkSecret: 'bench' }));
  await measure('  render only (drawn, not saved)', (i) => renderCertificate({ document: doc(i), images: issuer.images, qrText: 'https://trade.gov.in/verify?no=x', verifyAtUrl: 'https://trade.gov.in/verify' }));
  await measure('  render + save, unsigned (font subsetting, compression)', (i) => renderCertificatePdf({ document: doc(i), images: issuer.images, qrText: 'https://trade.gov.in/verify?no=x', verifyAtUrl: 'https://trade.gov.in/verify' }));
  await measure('  CMS signature only (CmsSigner.sign on 70 KB)', () => signer.sign(Buffer.alloc(70_000, 1)));
  console.log(`  ratio: the signing primitive is ${(primitive / full).toFixed(0)}× faster than a whole certificate (${((100 * full) / primitive).toFixed(1)}% of a certificate's time is the RSA signature)`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
