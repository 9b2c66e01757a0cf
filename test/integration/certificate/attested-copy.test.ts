import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PDFDocument, StandardFonts, degrees } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAttestedCopy, type AttestedCopyInput } from '../../../services/certificate/attested-copy.js';
import { AppError, ErrorCode } from '../../../lib/errors.js';
import { createCertificateTestEnv, pdfsig, runTool, type CertificateTestEnv } from './helpers.js';

// Attested copies checked with poppler: the seal (pdfsig), the block's words (pdftotext), the pages kept.
describe('attested copy of an attachment', () => {
  let env: CertificateTestEnv;
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

  beforeAll(async () => {
    env = await createCertificateTestEnv('coo-attest');
  });
  afterAll(async () => env?.cleanup());

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
