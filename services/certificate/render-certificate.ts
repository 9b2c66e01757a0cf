import { degrees, PDFDocument, rgb, type PDFFont, type PDFPage, type PDFRef, type RGB } from 'pdf-lib';
import { goodsCellText, resolveAgreementForm, retrospectiveRemark, type AgreementForm, type GoodsColumn } from '../../domain/certificate/agreement-forms.js';
import { formatCertificateDate, formatMoney } from '../../domain/certificate/format.js';
import { summarizeCertificate } from '../../domain/certificate/summarize-certificate.js';
import type { CertificateDocument, CertificateParty } from '../../domain/certificate/types.js';
import { assertCertificateDocument } from '../../domain/certificate/validate-certificate-document.js';
import { embedCertificateFonts, hasDevanagari, type CertificateFonts } from '../pdf/fonts.js';
import { drawImageFit, embedPreparedImage, type PreparedImage } from '../pdf/pdf-image.js';
import { compressPageContents, useNativeDeflate } from '../pdf/compress.js';
import { drawQr, embedQr, encodeQr, type QrErrorCorrection, type QrMatrix } from '../pdf/qr-code.js';
import { drawLine, drawLines, drawParagraph, lineHeight, measureText, wrapText, type TextStyle } from '../pdf/text-layout.js';
import { INK, FRAME, LABEL, MUTED, TINT, RULE, ACCENT, ALERT } from '../pdf/palette.js';

/**
 * Draws the "Electronic Copy" of a certificate of origin in its agreement's layout (boxes as on the
 * paper forms), with the officer's signature image, the office stamp and a vector QR code. Goods that do
 * not fit continue on continuation sheets, each carrying the certificate number, signature and stamp.
 *
 * Returns the unsaved PDFDocument: the signature placeholder must be added to it after everything is
 * drawn (sign-pdf.ts), then it is saved once.
 */

export interface CertificateImages {
  /** the issuing officer's signature, transparent background */
  signature: PreparedImage;
  /** the office's stamp, transparent background */
  stamp: PreparedImage;
}

export interface RenderCertificateInput {
  document: CertificateDocument;
  images: CertificateImages;
  /** the string encoded in the QR code (see qr-payload.ts); absent only for a preview, which carries no QR code */
  qrText?: string;
  /** printed next to the QR code for people who type, e.g. "https://trade.gov.in/verify" */
  verifyAtUrl: string;
  qrErrorCorrection?: QrErrorCorrection;
  /** document creation date in the PDF metadata; default now */
  createdAt?: Date;
  /**
   * A preview, not a certificate (seed 001 "PREVIEW CERTIFICATE"): the text runs across every page, the
   * banner and the footer say it is not valid. Never set for what is signed.
   */
  watermark?: string;
}

export interface RenderedCertificate {
  pdf: PDFDocument;
  pageCount: number;
  /** item numbers on each page */
  itemsPerPage: number[][];
  /** null for a preview: no QR code */
  qr: { version: number; modules: number; errorCorrection: QrErrorCorrection; sidePt: number } | null;
  /** the certification box on page 1, [x1, y1, x2, y2]: where the signature field goes */
  signatureRect: [number, number, number, number];
}

// ---- geometry (points; A4) ----
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const MARGIN = 24;
const CONTENT_W = PAGE_W - 2 * MARGIN;
const LEFT_W = Math.round(CONTENT_W * 0.5);
const RIGHT_W = CONTENT_W - LEFT_W;
const GRID_TOP = PAGE_H - MARGIN - 16;
const PAD = 4;
const TOP_AREA_H = 318;
const REMARKS_H = 40;
const SIGN_AREA_H = 178;
const FOOTER_H = 20;
const CONT_HEADER_H = 58;
const CONT_SIGN_H = 92;
const QR_SIDE = 112;
const ROW_PAD = 3;
const CLOSING_H = 16;
const CONTINUED_H = 13;

interface Styles {
  label: TextStyle;
  body: TextStyle;
  bodyBold: TextStyle;
  small: TextStyle;
  cell: TextStyle;
  head: TextStyle;
  title: TextStyle;
  titleSmall: TextStyle;
  number: TextStyle;
}

function makeStyles(f: CertificateFonts): Styles {
  return {
    label: { fonts: f.bold, size: 6.3, color: LABEL, leading: 1.15 },
    body: { fonts: f.regular, size: 8.2, color: INK, leading: 1.22 },
    bodyBold: { fonts: f.bold, size: 8.6, color: INK, leading: 1.2 },
    small: { fonts: f.regular, size: 6.6, color: MUTED, leading: 1.2 },
    cell: { fonts: f.regular, size: 7.6, color: INK, leading: 1.2 },
    head: { fonts: f.bold, size: 6.2, color: LABEL, leading: 1.12 },
    title: { fonts: f.bold, size: 10.5, color: ACCENT, leading: 1.2 },
    titleSmall: { fonts: f.regular, size: 7.8, color: INK, leading: 1.2 },
    number: { fonts: f.bold, size: 11.5, color: INK, leading: 1.2 },
  };
}

interface Ctx {
  doc: CertificateDocument;
  watermark?: string | undefined;
  form: AgreementForm;
  s: Styles;
  signatureRef: PDFRef;
  stampRef: PDFRef;
  images: CertificateImages;
  /** null for a preview */
  qr: { matrix: QrMatrix; ref: PDFRef } | null;
  verifyAtUrl: string;
  pageCount: number;
  signatureRect: [number, number, number, number];
}

function rect(page: PDFPage, x: number, y: number, w: number, h: number, opts: { fill?: RGB; noBorder?: boolean; width?: number } = {}): void {
  page.drawRectangle({
    x,
    y,
    width: w,
    height: h,
    ...(opts.fill ? { color: opts.fill } : {}),
    ...(opts.noBorder ? {} : { borderColor: FRAME, borderWidth: opts.width ?? 0.6 }),
  });
}

function hline(page: PDFPage, x1: number, x2: number, y: number, color: RGB = FRAME, thickness = 0.6): void {
  page.drawLine({ start: { x: x1, y }, end: { x: x2, y }, thickness, color });
}

function vline(page: PDFPage, x: number, y1: number, y2: number, color: RGB = FRAME, thickness = 0.6): void {
  page.drawLine({ start: { x, y: y1 }, end: { x, y: y2 }, thickness, color });
}

/** Box frame with its numbered heading; returns the top of the content below the heading. */
function boxWithHeading(page: PDFPage, ctx: Ctx, x: number, top: number, w: number, h: number, box: string, heading: string): number {
  rect(page, x, top - h, w, h);
  if (!heading && !box) return top - PAD;
  const text = box ? `${box}. ${heading}` : heading;
  const used = drawParagraph(page, text, { x: x + PAD, top: top - 2.5, width: w - 2 * PAD }, ctx.s.label);
  return top - 2.5 - used - 2;
}

function partyLines(p: CertificateParty): { name: string; rest: string } {
  return { name: p.name, rest: `${p.address}\n${p.country.toUpperCase()}` };
}

function drawParty(page: PDFPage, ctx: Ctx, x: number, top: number, w: number, bottom: number, name: string, rest: string, prefix?: string): number {
  const width = w - 2 * PAD;
  let y = top;
  const nameLines = wrapText(prefix ? `${prefix}${name}` : name, ctx.s.bodyBold, width, 2);
  drawLines(page, nameLines, { x: x + PAD, top: y, width }, ctx.s.bodyBold);
  y -= nameLines.length * lineHeight(ctx.s.bodyBold);
  const room = Math.max(1, Math.floor((y - bottom) / lineHeight(ctx.s.body)));
  const restLines = wrapText(rest, ctx.s.body, width, room);
  drawLines(page, restLines, { x: x + PAD, top: y, width }, ctx.s.body);
  return y - restLines.length * lineHeight(ctx.s.body);
}

function drawFieldRows(page: PDFPage, ctx: Ctx, x: number, top: number, w: number, rows: [string, string][]): number {
  const labelW = 88;
  let y = top;
  for (const [label, value] of rows) {
    drawLines(page, [label], { x: x + PAD, top: y, width: labelW }, ctx.s.small);
    const lines = wrapText(value || '—', ctx.s.body, w - labelW - 2 * PAD, 2);
    drawLines(page, lines, { x: x + PAD + labelW, top: y, width: w - labelW - 2 * PAD }, ctx.s.body);
    y -= Math.max(1, lines.length) * lineHeight(ctx.s.body) + 0.5;
  }
  return y;
}

function tickBox(page: PDFPage, x: number, yTop: number, ticked: boolean): void {
  rect(page, x, yTop - 7, 7, 7, { width: 0.6 });
  if (ticked) {
    page.drawLine({ start: { x: x + 1.3, y: yTop - 3.8 }, end: { x: x + 3, y: yTop - 5.9 }, thickness: 1.1, color: INK });
    page.drawLine({ start: { x: x + 3, y: yTop - 5.9 }, end: { x: x + 6, y: yTop - 1 }, thickness: 1.1, color: INK });
  }
}

// ---- goods table ----

interface Column extends GoodsColumn {
  x: number;
  w: number;
}

function layoutColumns(form: AgreementForm): Column[] {
  const total = form.goodsColumns.reduce((s, c) => s + c.width, 0);
  let x = MARGIN;
  return form.goodsColumns.map((c, i) => {
    const w = i === form.goodsColumns.length - 1 ? MARGIN + CONTENT_W - x : Math.round((c.width / total) * CONTENT_W);
    const col = { ...c, x, w };
    x += w;
    return col;
  });
}

interface PreparedRow {
  itemNumber: number;
  cells: string[][];
  height: number;
}

function prepareRows(ctx: Ctx, columns: Column[], maxRowHeight: number): PreparedRow[] {
  const lh = lineHeight(ctx.s.cell);
  const maxLines = Math.max(1, Math.floor((maxRowHeight - 2 * ROW_PAD) / lh));
  return ctx.doc.goods.map((item) => {
    const cells = columns.map((c) => wrapText(goodsCellText(item, c.key, ctx.doc), ctx.s.cell, c.w - 2 * PAD, maxLines));
    const lines = Math.max(...cells.map((c) => c.length));
    return { itemNumber: item.itemNumber, cells, height: lines * lh + 2 * ROW_PAD };
  });
}

function headerHeight(ctx: Ctx, columns: Column[]): number {
  const lines = Math.max(...columns.map((c) => wrapText(`${c.box}. ${c.heading}`, ctx.s.head, c.w - 2 * PAD).length));
  return lines * lineHeight(ctx.s.head) + 5;
}

/** Draws the table header and rows between `top` and `bottom`; column rules run down to `bottom`. */
function drawGoods(page: PDFPage, ctx: Ctx, columns: Column[], top: number, bottom: number, rows: PreparedRow[], trailer: { closing?: string; continued?: string }): void {
  const hh = headerHeight(ctx, columns);
  rect(page, MARGIN, top - hh, CONTENT_W, hh, { fill: TINT, noBorder: true });
  for (const c of columns) {
    drawParagraph(page, `${c.box}. ${c.heading}`, { x: c.x + PAD, top: top - 2.5, width: c.w - 2 * PAD }, ctx.s.head, { align: c.align === 'right' ? 'left' : c.align });
  }
  hline(page, MARGIN, MARGIN + CONTENT_W, top - hh);
  let y = top - hh;
  rows.forEach((row, i) => {
    row.cells.forEach((lines, ci) => {
      const c = columns[ci];
      if (!c) return;
      drawLines(page, lines, { x: c.x + PAD, top: y - ROW_PAD, width: c.w - 2 * PAD }, ctx.s.cell, c.align);
    });
    y -= row.height;
    if (i < rows.length - 1) hline(page, MARGIN, MARGIN + CONTENT_W, y, RULE, 0.4);
  });
  // column rules stop at the closing line (nothing may be added below it) or above the "continued" note
  const rulesBottom = trailer.closing ? y - CLOSING_H : trailer.continued ? bottom + CONTINUED_H : bottom;
  for (const c of columns.slice(1)) vline(page, c.x, top, rulesBottom);
  if (trailer.continued) hline(page, MARGIN, MARGIN + CONTENT_W, bottom + CONTINUED_H, RULE, 0.4);
  if (trailer.closing) {
    hline(page, MARGIN, MARGIN + CONTENT_W, y, FRAME, 0.6);
    rect(page, MARGIN, y - CLOSING_H, CONTENT_W, CLOSING_H, { fill: rgb(1, 1, 1), noBorder: true });
    drawLines(page, [trailer.closing], { x: MARGIN, top: y - 3, width: CONTENT_W }, { ...ctx.s.bodyBold, size: 7.6 }, 'center');
    y -= CLOSING_H;
    hline(page, MARGIN, MARGIN + CONTENT_W, y, FRAME, 0.6);
  }
  if (trailer.continued) {
    drawLines(page, [trailer.continued], { x: MARGIN, top: bottom + CONTINUED_H - 1, width: CONTENT_W - PAD }, { ...ctx.s.small, color: ALERT }, 'right');
  }
}

// ---- shared page furniture ----

function drawBanner(page: PDFPage, ctx: Ctx, pageIndex: number, continuation: boolean): void {
  const y = GRID_TOP + 5;
  const kind = ctx.watermark ? `PREVIEW — ${ctx.watermark}` : 'ELECTRONIC COPY';
  const label = continuation ? `${kind} · CONTINUATION SHEET` : kind;
  drawLine(page, label, MARGIN, y, { ...ctx.s.bodyBold, size: 8, color: ALERT });
  const right = `Certificate No. ${ctx.doc.certificateNumber}   ·   Page ${pageIndex + 1} of ${ctx.pageCount}`;
  drawLine(page, right, MARGIN + CONTENT_W - measureText(right, ctx.s.small), y, ctx.s.small);
}

function drawFooter(page: PDFPage, ctx: Ctx): void {
  const text = ctx.watermark
    ? `Preview of the certificate to be issued: ${ctx.watermark}. It carries no signature, no stamp, no QR code and no digital signature, and it cannot be verified.`
    : `Electronic copy digitally signed on behalf of ${ctx.doc.certification.agencyName}, ${ctx.doc.certification.officeName}. ` +
      `Verify it at ${ctx.verifyAtUrl} with the certificate number, or scan the QR code. Any alteration invalidates the digital signature.`;
  drawParagraph(page, text, { x: MARGIN, top: MARGIN + FOOTER_H - 4, width: CONTENT_W }, { ...ctx.s.small, size: 6 }, { align: 'center', maxLines: 2 });
}

/** Signature over stamp, as on a hand-signed paper: the stamp to the right, overlapping the signature. */
function drawSignatureAndStamp(page: PDFPage, ctx: Ctx, x: number, y: number, w: number, h: number): void {
  const stampSide = Math.min(h, w * 0.42);
  drawImageFit(page, ctx.stampRef, ctx.images.stamp, { x: x + w - stampSide, y, width: stampSide, height: stampSide });
  const sigW = Math.min(w * 0.62, 150);
  drawImageFit(page, ctx.signatureRef, ctx.images.signature, { x: x + w - stampSide - sigW * 0.72, y: y + h * 0.12, width: sigW, height: h * 0.62 });
}

/** The QR code and how to verify. */
function drawVerificationBox(page: PDFPage, ctx: Ctx, qr: { matrix: QrMatrix; ref: PDFRef }, xR: number, y: number, qrH: number): void {
  const { s } = ctx;
  const qrX = xR + PAD + 3;
  const qrY = y - qrH + (qrH - QR_SIDE) / 2;
  drawQr(page, qr.ref, qr.matrix, qrX, qrY, QR_SIDE);
  const tx = qrX + QR_SIDE + 8;
  const tw = xR + RIGHT_W - PAD - tx;
  let vy = y - 10;
  vy -= drawParagraph(page, 'Verification', { x: tx, top: vy, width: tw }, { ...s.bodyBold, color: ACCENT });
  vy -= 3;
  vy -= drawParagraph(page, 'Scan the QR code with any phone camera to open this certificate’s live record.', { x: tx, top: vy, width: tw }, s.small);
  vy -= 3;
  vy -= drawParagraph(page, 'Or visit', { x: tx, top: vy, width: tw }, s.small);
  vy -= drawParagraph(page, ctx.verifyAtUrl, { x: tx, top: vy, width: tw }, { ...s.small, fonts: s.bodyBold.fonts, color: ACCENT });
  vy -= drawParagraph(page, 'and enter the certificate number.', { x: tx, top: vy, width: tw }, s.small);
  vy -= 3;
  drawParagraph(page, 'The QR code also carries a signed summary that customs can check offline.', { x: tx, top: vy, width: tw }, s.small, { maxLines: 3 });
}

/** A preview's box where the QR code goes: none, and why. */
function drawNoVerificationBox(page: PDFPage, ctx: Ctx, xR: number, y: number): void {
  const { s } = ctx;
  const x = xR + PAD + 3;
  const w = RIGHT_W - 2 * PAD - 6;
  let vy = y - 10;
  vy -= drawParagraph(page, 'Verification', { x, top: vy, width: w }, { ...s.bodyBold, color: ACCENT });
  vy -= 3;
  drawParagraph(page, 'No QR code: a preview cannot be verified. The certificate as issued carries the QR code of its live record and its digital signature.', { x, top: vy, width: w }, s.small, { maxLines: 4 });
}

// ---- page 1 ----

function drawFirstPage(page: PDFPage, ctx: Ctx, columns: Column[], rows: PreparedRow[], isLastGoodsPage: boolean, closing: string, remainingItems: number): void {
  const { doc, form, s } = ctx;
  drawBanner(page, ctx, 0, false);
  const top = GRID_TOP;
  const xL = MARGIN;
  const xR = MARGIN + LEFT_W;

  // left column: exporter, (producer), importer/consignee, transport
  const hasProducerBox = !!form.boxes.producer;
  const exporterH = 88;
  const producerH = hasProducerBox ? 42 : 0;
  const importerH = hasProducerBox ? 98 : 122;
  const transportH = TOP_AREA_H - exporterH - producerH - importerH;

  let y = top;
  let c = boxWithHeading(page, ctx, xL, y, LEFT_W, exporterH, form.boxes.exporter.box, form.boxes.exporter.heading);
  const after = drawParty(page, ctx, xL, c, LEFT_W, y - exporterH + 14, doc.exporter.name, `${doc.exporter.address}\nINDIA`);
  drawLines(page, [`IEC: ${doc.exporter.iec}`], { x: xL + PAD, top: Math.min(after, y - exporterH + 13), width: LEFT_W - 2 * PAD }, s.small);
  y -= exporterH;

  if (form.boxes.producer) {
    c = boxWithHeading(page, ctx, xL, y, LEFT_W, producerH, form.boxes.producer.box, form.boxes.producer.heading);
    const producer = doc.producer ? `${doc.producer.name}, ${doc.producer.address}` : 'Not stated';
    drawParagraph(page, producer, { x: xL + PAD, top: c, width: LEFT_W - 2 * PAD }, s.body, { maxLines: 2 });
    y -= producerH;
  }

  c = boxWithHeading(page, ctx, xL, y, LEFT_W, importerH, form.boxes.importer.box, form.boxes.importer.heading);
  const importer = partyLines(doc.importer);
  if (doc.consignee) {
    const half = (c - (y - importerH)) / 2;
    drawParty(page, ctx, xL, c, LEFT_W, c - half + 2, importer.name, importer.rest, 'Importer: ');
    const consignee = partyLines(doc.consignee);
    drawParty(page, ctx, xL, c - half, LEFT_W, y - importerH + 2, consignee.name, consignee.rest, 'Consignee: ');
  } else {
    drawParty(page, ctx, xL, c, LEFT_W, y - importerH + 2, importer.name, importer.rest);
  }
  y -= importerH;

  c = boxWithHeading(page, ctx, xL, y, LEFT_W, transportH, form.boxes.transport.box, form.boxes.transport.heading);
  const t = doc.transport;
  drawFieldRows(page, ctx, xL, c, LEFT_W, [
    ['Departure date', formatCertificateDate(t.departureDate)],
    ['Mode of transport', t.mode],
    ['Vessel / flight / vehicle', t.vesselOrFlight ?? ''],
    ['Port of loading', t.portOfLoading],
    ['Port of discharge', t.portOfDischarge],
    ['Route', t.route],
  ]);

  // right column: title block, official use, verification (QR)
  const titleH = 132;
  const officialH = 64;
  const qrH = TOP_AREA_H - titleH - officialH;
  y = top;
  rect(page, xR, y - titleH, RIGHT_W, titleH);
  let ty = y - 4;
  drawLines(page, ['Certificate No.'], { x: xR + PAD, top: ty, width: 80 }, s.label);
  drawLines(page, [`Date of issue: ${formatCertificateDate(doc.issueDate)}`], { x: xR + PAD, top: ty, width: RIGHT_W - 2 * PAD }, s.small, 'right');
  ty -= lineHeight(s.label);
  ty -= drawParagraph(page, doc.certificateNumber, { x: xR + PAD, top: ty, width: RIGHT_W - 2 * PAD }, s.number, { maxLines: 2 });
  hline(page, xR, xR + RIGHT_W, ty - 2, RULE, 0.5);
  ty -= 7;
  for (const line of form.title) ty -= drawParagraph(page, line, { x: xR + PAD, top: ty, width: RIGHT_W - 2 * PAD }, s.title, { align: 'center' });
  if (form.subtitle) ty -= drawParagraph(page, form.subtitle, { x: xR + PAD, top: ty, width: RIGHT_W - 2 * PAD }, s.titleSmall, { align: 'center' });
  if (form.formName) ty -= drawParagraph(page, form.formName, { x: xR + PAD, top: ty - 1, width: RIGHT_W - 2 * PAD }, { ...s.title, color: INK }, { align: 'center' }) + 1;
  ty -= 3;
  const issuedIn = 'Issued in INDIA';
  ty -= drawParagraph(page, issuedIn, { x: xR + PAD, top: ty, width: RIGHT_W - 2 * PAD }, s.bodyBold, { align: 'center' });
  if (doc.replacesCertificateNumber) {
    drawParagraph(page, replacementMark(doc), { x: xR + PAD, top: ty - 1, width: RIGHT_W - 2 * PAD }, { ...s.bodyBold, size: 7.5, color: ALERT }, { align: 'center', maxLines: 2 });
  }
  y -= titleH;

  c = boxWithHeading(page, ctx, xR, y, RIGHT_W, officialH, form.boxes.officialUse.box, form.boxes.officialUse.heading);
  for (const line of form.boxes.officialUse.lines) {
    tickBox(page, xR + PAD, c - 1, false);
    c -= drawParagraph(page, line, { x: xR + PAD + 11, top: c, width: RIGHT_W - 2 * PAD - 11 }, s.small) + 2;
  }
  drawLines(page, ['Signature of authorised signatory of the importing Party'], { x: xR + PAD, top: y - officialH + 9, width: RIGHT_W - 2 * PAD }, s.small, 'right');
  y -= officialH;

  rect(page, xR, y - qrH, RIGHT_W, qrH);
  if (ctx.qr) drawVerificationBox(page, ctx, ctx.qr, xR, y, qrH);
  else drawNoVerificationBox(page, ctx, xR, y);

  // goods
  const goodsTop = top - TOP_AREA_H;

  const goodsBottom = MARGIN + FOOTER_H + SIGN_AREA_H + REMARKS_H;
  rect(page, MARGIN, goodsBottom, CONTENT_W, goodsTop - goodsBottom);
  drawGoods(page, ctx, columns, goodsTop, goodsBottom, rows, {
    ...(isLastGoodsPage ? { closing } : {}),
    ...(remainingItems > 0 ? { continued: `${remainingItems} more item(s) continued on the continuation sheet(s)` } : {}),
  });

  // remarks / tick boxes
  const remarksTop = goodsBottom;
  const remarks = remarksText(doc);
  if (form.boxes.tickBoxes) {
    rect(page, MARGIN, remarksTop - REMARKS_H, CONTENT_W, REMARKS_H);
    const tb = form.boxes.tickBoxes;
    let tx2 = MARGIN + PAD;
    drawLines(page, [`${tb.box}.`], { x: tx2, top: remarksTop - 4, width: 20 }, s.label);
    tx2 += 16;
    for (const opt of tb.options) {
      tickBox(page, tx2, remarksTop - 4.5, opt.ticked(doc));
      drawLines(page, [opt.label], { x: tx2 + 10, top: remarksTop - 3.5, width: 150 }, s.body);
      tx2 += 22 + measureText(opt.label, s.body);
    }
    if (remarks) drawParagraph(page, remarks, { x: MARGIN + PAD, top: remarksTop - 16, width: CONTENT_W - 2 * PAD }, s.small, { maxLines: 2 });
  } else if (form.boxes.remarks) {
    const rc = boxWithHeading(page, ctx, MARGIN, remarksTop, CONTENT_W, REMARKS_H, form.boxes.remarks.box, form.boxes.remarks.heading);
    drawParagraph(page, remarks || '—', { x: MARGIN + PAD, top: rc, width: CONTENT_W - 2 * PAD }, s.body, { maxLines: 2 });
  }

  // declaration (left) and certification (right)
  const signTop = remarksTop - REMARKS_H;
  const signBottom = signTop - SIGN_AREA_H;
  c = boxWithHeading(page, ctx, xL, signTop, LEFT_W, SIGN_AREA_H, form.boxes.declaration.box, form.boxes.declaration.heading);
  c -= drawParagraph(page, form.declarationText(doc), { x: xL + PAD, top: c, width: LEFT_W - 2 * PAD }, s.body) + 6;
  drawFieldRows(page, ctx, xL, c, LEFT_W, [
    ['Place and date', `${doc.declaration.place}, ${formatCertificateDate(doc.declaration.date)}`],
    ['Name', doc.declaration.name],
    ['Designation', doc.declaration.designation],
    ['Exporter', doc.exporter.name],
  ]);
  drawLines(page, ['Signed electronically by the exporter (DSC / e-sign) when filing the application'], { x: xL + PAD, top: signBottom + 20, width: LEFT_W - 2 * PAD }, { ...s.small, size: 6 });
  hline(page, xL + PAD, xL + LEFT_W - PAD, signBottom + 12, RULE, 0.5);
  drawLines(page, [form.declarationSignatureLabel], { x: xL + PAD, top: signBottom + 10, width: LEFT_W - 2 * PAD }, s.small, 'center');

  c = boxWithHeading(page, ctx, xR, signTop, RIGHT_W, SIGN_AREA_H, form.boxes.certification.box, form.boxes.certification.heading);
  ctx.signatureRect = [xR, signBottom, xR + RIGHT_W, signTop];
  c -= drawParagraph(page, form.certificationText, { x: xR + PAD, top: c, width: RIGHT_W - 2 * PAD }, s.body) + 2;
  const cert = doc.certification;
  const nameBlockH = 42;
  const imgTop = c;
  const imgBottom = signBottom + 14 + nameBlockH;
  drawSignatureAndStamp(page, ctx, xR + PAD, imgBottom, RIGHT_W - 2 * PAD, imgTop - imgBottom);
  let ny = imgBottom;
  ny -= drawParagraph(page, cert.officerName + (cert.officerDesignation ? `, ${cert.officerDesignation}` : ''), { x: xR + PAD, top: ny, width: RIGHT_W - 2 * PAD }, s.bodyBold, { maxLines: 1 });
  ny -= drawParagraph(page, `${cert.officeName}, ${cert.agencyName}`, { x: xR + PAD, top: ny, width: RIGHT_W - 2 * PAD }, s.body, { maxLines: 2 });
  drawParagraph(page, `${cert.place}, ${formatCertificateDate(cert.date)}`, { x: xR + PAD, top: ny, width: RIGHT_W - 2 * PAD }, s.body, { maxLines: 1 });
  hline(page, xR + PAD, xR + RIGHT_W - PAD, signBottom + 12, RULE, 0.5);
  drawLines(page, [form.certificationSignatureLabel], { x: xR + PAD, top: signBottom + 10, width: RIGHT_W - 2 * PAD }, s.small, 'center');

  drawFooter(page, ctx);
}

/** The mark in the title box of a duplicate ("DUPLICATE") or an in-lieu certificate ("ISSUED IN LIEU OF … dated …"). */
export function replacementMark(doc: CertificateDocument): string {
  const r = doc.replacement;
  if (r?.kind === 'in-lieu') return `ISSUED IN LIEU OF ${r.number} dated ${formatCertificateDate(r.issueDate)}`;
  return `DUPLICATE — of certificate No. ${doc.replacesCertificateNumber}${r ? ` dated ${formatCertificateDate(r.issueDate)}` : ''}`;
}

function remarksText(doc: CertificateDocument): string {
  const parts: string[] = [];
  const retrospective = retrospectiveRemark(doc);
  if (retrospective) parts.push(retrospective);
  if (doc.replacement?.kind === 'in-lieu') {
    parts.push(`Issued in lieu of certificate No. ${doc.replacement.number} dated ${formatCertificateDate(doc.replacement.issueDate)}, which it supersedes.`);
  } else if (doc.replacesCertificateNumber) {
    parts.push(`Duplicate of certificate No. ${doc.replacesCertificateNumber}${doc.replacement ? ` dated ${formatCertificateDate(doc.replacement.issueDate)}` : ''}, which remains in force.`);
  }
  if (doc.thirdCountryInvoicing) parts.push(`Third-country invoicing: invoice issued by ${doc.thirdCountryOperator ?? 'a third-country operator'}.`);
  if (doc.remarks) parts.push(doc.remarks);
  return parts.join(' ');
}

// ---- continuation sheets ----

function drawContinuationPage(page: PDFPage, ctx: Ctx, pageIndex: number, columns: Column[], rows: PreparedRow[], isLastGoodsPage: boolean, closing: string, remainingItems: number): void {
  const { doc, s } = ctx;
  drawBanner(page, ctx, pageIndex, true);
  const top = GRID_TOP;
  rect(page, MARGIN, top - CONT_HEADER_H, CONTENT_W, CONT_HEADER_H);
  let y = top - 4;
  drawLines(page, [`Certificate No. ${doc.certificateNumber}`], { x: MARGIN + PAD, top: y, width: CONTENT_W / 2 }, { ...s.number, size: 10 });
  drawLines(page, [`Date of issue: ${formatCertificateDate(doc.issueDate)}`], { x: MARGIN + PAD, top: y, width: CONTENT_W - 2 * PAD }, s.small, 'right');
  y -= 15;
  drawLines(page, [`${ctx.form.title.join(' — ')}${ctx.form.formName ? ` (${ctx.form.formName})` : ''}`], { x: MARGIN + PAD, top: y, width: CONTENT_W - 2 * PAD }, { ...s.bodyBold, color: ACCENT });
  y -= 12;
  drawParagraph(page, `Exporter: ${doc.exporter.name} (IEC ${doc.exporter.iec})`, { x: MARGIN + PAD, top: y, width: CONTENT_W - 2 * PAD }, s.body, { maxLines: 1 });
  y -= 11;
  drawParagraph(page, `Importer: ${doc.importer.name}, ${doc.importer.country.toUpperCase()}`, { x: MARGIN + PAD, top: y, width: CONTENT_W - 2 * PAD }, s.body, { maxLines: 1 });

  const goodsTop = top - CONT_HEADER_H - 6;
  const goodsBottom = MARGIN + FOOTER_H + CONT_SIGN_H;
  rect(page, MARGIN, goodsBottom, CONTENT_W, goodsTop - goodsBottom);
  drawGoods(page, ctx, columns, goodsTop, goodsBottom, rows, {
    ...(isLastGoodsPage ? { closing } : {}),
    ...(remainingItems > 0 ? { continued: `${remainingItems} more item(s) continued on the next sheet` } : {}),
  });

  const signTop = goodsBottom;
  rect(page, MARGIN, signTop - CONT_SIGN_H, CONTENT_W, CONT_SIGN_H);
  const cert = doc.certification;
  const textW = CONTENT_W * 0.55;
  let ty = signTop - 4;
  ty -= drawParagraph(page, `${ctx.form.boxes.certification.box}. Certification (continued)`, { x: MARGIN + PAD, top: ty, width: textW }, s.label) + 2;
  ty -= drawParagraph(page, `This continuation sheet, page ${pageIndex + 1} of ${ctx.pageCount}, forms part of certificate No. ${doc.certificateNumber}. ${ctx.form.certificationText}`, { x: MARGIN + PAD, top: ty, width: textW }, s.body, { maxLines: 4 }) + 4;
  ty -= drawParagraph(page, cert.officerName + (cert.officerDesignation ? `, ${cert.officerDesignation}` : ''), { x: MARGIN + PAD, top: ty, width: textW }, s.bodyBold, { maxLines: 1 });
  drawParagraph(page, `${cert.officeName}, ${cert.agencyName} · ${cert.place}, ${formatCertificateDate(cert.date)}`, { x: MARGIN + PAD, top: ty, width: textW }, s.body, { maxLines: 2 });
  const imgX = MARGIN + textW + 2 * PAD;
  drawSignatureAndStamp(page, ctx, imgX, signTop - CONT_SIGN_H + 4, MARGIN + CONTENT_W - PAD - imgX, CONT_SIGN_H - 8);
  drawFooter(page, ctx);
}

// ---- pagination ----

function paginate(rows: PreparedRow[], firstCapacity: number, nextCapacity: number): PreparedRow[][] {
  const pages: PreparedRow[][] = [];
  let current: PreparedRow[] = [];
  let used = 0;
  let capacity = firstCapacity;
  rows.forEach((row, i) => {
    const isLast = i === rows.length - 1;
    // the last row needs room for the closing line; any other for the "continued" note
    const reserve = isLast ? CLOSING_H : CONTINUED_H;
    if (current.length > 0 && used + row.height + reserve > capacity) {
      pages.push(current);
      current = [];
      used = 0;
      capacity = nextCapacity;
    }
    current.push(row);
    used += row.height;
  });
  pages.push(current);
  return pages;
}

export async function renderCertificate(input: RenderCertificateInput): Promise<RenderedCertificate> {
  const { document: doc } = input;
  assertCertificateDocument(doc);
  const form = resolveAgreementForm(doc.agreement);

  const pdf = await PDFDocument.create({ updateMetadata: false });
  useNativeDeflate(pdf);
  const fonts = await embedCertificateFonts(pdf, hasDevanagari(JSON.stringify(doc)));
  const s = makeStyles(fonts);
  if (input.qrText === undefined && !input.watermark) throw new Error('A certificate is drawn with its QR code; only a preview (watermark) goes without one');
  const qr = input.qrText === undefined ? null : encodeQr(input.qrText, input.qrErrorCorrection ?? 'M');
  const ctx: Ctx = {
    doc,
    watermark: input.watermark,
    form,
    s,
    signatureRef: embedPreparedImage(pdf, input.images.signature),
    stampRef: embedPreparedImage(pdf, input.images.stamp),
    images: input.images,
    qr: qr ? { matrix: qr, ref: embedQr(pdf, qr) } : null,
    verifyAtUrl: input.verifyAtUrl,
    pageCount: 1,
    signatureRect: [0, 0, 0, 0],
  };

  const columns = layoutColumns(form);
  const hh = headerHeight(ctx, columns);
  const firstCapacity = GRID_TOP - TOP_AREA_H - (MARGIN + FOOTER_H + SIGN_AREA_H + REMARKS_H) - hh;
  const nextCapacity = GRID_TOP - CONT_HEADER_H - 6 - (MARGIN + FOOTER_H + CONT_SIGN_H) - hh;
  const rows = prepareRows(ctx, columns, Math.min(firstCapacity, nextCapacity) - CLOSING_H - CONTINUED_H);
  const pages = paginate(rows, firstCapacity, nextCapacity);
  ctx.pageCount = pages.length;

  const summary = summarizeCertificate(doc);
  const closing =
    `*** ${summary.itemCount} item(s) · ${summary.totalPackages} package(s) · total value ` +
    `${formatMoney(summary.totalValue, summary.currency)} · invoice ${doc.invoice.number} dt. ${formatCertificateDate(doc.invoice.date)} ***`;

  let remaining = rows.length;
  pages.forEach((pageRows, i) => {
    const page = pdf.addPage([PAGE_W, PAGE_H]);
    remaining -= pageRows.length;
    const last = i === pages.length - 1;
    if (i === 0) drawFirstPage(page, ctx, columns, pageRows, last, closing, remaining);
    else drawContinuationPage(page, ctx, i, columns, pageRows, last, closing, remaining);
  });

  if (input.watermark) for (const page of pdf.getPages()) drawWatermark(page, input.watermark, s.bodyBold.fonts.latin);
  compressPageContents(pdf);

  const created = input.createdAt ?? new Date();
  pdf.setTitle(`Certificate of Origin ${doc.certificateNumber}`, { showInWindowTitleBar: true });
  pdf.setSubject(`${doc.agreement.title} — certificate of origin, electronic copy`);
  pdf.setAuthor(`${doc.certification.agencyName}, ${doc.certification.officeName}`);
  pdf.setKeywords([doc.certificateNumber, doc.agreement.code, doc.exporter.iec, 'certificate of origin']);
  pdf.setCreator('CoO back-office');
  pdf.setProducer('CoO back-office (pdf-lib)');
  pdf.setCreationDate(created);
  pdf.setModificationDate(created);
  pdf.setLanguage('en');

  return {
    pdf,
    pageCount: pages.length,
    itemsPerPage: pages.map((p) => p.map((r) => r.itemNumber)),
    qr: qr ? { version: qr.version, modules: qr.size, errorCorrection: qr.errorCorrection, sidePt: QR_SIDE } : null,
    signatureRect: ctx.signatureRect,
  };
}

/** The preview's text across the page's diagonal, large and translucent. */
function drawWatermark(page: PDFPage, text: string, font: PDFFont): void {
  const { width, height } = page.getSize();
  const angle = Math.atan2(height, width);
  const size = Math.min(72, ((Math.hypot(width, height) * 0.8) / font.widthOfTextAtSize(text, 1)));
  const w = font.widthOfTextAtSize(text, size);
  page.drawText(text, {
    // the baseline's start, so that the text's middle sits at the page's centre
    x: width / 2 - (w / 2) * Math.cos(angle) + (size / 3) * Math.sin(angle),
    y: height / 2 - (w / 2) * Math.sin(angle) - (size / 3) * Math.cos(angle),
    size,
    font,
    color: ALERT,
    opacity: 0.22,
    rotate: degrees((angle * 180) / Math.PI),
  });
}

/** Rendered and saved, unsigned (previews, tests). */
export async function renderCertificatePdf(input: RenderCertificateInput): Promise<Uint8Array> {
  const { pdf } = await renderCertificate(input);
  return pdf.save();
}
