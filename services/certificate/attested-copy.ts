import { createHash } from 'node:crypto';
import { concatTransformationMatrix, PDFDocument, popGraphicsState, pushGraphicsState, rgb, type PDFPage, type PDFRef } from 'pdf-lib';
import {
  A4,
  ATTESTATION_BLOCK,
  attestationLines,
  describePages,
  layoutImagePage,
  planPdfAttestation,
  type AttestationFacts,
  type BlockPlacement,
} from '../../domain/certificate/attestation.js';
import { AppError, ErrorCode } from '../../lib/errors.js';
import { compressPageContents, useNativeDeflate } from '../pdf/compress.js';
import { embedCertificateFonts, hasDevanagari, type CertificateFonts } from '../pdf/fonts.js';
import { ACCENT, INK, MUTED } from '../pdf/palette.js';
import { drawImageFit, embedPreparedImage } from '../pdf/pdf-image.js';
import { signPdfDocument, type CmsSigner } from '../pdf/sign-pdf.js';
import { drawLines, lineHeight, wrapText, type TextStyle } from '../pdf/text-layout.js';
import type { CertificateImages } from './render-certificate.js';

/**
 * An attested copy of one attachment: the document (a PDF's own pages as they are, an image on an A4 page)
 * with the attestation block — office stamp, the officer's name and signature, the date, the certificate
 * number, "Attested copy" — where domain/certificate/attestation.ts puts it, sealed like the certificate
 * (detached CMS, ETSI.CAdES.detached, the office's e-seal).
 */

export interface AttestedCopyInput {
  fileName: string;
  /** the detected type of the stored attachment: pdf, jpeg or png */
  contentType: string;
  bytes: Uint8Array;
  facts: AttestationFacts;
  images: CertificateImages;
  signer: CmsSigner;
  /** the certificate's issue time: a retry seals with the same time */
  signedAt: Date;
  location: string;
  contactInfo: string;
}

export interface AttestedCopy {
  pdf: Buffer;
  sha256: string;
  pageCount: number;
  /** the block is (also) on a page added after the document's own */
  appendedPage: boolean;
}

/** A file that cannot be reproduced as an attested copy: declined by the system with this message. */
function unreadable(fileName: string, what: string): AppError {
  return new AppError(ErrorCode.ValidationFailed, `${fileName} cannot be attested as a copy: ${what}`);
}

interface Block {
  fonts: CertificateFonts;
  stamp: PDFRef;
  signature: PDFRef;
  images: CertificateImages;
  lines: string[];
}

const TEXT_X = 74;
const TEXT_W = ATTESTATION_BLOCK.width - TEXT_X - 6;

/** Draws the block in its own coordinates (0,0 at its lower left, ATTESTATION_BLOCK in size), placed and scaled. */
function drawBlock(page: PDFPage, b: Block, at: BlockPlacement): void {
  const { width: W, height: H } = ATTESTATION_BLOCK;
  page.pushOperators(pushGraphicsState(), concatTransformationMatrix(at.scale, 0, 0, at.scale, at.x, at.y));
  page.drawRectangle({ x: 0, y: 0, width: W, height: H, color: rgb(1, 1, 1), opacity: 0.9, borderColor: ACCENT, borderWidth: 0.8 });
  drawImageFit(page, b.stamp, b.images.stamp, { x: 6, y: 40, width: 62, height: 62 });
  drawImageFit(page, b.signature, b.images.signature, { x: 6, y: 6, width: 62, height: 30 });
  const title: TextStyle = { fonts: b.fonts.bold, size: 9.5, color: ACCENT };
  const body: TextStyle = { fonts: b.fonts.regular, size: 7, color: INK, leading: 1.2 };
  const [first, ...rest] = b.lines;
  let top = H - 6;
  drawLines(page, [first ?? ''], { x: TEXT_X, top, width: TEXT_W }, title);
  top -= lineHeight(title) + 2;
  for (const line of rest) {
    const wrapped = wrapText(line, body, TEXT_W, 2);
    drawLines(page, wrapped, { x: TEXT_X, top, width: TEXT_W }, body);
    top -= wrapped.length * lineHeight(body);
  }
  page.pushOperators(popGraphicsState());
}

/** The page added after a document whose pages could not all carry the block. */
function drawAppendedPage(doc: PDFDocument, b: Block, fileName: string, covered: string): void {
  const page = doc.addPage([A4.width, A4.height]);
  const heading: TextStyle = { fonts: b.fonts.bold, size: 14, color: ACCENT };
  const text: TextStyle = { fonts: b.fonts.regular, size: 10, color: MUTED };
  drawLines(page, ['Attestation'], { x: 56, top: A4.height - 56, width: A4.width - 112 }, heading);
  const para = wrapText(`This page attests ${fileName}: ${covered}, reproduced as they were submitted.`, text, A4.width - 112, 4);
  drawLines(page, para, { x: 56, top: A4.height - 84, width: A4.width - 112 }, text);
  const scale = 1.5;
  drawBlock(page, b, { x: (A4.width - ATTESTATION_BLOCK.width * scale) / 2, y: A4.height - 120 - para.length * lineHeight(text) - ATTESTATION_BLOCK.height * scale, scale });
}

export async function renderAttestedCopy(input: AttestedCopyInput): Promise<AttestedCopy> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  useNativeDeflate(doc);
  const lines = attestationLines(input.facts);
  const fonts = await embedCertificateFonts(doc, hasDevanagari(lines.join(' ')));
  const block: Block = { fonts, stamp: embedPreparedImage(doc, input.images.stamp), signature: embedPreparedImage(doc, input.images.signature), images: input.images, lines };
  let appendedPage = false;

  if (input.contentType === 'pdf') {
    let pages: PDFPage[];
    try {
      const source = await PDFDocument.load(input.bytes, { updateMetadata: false });
      if (source.getPageCount() === 0) throw new Error('no pages');
      // the pages only: the original's forms and signatures do not come along (the seal covers the copy)
      pages = await doc.copyPages(source, source.getPageIndices());
    } catch (e) {
      const encrypted = (e as Error).name === 'EncryptedPDFError' || /encrypt/i.test((e as Error).message);
      throw unreadable(input.fileName, encrypted ? 'the PDF is encrypted (password-protected).' : 'the file could not be read as a PDF (damaged, or without pages).');
    }
    for (const p of pages) doc.addPage(p);
    const plan = planPdfAttestation(
      pages.map((p) => {
        const box = p.getCropBox();
        return { x: box.x, y: box.y, width: box.width, height: box.height, rotation: p.getRotation().angle };
      }),
    );
    plan.pages.forEach((at, i) => {
      if (at) drawBlock(pages[i]!, block, at);
    });
    if (plan.coveredByAppendedPage.length > 0) {
      drawAppendedPage(doc, block, input.fileName, describePages(plan.coveredByAppendedPage, pages.length));
      appendedPage = true;
    }
  } else if (input.contentType === 'jpeg' || input.contentType === 'png') {
    let image;
    try {
      image = input.contentType === 'jpeg' ? await doc.embedJpg(input.bytes) : await doc.embedPng(input.bytes);
    } catch {
      throw unreadable(input.fileName, `the file could not be read as a ${input.contentType === 'jpeg' ? 'JPEG' : 'PNG'} image.`);
    }
    const layout = layoutImagePage({ width: image.width, height: image.height });
    const page = doc.addPage([layout.page.width, layout.page.height]);
    page.drawImage(image, layout.image);
    drawBlock(page, block, layout.block);
  } else {
    throw unreadable(input.fileName, `a ${input.contentType.toUpperCase()} file has no pages to reproduce; attach it as a PDF to have it attested.`);
  }

  compressPageContents(doc);
  const pageCount = doc.getPageCount();
  const pdf = await signPdfDocument(doc, input.signer, {
    reason: `Attested copy of ${input.fileName} under certificate of origin ${input.facts.certificateNumber}`,
    location: input.location,
    contactInfo: input.contactInfo,
    name: `${input.facts.officerName}, ${input.facts.officeName}`,
    signingTime: input.signedAt,
    widget: { page: pageCount - 1, rect: [0, 0, 0, 0] },
  });
  return { pdf, sha256: createHash('sha256').update(pdf).digest('hex'), pageCount, appendedPage };
}
