import { createPrivateKey, sign as nativeSign } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCertificatePdf } from '../../../services/certificate/issue-certificate-pdf.js';
import { renderCertificate } from '../../../services/certificate/render-certificate.js';
import { sampleAseanCertificate, sampleOmanCertificate } from '../../../services/certificate/samples.js';
import { createExternalSigner, createP12Signer, createPemSigner, signPdfDocument } from '../../../services/pdf/sign-pdf.js';
import { AppError, ErrorCode } from '../../../lib/errors.js';
import { PDFDocument, StandardFonts, degrees } from 'pdf-lib';
import sharp from 'sharp';
import { renderAttestedCopy, type AttestedCopyInput } from '../../../services/certificate/attested-copy.js';
import { createCertificateTestEnv, pdfsig, runTool, type CertificateTestEnv } from './helpers.js';

let env: CertificateTestEnv;

beforeAll(async () => {
  env = await createCertificateTestEnv('coo-cert-sign');
}, 120_000);
afterAll(async () => env?.cleanup());

/** the bytes covered by /ByteRange and the DER signature in /Contents */
function signatureParts(pdf: Buffer): { content: Buffer; cms: Buffer } {
  const m = /\/ByteRange \[(\d+) (\d+) (\d+) (\d+)/.exec(pdf.toString('latin1'));
  if (!m) throw new Error('no ByteRange');
  const [a, b, c, d] = m.slice(1).map(Number) as [number, number, number, number];
  const hex = pdf.subarray(a + b + 1, c - 1).toString('latin1');
  // DER length of the outer SEQUENCE tells where the zero padding starts
  const der = Buffer.from(hex, 'hex');
  const len = (der[1] ?? 0) & 0x80 ? der.readUIntBE(2, (der[1] ?? 0) & 0x7f) + 2 + ((der[1] ?? 0) & 0x7f) : (der[1] ?? 0) + 2;
  return { content: Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]), cms: der.subarray(0, len) };
}

describe('signed certificate PDF, checked by poppler pdfsig', () => {
  let file: string;
  let pdf: Buffer;

  beforeAll(async () => {
    const issued = await issueCertificatePdf(sampleOmanCertificate({ devanagari: true }), env.issuer);
    pdf = issued.pdf;
    file = join(env.dir, 'oman.pdf');
    await writeFile(file, pdf);
  });

  it('is a valid ETSI.CAdES.detached SHA-256 signature over the whole document', async () => {
    const out = await pdfsig(file);
    expect(out).toContain('Signature Validation: Signature is Valid.');
    expect(out).toContain('Signature Type: ETSI.CAdES.detached');
    expect(out).toContain('Signing Hash Algorithm: SHA-256');
    expect(out).toContain('Total document signed');
    expect(out).toContain('Signer Certificate Common Name: EIC-MUM e-Seal');
    expect(out).toMatch(/Signing Time: /);
  });

  it('reports the certificate trusted once the test root CA is in the NSS database, and untrusted otherwise', async () => {
    expect(await pdfsig(file, env.nssDir)).toContain('Certificate Validation: Certificate is Trusted.');
    const untrusted = await pdfsig(file, env.emptyNssDir);
    expect(untrusted).toContain('Signature is Valid.');
    expect(untrusted).not.toContain('Certificate is Trusted.');
  });

  it('changing one byte anywhere in the signed ranges invalidates it', async () => {
    const text = pdf.toString('latin1');
    // the signature dictionary's /Reason text: one letter changed, the file stays well-formed
    const at = text.indexOf('/Reason (Certificate of origin EIC/MUM') + '/Reason ('.length;
    expect(at).toBeGreaterThan(100);
    const tampered = Buffer.from(pdf);
    tampered[at] = 'c'.charCodeAt(0);
    const tamperedFile = join(env.dir, 'tampered.pdf');
    await writeFile(tamperedFile, tampered);
    const out = await pdfsig(tamperedFile, env.nssDir);
    expect(out).not.toContain('Signature is Valid.');
    expect(out).toMatch(/Digest Mismatch|Signature is Invalid/);

    // a byte inside a compressed page stream, near the end of the file
    const tampered2 = Buffer.from(pdf);
    const streamAt = text.lastIndexOf('stream\n') + 20;
    tampered2[streamAt] = (tampered2[streamAt] ?? 0) ^ 0x01;
    await writeFile(tamperedFile, tampered2);
    expect(await pdfsig(tamperedFile, env.nssDir)).not.toContain('Signature is Valid.');
  });

  it('carries the signing-certificate-v2 attribute and verifies as CMS with OpenSSL', async () => {
    const { content, cms } = signatureParts(pdf);
    await writeFile(join(env.dir, 'content.bin'), content);
    await writeFile(join(env.dir, 'sig.der'), cms);
    await writeFile(join(env.dir, 'root.pem'), env.pki.rootCaPem);
    const printed = await runTool('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', join(env.dir, 'sig.der')]);
    expect(printed.stdout).toContain('id-smime-aa-signingCertificateV2');
    expect(printed.stdout).toContain('messageDigest');
    expect(printed.stdout).toContain('contentType');
    // PAdES baseline: no CMS signing-time by default, the time is in /M
    expect(printed.stdout).not.toContain('signingTime');
    const verified = await runTool('openssl', [
      'cms', '-verify', '-binary', '-inform', 'DER', '-in', join(env.dir, 'sig.der'),
      '-content', join(env.dir, 'content.bin'), '-CAfile', join(env.dir, 'root.pem'), '-purpose', 'any', '-out', '/dev/null',
    ]);
    expect(verified.stderr).toContain('Verification successful');
  });
});

describe('the signer', () => {
  it('is parsed once and signs many documents', async () => {
    const files: string[] = [];
    for (const [i, doc] of [sampleOmanCertificate({ number: 'EIC/MUM/IOCEPA/2026/000901' }), sampleAseanCertificate({ number: 'EIC/KOC/AIFTA/2026/000902' })].entries()) {
      const issued = await issueCertificatePdf(doc, env.issuer);
      const f = join(env.dir, `many-${i}.pdf`);
      await writeFile(f, issued.pdf);
      files.push(f);
    }
    for (const f of files) expect(await pdfsig(f, env.nssDir)).toContain('Signature is Valid.');
  });

  it('can add the CMS signing-time attribute for verifiers that want it', async () => {
    const id = env.pki.identities['eseal-EIC-MUM'];
    if (!id) throw new Error('missing identity');
    const signer = createP12Signer({ p12: await readFile(id.p12Path), password: env.pki.password, signingTimeAttribute: true, checkValidity: false });
    const cms = await signer.sign(Buffer.from('content'), new Date('2026-06-02T10:00:00Z'));
    await writeFile(join(env.dir, 'st.der'), cms);
    const printed = await runTool('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', join(env.dir, 'st.der')]);
    expect(printed.stdout).toContain('signingTime');
    expect(printed.stdout).toContain('Jun  2 10:00:00 2026 GMT');
  });

  it("signs with an officer's own DSC through the same interface", async () => {
    const officer = env.pki.identities['officer-eic-mum'];
    if (!officer) throw new Error('missing identity');
    const signer = createPemSigner({ keyPem: officer.keyPem, certPem: officer.certPem, chainPems: [env.pki.subCaPem, env.pki.rootCaPem] });
    const rendered = await renderCertificate({
      document: sampleOmanCertificate(),
      images: env.issuer.images,
      qrText: 'https://trade.example.gov.in/verify?no=EIC/MUM/IOCEPA/2026/000142',
      verifyAtUrl: 'https://trade.example.gov.in/verify',
    });
    const pdf = await signPdfDocument(rendered.pdf, signer, { reason: 'Certificate of origin issued', location: 'MUMBAI, INDIA', contactInfo: 'coo-dgft@gov.in', name: 'PRIYA DESHPANDE' });
    const f = join(env.dir, 'officer.pdf');
    await writeFile(f, pdf);
    const out = await pdfsig(f, env.nssDir);
    expect(out).toContain('Signer Certificate Common Name: PRIYA DESHPANDE');
    expect(out).toContain('Signature is Valid.');
    expect(out).toContain('Certificate is Trusted.');
  });

  it('signs through a callback when the key lives elsewhere (a DSC token, an HSM)', async () => {
    const officer = env.pki.identities['officer-eic-koc'];
    if (!officer) throw new Error('missing identity');
    const remoteKey = createPrivateKey(officer.keyPem);
    const seen: Buffer[] = [];
    const signer = createExternalSigner({
      certPem: officer.certPem,
      chainPems: [env.pki.subCaPem],
      key: {
        type: 'rsa',
        sign: async (data) => {
          seen.push(data);
          return nativeSign('sha256', data, remoteKey);
        },
      },
    });
    const rendered = await renderCertificate({ document: sampleAseanCertificate(), images: env.issuer.images, qrText: 'x', verifyAtUrl: 'x' });
    const f = join(env.dir, 'external.pdf');
    await writeFile(f, await signPdfDocument(rendered.pdf, signer, { reason: 'r', location: 'KOCHI', contactInfo: 'c', name: 'THOMAS VARGHESE' }));
    expect(seen).toHaveLength(1);
    expect(seen[0]?.[0]).toBe(0x31); // the DER SET of signed attributes
    const out = await pdfsig(f, env.nssDir);
    expect(out).toContain('Signer Certificate Common Name: THOMAS VARGHESE');
    expect(out).toContain('Signature is Valid.');
    expect(out).toContain('Certificate is Trusted.');
  });

  it('signs with an EC P-256 key as well (ecdsa-with-SHA256)', async () => {
    const key = join(env.dir, 'ec.key');
    const cert = join(env.dir, 'ec.crt');
    const made = await runTool('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-days', '30', '-subj', '/C=IN/O=Test/CN=EC Test Seal']);
    expect(made.code).toBe(0);
    const signer = createPemSigner({ keyPem: await readFile(key, 'utf8'), certPem: await readFile(cert, 'utf8') });
    const rendered = await renderCertificate({ document: sampleOmanCertificate(), images: env.issuer.images, qrText: 'x', verifyAtUrl: 'x' });
    const f = join(env.dir, 'ec.pdf');
    await writeFile(f, await signPdfDocument(rendered.pdf, signer, { reason: 'r', location: 'l', contactInfo: 'c', name: 'n' }));
    const out = await pdfsig(f);
    expect(out).toContain('Signer Certificate Common Name: EC Test Seal');
    expect(out).toContain('Signature is Valid.');
  });

  it('refuses an expired certificate with "Expired Certificate"', async () => {
    const expired = env.pki.identities['exporter-expired'];
    if (!expired) throw new Error('missing identity');
    const signer = createP12Signer({ p12: expired.p12Base64, password: env.pki.password });
    const err = await signer.sign(Buffer.from('x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe(ErrorCode.DscExpired);
    expect((err as AppError).message).toMatch(/^Expired Certificate: the signing certificate of RAJ KUMAR SHARMA expired on \d{4}-\d{2}-\d{2}\.$/);
  });

  it('explains a wrong PKCS#12 password', () => {
    const id = env.pki.identities['eseal-EIC-KOC'];
    if (!id) throw new Error('missing identity');
    expect(() => createP12Signer({ p12: id.p12Base64, password: 'wrong' })).toThrow('The PKCS#12 signing key could not be opened: wrong password.');
    expect(() => createP12Signer({ p12: 'bm90IGEgcDEy', password: 'x' })).toThrow('The signing key is not a readable PKCS#12 (.p12/.pfx) file.');
  });
});

// Attested copies checked with poppler: the seal (pdfsig), the block's words (pdftotext), the pages kept.
describe('attested copy of an attachment', () => {
  const facts = { certificateNumber: 'EIC/2026/031/0000042A', officerName: 'Priya Deshpande', officerDesignation: 'Deputy Director', officeName: 'EIC - Mumbai (Regional Office)', date: '2026-12-08' };
  const input = (over: Partial<AttestedCopyInput>): AttestedCopyInput => ({
    fileName: 'doc.pdf',
    contentType: 'pdf',
    bytes: new Uint8Array(),
    facts,
    images: env.issuer.images,
    signer: env.eseal,
    signedAt: new Date('2026-12-08T05:30:00Z'),
    location: 'MUMBAI, INDIA',
    contactInfo: 'helpdesk@coo.example',
    ...over,
  });
  async function save(name: string, pdf: Buffer): Promise<string> {
    const file = join(env.dir, name);
    await writeFile(file, pdf);
    return file;
  }

  it('keeps a PDF\'s pages, stamps each with the block, and is sealed (pdfsig: valid)', async () => {
    const src = await PDFDocument.create();
    const font = await src.embedFont(StandardFonts.Helvetica);
    for (const n of [1, 2]) src.addPage([595, 842]).drawText(`Invoice page ${n}`, { x: 50, y: 780, size: 14, font });
    const copy = await renderAttestedCopy(input({ fileName: 'invoice.pdf', bytes: await src.save() }));
    expect(copy).toMatchObject({ pageCount: 2, appendedPage: false });
    const file = await save('invoice-attested.pdf', copy.pdf);
    const sig = await pdfsig(file, env.nssDir);
    expect(sig).toContain('Signature Validation: Signature is Valid.');
    expect(sig).toContain('Signer Certificate Common Name: EIC-MUM e-Seal');
    expect(sig).toContain('Total document signed');
    for (const p of [1, 2]) {
      const text = (await runTool('pdftotext', ['-f', String(p), '-l', String(p), file, '-'])).stdout;
      expect(text).toContain(`Invoice page ${p}`);
      expect(text).toContain('Attested copy');
      expect(text).toContain('Certificate No. EIC/2026/031/0000042A');
      expect(text).toContain('Attested by Priya Deshpande, Deputy Director');
      expect(text).toContain('Date: 08/12/2026 (IST)');
    }
  });

  it('appends an attestation page for a rotated or tiny page, naming the pages it covers', async () => {
    const src = await PDFDocument.create();
    src.addPage([595, 842]);
    src.addPage([595, 842]).setRotation(degrees(90));
    src.addPage([200, 200]);
    const copy = await renderAttestedCopy(input({ fileName: 'mixed.pdf', bytes: await src.save() }));
    expect(copy).toMatchObject({ pageCount: 4, appendedPage: true });
    const file = await save('mixed-attested.pdf', copy.pdf);
    expect(await pdfsig(file, env.nssDir)).toContain('Signature is Valid.');
    const last = (await runTool('pdftotext', ['-f', '4', '-l', '4', file, '-'])).stdout.replace(/\s+/g, ' ');
    expect(last).toContain('This page attests mixed.pdf: pages 2–3');
    expect(last).toContain('Attested copy');
    const second = (await runTool('pdftotext', ['-f', '2', '-l', '2', file, '-'])).stdout;
    expect(second).not.toContain('Attested copy');
  });

  it('places a JPEG on an A4 page with the block below it', async () => {
    const jpg = await sharp({ create: { width: 800, height: 1100, channels: 3, background: { r: 240, g: 240, b: 230 } } }).jpeg().toBuffer();
    const copy = await renderAttestedCopy(input({ fileName: 'packing-list.jpg', contentType: 'jpeg', bytes: jpg }));
    expect(copy).toMatchObject({ pageCount: 1, appendedPage: false });
    const file = await save('jpg-attested.pdf', copy.pdf);
    expect(await pdfsig(file, env.nssDir)).toContain('Signature is Valid.');
    const doc = await PDFDocument.load(copy.pdf);
    expect(doc.getPage(0).getSize().width).toBeCloseTo(595.28);
    expect((await runTool('pdftotext', [file, '-'])).stdout).toContain('Attested copy');
  });

  it('refuses, as a validation failure, what cannot be reproduced: a broken PDF, a spreadsheet', async () => {
    for (const bad of [
      { fileName: 'broken.pdf', contentType: 'pdf', bytes: Buffer.from('%PDF-1.7\n%%EOF') },
      { fileName: 'prices.xlsx', contentType: 'xlsx', bytes: Buffer.from('PK') },
    ]) {
      const e = await renderAttestedCopy(input(bad)).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe(ErrorCode.ValidationFailed);
      expect((e as AppError).message).toContain(`${bad.fileName} cannot be attested as a copy`);
    }
  });
});
